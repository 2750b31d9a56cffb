package org.patchddm.spark.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.patchddm.model.diffusion.DiffusionSettings;
import org.patchddm.model.diffusion.Prediction;
import org.patchddm.model.train.RunSettings;

class SamplingOverridesTest {

  private static Config with(String hocon) {
    return ConfigFactory.parseString(hocon).withFallback(ConfigFactory.load()).resolve();
  }

  private static ModelSource source(String extra) {
    RunSettings run = RunSettings.fromConfig(with("patchddm.diffusion.prediction = V\n" + extra));
    return new ModelSource("file:/ck", null, run.toHocon(), 10, Double.NaN, null);
  }

  @Test
  void theDefaultKeepsTheCheckpointsChoices() {
    SamplingOverrides o = InferSettings.fromConfig(ConfigFactory.load()).sampling();
    assertTrue(o.isEmpty());
    ModelSource s = source("");
    assertSame(s, s.withSampling(o));
  }

  @Test
  void overridesReplaceOnlyTheSamplingKeys() {
    SamplingOverrides o =
        InferSettings.fromConfig(
                with("patchddm.infer.sampling { start = 900, clip-x0-min = 0, clip-x0-max = 1.0 }"))
            .sampling();
    assertEquals(new SamplingOverrides(900, null, 0.0, 1.0, null), o);
    DiffusionSettings d = source("").withSampling(o).run().diffusion();
    assertEquals(900, d.firstTimestep());
    assertEquals(0.0, d.clipMin());
    assertEquals(1.0, d.clipMax());
    assertEquals(true, d.clipX0());
    assertEquals(Prediction.V, d.prediction());
    DiffusionSettings off =
        source("")
            .withSampling(
                InferSettings.fromConfig(with("patchddm.infer.sampling.clip-x0 = false"))
                    .sampling())
            .run()
            .diffusion();
    assertEquals(false, off.clipX0());
    assertEquals(999, off.firstTimestep());
    assertEquals(1.0, off.noiseScale());
    DiffusionSettings cool =
        source("patchddm.diffusion.sampling-noise-scale = 0.8")
            .withSampling(
                InferSettings.fromConfig(with("patchddm.infer.sampling.noise-scale = 0.25"))
                    .sampling())
            .run()
            .diffusion();
    assertEquals(0.25, cool.noiseScale());
    assertEquals(
        0.8,
        source("patchddm.diffusion.sampling-noise-scale = 0.8")
            .withSampling(SamplingOverrides.none())
            .run()
            .diffusion()
            .noiseScale(),
        "the checkpoint's own scale is kept by default");
  }

  @Test
  void badValuesNameTheKey() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> InferSettings.fromConfig(with("patchddm.infer.sampling.start = soon")));
    assertTrue(e.getMessage().contains("patchddm.infer.sampling.start"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> InferSettings.fromConfig(with("patchddm.infer.sampling.start = 900.5")));
    assertTrue(e.getMessage().contains("integer"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> InferSettings.fromConfig(with("patchddm.infer.sampling.clip-x0 = 1")));
    assertTrue(e.getMessage().contains("patchddm.infer.sampling.clip-x0"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                source("")
                    .withSampling(
                        InferSettings.fromConfig(with("patchddm.infer.sampling.noise-scale = -1"))
                            .sampling()));
    assertTrue(e.getMessage().contains("sampling-noise-scale"), e.getMessage());
    // start beyond T - 1 is refused by the diffusion settings themselves, naming their key
    SamplingOverrides late = new SamplingOverrides(5000, null, null, null, null);
    e = assertThrows(IllegalArgumentException.class, () -> source("").withSampling(late));
    assertTrue(e.getMessage().contains("sampling-start"), e.getMessage());
  }
}

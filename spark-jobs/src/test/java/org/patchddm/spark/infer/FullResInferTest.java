package org.patchddm.spark.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.patchddm.model.diffusion.DiffusionSampler;
import org.patchddm.model.diffusion.DiffusionSettings;
import org.patchddm.model.diffusion.GaussianDiffusion;
import org.patchddm.model.net.SkipMerge;
import org.patchddm.model.net.UNetDenoiser;
import org.patchddm.model.net.UNetSettings;
import org.patchddm.model.patch.TrainingMode;
import org.patchddm.model.split.SplitSettings;
import org.patchddm.model.split.SplitUNet;
import org.patchddm.model.train.Checkpoints;
import org.patchddm.model.train.NetworkFactory;
import org.patchddm.model.train.Optimizer;
import org.patchddm.model.train.RunSettings;
import org.patchddm.model.train.TrainSettings;

/**
 * FullRes inference runs the checkpoint's (unsplit) network split into an encoder and a decoder
 * part: its noise prediction and a whole DDIM sampling equal those of the unsplit graph loaded from
 * the same checkpoint, on the CPU (float32). Models are cached per task devices.
 */
class FullResInferTest {

  @TempDir Path dir;

  static RunSettings run() {
    UNetSettings net = new UNetSettings(8, List.of(1, 2), 1, 4, 5, 1, SkipMerge.AVERAGE, 8);
    TrainSettings t =
        new TrainSettings(
            Optimizer.ADAM,
            1e-3,
            0.0,
            1,
            0.0,
            List.of(8, 8, 8),
            3,
            10,
            0,
            1,
            TrainingMode.FULL_RES);
    return new RunSettings(net, DiffusionSettings.paper().withSamplingSteps(3), t);
  }

  static INDArray gaussian(long seed, long... shape) {
    return Nd4j.getRandomFactory()
        .getNewRandomInstance(seed)
        .nextGaussian(shape)
        .castTo(DataType.FLOAT);
  }

  @Test
  void theSplitNetworkPredictsAndSamplesAsTheUnsplitOne() throws Exception {
    RunSettings run = run();
    ComputationGraph g = NetworkFactory.create(run);
    // every weight random, so that no zero-initialised output convolution hides a path
    g.params().assign(gaussian(5, g.params().shape()).muli(0.2));
    Path checkpoint = Checkpoints.save(dir, g, run, 3);
    Configuration hconf = new Configuration();
    ModelSource source = ModelSource.resolve(checkpoint.toString(), hconf, System.out);
    ModelCache.Entry e = ModelCache.get(source, new int[0], new SplitSettings(1), hconf);
    assertTrue(e.denoiser() instanceof SplitUNet, "FullRes runs split: " + e.denoiser());
    SplitUNet split = (SplitUNet) e.denoiser();
    assertEquals(1, split.threshold());
    UNetDenoiser unsplit = new UNetDenoiser(Checkpoints.load(checkpoint, run).graph(), run.model());

    INDArray xt = gaussian(6, 2, 1, 8, 8, 8);
    INDArray cond = gaussian(7, 2, 4, 8, 8, 8);
    int[] t = {999, 120};
    INDArray want = unsplit.predictEps(xt, t, cond);
    INDArray got = split.predictEps(xt, t, cond);
    double scale = want.amaxNumber().doubleValue();
    assertTrue(scale > 0.1, "the prediction should not vanish: " + scale);
    double d = want.sub(got).amaxNumber().doubleValue();
    assertTrue(d <= 1e-5 * scale, "max |split - unsplit| = " + d + " of " + scale);

    DiffusionSettings ds = run.diffusion();
    DiffusionSampler sampler = new DiffusionSampler(GaussianDiffusion.of(ds), ds);
    INDArray one = cond.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1));
    INDArray a = sampler.sample(unsplit, one, 42).soft();
    INDArray b = sampler.sample(split, one, 42).soft();
    double ds1 = a.sub(b).amaxNumber().doubleValue();
    assertTrue(ds1 <= 1e-4, "DDIM sample differs by " + ds1);
  }

  @Test
  void modelsAreCachedPerTaskDevices() throws Exception {
    RunSettings run = run();
    Path checkpoint = Checkpoints.save(dir, NetworkFactory.create(run), run, 0);
    Configuration hconf = new Configuration();
    ModelSource source = ModelSource.resolve(checkpoint.toString(), hconf, System.out);
    SplitSettings s = new SplitSettings(-1);
    int before = ModelCache.loads();
    ModelCache.Entry a = ModelCache.get(source, new int[0], s, hconf);
    assertSame(a, ModelCache.get(source, new int[0], s, hconf));
    ModelCache.Entry b = ModelCache.get(source, new int[] {0, 0}, s, hconf);
    assertNotSame(a, b);
    assertEquals(2, ModelCache.loads() - before);
    assertEquals(2, ModelCache.devicesPerTask(run));
  }
}

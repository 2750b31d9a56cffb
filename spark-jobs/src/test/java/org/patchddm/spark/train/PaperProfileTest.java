package org.patchddm.spark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.patchddm.model.diffusion.DiffusionSettings;
import org.patchddm.model.net.UNetSettings;
import org.patchddm.model.patch.TrainingMode;
import org.patchddm.model.train.RunSettings;
import org.patchddm.model.train.TrainSettings;
import org.patchddm.prep.PrepSettings;
import org.patchddm.spark.config.ConfigLoader;
import org.patchddm.spark.infer.InferSettings;

/**
 * conf/paper.conf holds the paper's settings (shared PAPER-FACTS) and a run that the training job
 * accepts in every mode on its 256^3 volumes.
 */
class PaperProfileTest {
  private static final String PROFILE = Path.of("..", "conf", "paper.conf").toString();

  @Test
  void networkDiffusionOptimiserAndSamplingAreThePapers() {
    Config c = ConfigLoader.load(PROFILE, List.of(), Map.of());
    RunSettings run = RunSettings.fromConfig(c);
    UNetSettings m = run.model();
    assertEquals(29, m.modelChannels());
    assertEquals(List.of(1, 3, 4, 4, 4, 4, 4), m.channelMult());
    assertEquals(2, m.numResBlocks());
    assertEquals(29, m.groupNormGroups());
    assertEquals(8, m.inChannels());
    assertEquals(UNetSettings.paper(), m, "the settings whose 24,260,299 parameters are tested");
    DiffusionSettings d = run.diffusion();
    assertEquals(1000, d.timesteps());
    assertEquals(20, d.samplingSteps());
    assertEquals(0.0, d.eta());
    assertEquals(-1, d.samplingStart(), "start at T - 1");
    assertTrue(d.clipX0());
    assertEquals(-1.0, d.clipMin());
    assertEquals(1.0, d.clipMax());
    TrainSettings t = run.train();
    assertEquals(1e-5, t.learningRate());
    assertEquals(0.0, t.weightDecay());
    assertEquals(1, t.batchSize());
    assertEquals(List.of(128, 128, 128), t.patchSize());
    assertEquals(TrainingMode.PATCH, t.mode());
    InferSettings inf = InferSettings.fromConfig(c);
    assertEquals(15, inf.ensemble());
    assertEquals(List.of(1, 3, 5, 7, 9, 11, 13, 15), inf.sweepSizes());
  }

  @Test
  void runLengthIsWholeRoundsAndValidationAndCheckpointsFallOnRounds() {
    Config c = ConfigLoader.load(PROFILE, List.of(), Map.of());
    TrainSettings t = RunSettings.fromConfig(c).train();
    TrainJobSettings job = TrainJobSettings.fromConfig(c);
    assertEquals(20, job.localSteps());
    assertEquals(0, t.steps() % job.localSteps(), "no short last round");
    assertEquals(28_000, t.steps() / job.localSteps());
    assertEquals(0, t.checkpointEvery() % job.localSteps());
    assertEquals(
        0, (t.steps() / job.localSteps()) % job.validateEveryRounds(), "last round validated");
    assertEquals(0, job.validationSubjects(), "the whole validation split, as the paper");
  }

  @Test
  void everyModeFitsThe256CubedVolumes() {
    for (TrainingMode mode : TrainingMode.values()) {
      Config c =
          ConfigLoader.load(
              PROFILE,
              List.of(),
              Map.of(
                  "patchddm.train.mode",
                  mode.name(),
                  "patchddm.model.in-channels",
                  mode.inputChannels(4)));
      RunSettings run = RunSettings.fromConfig(c);
      int[] xyz = PrepSettings.fromConfig(c).targetShape();
      assertEquals(64, run.model().sizeDivisor(), "7 levels");
      TrainPreflight.checkChannels("paper", run);
      TrainPreflight.checkShapes("paper", run, new int[] {xyz[2], xyz[1], xyz[0]});
    }
  }
}

package org.patchddm.spark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.patchddm.model.patch.TrainingMode;
import org.patchddm.model.train.RunSettings;
import org.patchddm.prep.PrepSettings;
import org.patchddm.spark.config.ConfigLoader;

/**
 * conf/cpu-train.conf loads (with its include of local.conf), and its network fits its volumes in
 * every mode.
 */
class CpuTrainProfileTest {

  @Test
  void profileIsValidAndItsNetworkFitsTheLocalVolumesInEveryMode() {
    String profile = Path.of("..", "conf", "cpu-train.conf").toString();
    for (TrainingMode mode : TrainingMode.values()) {
      Config c =
          ConfigLoader.load(
              profile,
              List.of(),
              Map.of(
                  "patchddm.train.mode",
                  mode.name(),
                  "patchddm.model.in-channels",
                  mode.inputChannels(4)));
      RunSettings run = RunSettings.fromConfig(c);
      TrainJobSettings job = TrainJobSettings.fromConfig(c);
      int[] xyz = PrepSettings.fromConfig(c).targetShape();
      assertEquals(List.of(64, 64, 64), List.of(xyz[0], xyz[1], xyz[2]), "from local.conf");
      assertEquals(4, job.localSteps());
      assertTrue(run.model().sizeDivisor() == 8);
      TrainPreflight.checkChannels("cpu-train", run);
      TrainPreflight.checkShapes("cpu-train", run, new int[] {xyz[2], xyz[1], xyz[0]});
    }
  }
}

package org.patchddm.spark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.patchddm.cli.PreprocessCommand;
import org.patchddm.spark.CommandRunner;
import org.patchddm.spark.TestCohorts;

/**
 * Tiny preprocessed datasets (synthetic 32x32x24 subjects padded to 32^3) and tiny-network settings
 * for training.
 */
final class TrainTestData {

  /**
   * Widths 8-16 (multipliers 1, 2: size divisor 2), 1 res block, 4 groups, embedding 8: the model
   * tests' tiny net.
   */
  static final List<String> TINY_NET =
      List.of(
          "patchddm.model.model-channels=8",
          "patchddm.model.channel-mult=[1,2]",
          "patchddm.model.num-res-blocks=1",
          "patchddm.model.groupnorm-groups=4",
          "patchddm.model.time-embed-dim=8");

  private TrainTestData() {}

  /**
   * Synthesises training subjects 1..n (seed 11) and preprocesses them with the given split
   * fractions.
   */
  static Path dataset(Path dir, int n, double train, double val) throws Exception {
    Path raw = dir.resolve("raw-" + n + "-" + train + "-" + val);
    Path out = dir.resolve("dataset-" + n + "-" + train + "-" + val);
    TestCohorts.writeTraining(raw, 11, 1, n);
    CommandRunner.Result r =
        CommandRunner.run(
            new PreprocessCommand(),
            "--input",
            raw.toString(),
            "--output",
            out.toString(),
            "--set",
            TestCohorts.TARGET,
            "--set",
            "patchddm.prep.split.train=" + train,
            "--set",
            "patchddm.prep.split.val=" + val,
            "--set",
            "patchddm.prep.split.min-train=0",
            "--set",
            "patchddm.prep.split.min-val=0",
            "--set",
            "patchddm.prep.split.min-test=0");
    assertEquals(0, r.exitCode(), r.err());
    return out;
  }

  /**
   * Arguments of a tiny training run: the local engine (one slot), PATCH mode unless {@code extra}
   * says otherwise, 16^3 patches, lr 1e-3, batch 1, k = 2, validation every 2 rounds on 1 subject
   * with 2 DDIM steps, a checkpoint every 2 steps.
   */
  static String[] args(Path data, Path run, int steps, String... extra) {
    return args(data.toString(), run.toString(), steps, extra);
  }

  /**
   * As {@link #args(Path, Path, int, String...)} with the dataset and run directory as URIs or
   * paths.
   */
  static String[] args(String data, String run, int steps, String... extra) {
    List<String> a = new ArrayList<>(List.of("--data", data, "--out", run));
    for (String s : TINY_NET) {
      a.addAll(List.of("--set", s));
    }
    for (String s :
        List.of(
            "patchddm.train.patch-size=[16,16,16]",
            "patchddm.train.learning-rate=1e-3",
            "patchddm.train.steps=" + steps,
            "patchddm.train.checkpoint-every=2",
            "patchddm.spark.train.local-steps=2",
            "patchddm.spark.train.engine=local",
            "patchddm.train.validation.every-rounds=2",
            "patchddm.train.validation.subjects=1",
            "patchddm.train.validation.sampling-steps=2",
            "patchddm.train.seed=5")) {
      a.addAll(List.of("--set", s));
    }
    a.addAll(Arrays.asList(extra));
    return a.toArray(String[]::new);
  }
}

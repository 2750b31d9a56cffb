package org.patchddm.spark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patchddm.cli.TrainCommand;
import org.patchddm.model.runtime.NativeThreads;
import org.patchddm.spark.CommandRunner;
import org.patchddm.spark.LocalSparkTest;

/**
 * Bad input is refused before training, in seconds, with exit code 1 and a message naming the
 * problem, and leaves the run directory without checkpoints or metrics; a NaN loss stops the job
 * with exit code 3 and nothing saved; a corrupt checkpoint is named on resume. Also one short run
 * per baseline mode (FULL_RES, HALF_RES), validated.
 */
class TrainFaultsTest extends LocalSparkTest {

  @TempDir static Path dir;
  static Path data;

  @BeforeAll
  static void dataset() throws Exception {
    NativeThreads.limit(1);
    data = TrainTestData.dataset(dir, 4, 0.5, 0.5);
  }

  static CommandRunner.Result train(Path dataset, Path run, int steps, String... extra) {
    return CommandRunner.run(new TrainCommand(), TrainTestData.args(dataset, run, steps, extra));
  }

  /**
   * Runs a command that must be refused before training: exit 1, the message, well under a minute,
   * no outputs.
   */
  static void refused(Path dataset, String name, String[] extra, String... messageParts)
      throws Exception {
    Path run = dir.resolve(name);
    long t0 = System.nanoTime();
    CommandRunner.Result r = train(dataset, run, 4, extra);
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertEquals(1, r.exitCode(), name + ": " + r.err());
    for (String part : messageParts) {
      assertTrue(r.err().contains(part), name + ": expected '" + part + "' in: " + r.err());
    }
    assertTrue(seconds < 30, name + " took " + seconds + " s to be refused");
    assertFalse(Files.exists(run.resolve(CheckpointStore.DIR)), name + ": checkpoints written");
    assertFalse(Files.exists(run.resolve(MetricsLog.FILE)), name + ": metrics written");
  }

  @Test
  void inputChannelsThatDoNotFitTheModeAreRefused() throws Exception {
    refused(
        data,
        "channels",
        new String[] {"--set", "patchddm.model.in-channels=5"},
        "patchddm.model.in-channels = 5",
        "mode PATCH",
        "needs 8 (4 MR + 3 coordinates + 1 noisy label)");
  }

  @Test
  void aVolumeThatIsNotAMultipleOfTheSizeDivisorIsRefused() throws Exception {
    // 7 levels: the network halves 6 times, so it needs multiples of 64; the volume is 32^3
    refused(
        data,
        "divisor",
        new String[] {"--mode", "fullres", "--set", "patchddm.model.channel-mult=[1,2,2,2,2,2,2]"},
        "volume [D, H, W] = [32, 32, 32] is not a multiple of the network's size divisor 64",
        "mode FULL_RES");
  }

  @Test
  void aPatchLargerThanTheVolumeIsRefused() throws Exception {
    refused(
        data,
        "patch",
        new String[] {"--set", "patchddm.train.patch-size=[48,16,16]"},
        "patchddm.train.patch-size = [48, 16, 16] does not fit the volume [D, H, W] = [32, 32, 32]");
  }

  @Test
  void moreSlotsThanTrainingSubjectsAreRefused() throws Exception {
    refused(
        data,
        "slots",
        new String[] {"--set", "patchddm.spark.train.slots=9"},
        "9 training slots but dataset",
        "training subjects");
  }

  @Test
  void anEmptyTrainingSplitIsRefused() throws Exception {
    Path noTrain = TrainTestData.dataset(dir, 1, 0.0, 1.0);
    refused(noTrain, "empty", new String[0], "has no training subjects", "{val=1}");
  }

  @Test
  void anUnknownKeyIsAConfigurationError() throws Exception {
    refused(
        data,
        "typo",
        new String[] {"--set", "patchddm.spark.train.local-step=3"},
        "unknown config key 'patchddm.spark.train.local-step'",
        "did you mean 'patchddm.spark.train.local-steps'");
  }

  @Test
  void aNanLossStopsTheJobAndNothingIsSaved() throws Exception {
    Path run = dir.resolve("nan");
    // Adam moves every weight by about the learning rate in the first step; the second step's loss
    // overflows
    CommandRunner.Result r = train(data, run, 4, "--set", "patchddm.train.learning-rate=1e30");
    assertEquals(3, r.exitCode(), r.err());
    assertTrue(r.err().contains("round 1") && r.err().contains("nothing saved"), r.err());
    assertTrue(r.err().contains("NaN") || r.err().contains("Infinity"), r.err());
    if (Files.exists(run.resolve(CheckpointStore.DIR))) {
      try (Stream<Path> s = Files.list(run.resolve(CheckpointStore.DIR))) {
        assertEquals(List.of(), s.toList(), "no checkpoint may be written");
      }
    }
    assertFalse(Files.exists(run.resolve(MetricsLog.FILE)));
  }

  @Test
  void aCorruptCheckpointIsNamedOnResume() throws Exception {
    Path run = dir.resolve("corrupt");
    assertEquals(
        0, train(data, run, 2, "--set", "patchddm.train.validation.every-rounds=0").exitCode());
    Path model =
        run.resolve(CheckpointStore.DIR).resolve(CheckpointStore.roundName(1)).resolve("model.zip");
    try (FileChannel ch =
        FileChannel.open(model, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
      ch.read(b, 100);
      b.put(0, (byte) (b.get(0) ^ 0x5a));
      ch.write(b.rewind(), 100);
    }
    CommandRunner.Result r =
        train(data, run, 4, "--resume", "--set", "patchddm.train.validation.every-rounds=0");
    assertEquals(1, r.exitCode(), r.err());
    assertTrue(r.err().contains(model.toString()) && r.err().contains("corrupt"), r.err());
  }

  @Test
  void fullResAndHalfResTrainAndValidateOnTheWholeVolume() throws Exception {
    for (String mode : List.of("fullres", "halfres")) {
      Path run = dir.resolve("mode-" + mode);
      CommandRunner.Result r =
          train(data, run, 2, "--mode", mode, "--set", "patchddm.train.validation.every-rounds=1");
      assertEquals(0, r.exitCode(), mode + ": " + r.err());
      List<JsonObject> m = TrainJobIT.metrics(run);
      assertEquals(1, m.size());
      double dice = m.get(0).get("val_dice").getAsDouble();
      assertTrue(dice >= 0 && dice <= 1, mode + " Dice " + dice);
      assertEquals(
          mode.equals("fullres") ? "FULL_RES" : "HALF_RES",
          com.typesafe.config.ConfigFactory.parseFile(run.resolve("run.conf").toFile())
              .getString("patchddm.train.mode"));
    }
  }
}

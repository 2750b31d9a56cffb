package org.patchddm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patchddm.spark.CommandRunner;
import org.patchddm.spark.LocalSparkTest;
import org.patchddm.spark.TestCohorts;

/**
 * The README's main command, end to end on a tiny cohort and a tiny network: synth, preprocess,
 * train, infer and report, the closing JSON line, and a second run that reuses every stage.
 */
class QuickstartCommandTest extends LocalSparkTest {
  @TempDir Path dir;

  @Test
  void firstRunTrainsAndSegmentsTheTestSplitAndTheSecondReusesEveryStage() throws Exception {
    Path conf = dir.resolve("tiny.conf");
    // 6 subjects with split 0.3/0.2 and seed 42: 1 train, 1 val, 4 test
    Files.writeString(
        conf,
        String.join(
            "\n",
            "patchddm.prep { target-shape = [32, 32, 32], split { train = 0.3, val = 0.2 } }",
            "patchddm.model { model-channels = 8, channel-mult = [1, 2], num-res-blocks = 1, groupnorm-groups = 4,"
                + " time-embed-dim = 8 }",
            "patchddm.diffusion.sampling-steps = 2",
            "patchddm.train { patch-size = [16, 16, 16], learning-rate = 1e-3, steps = 4, checkpoint-every = 2,"
                + " validation { every-rounds = 2, subjects = 1, sampling-steps = 2 } }",
            // one training subject, so one training slot
            "patchddm.spark.train { local-steps = 2, slots = 1 }",
            "patchddm.infer { ensemble = 3, steps = 2, figures = 2 }",
            ""));
    Path work = dir.resolve("qs");
    String[] args = {
      "--workdir",
      work.toString(),
      "--subjects",
      "6",
      "--seed",
      "5",
      "--shape",
      "32,32,24",
      "--conf",
      conf.toString()
    };

    CommandRunner.Result first = CommandRunner.run(new QuickstartCommand(), args);
    assertEquals(0, first.exitCode(), first.err());
    assertTrue(first.out().contains("6 new, 0 changed, 0 unchanged"), first.out());
    JsonObject j = lastLineJson(first.out());
    assertEquals("quickstart", j.get("what").getAsString());
    assertEquals(4, j.get("subjects").getAsInt());
    assertEquals(3, j.get("ensemble").getAsInt());
    assertEquals(2, j.get("steps").getAsInt());
    double dice = j.get("test_dice").getAsDouble();
    assertTrue(dice >= 0 && dice <= 1, "dice " + dice);
    assertTrue(j.get("test_hd95_mm").getAsDouble() >= 0);
    assertTrue(j.get("elapsed_s").getAsDouble() > 0);
    Path report = Path.of(j.get("report").getAsString());
    assertTrue(Files.size(report) > 1000, report.toString());
    // the mean Dice of the JSON line is the mean of metrics.csv's full-ensemble rows
    List<String> rows =
        Files.readAllLines(work.resolve("infer/metrics.csv")).stream()
            .filter(l -> l.contains(",2,3,"))
            .toList();
    assertEquals(4, rows.size(), rows.toString());
    double mean =
        rows.stream().mapToDouble(l -> Double.parseDouble(l.split(",")[3])).average().orElseThrow();
    assertEquals(mean, dice, 1e-4);
    double single =
        Files.readAllLines(work.resolve("infer/metrics.csv")).stream()
            .filter(l -> l.contains(",2,1,"))
            .mapToDouble(l -> Double.parseDouble(l.split(",")[3]))
            .average()
            .orElseThrow();
    assertEquals(single, j.get("test_dice_single").getAsDouble(), 1e-4);

    Map<String, String> raw = TestCohorts.snapshot(work.resolve("raw"));
    Map<String, String> dataset = TestCohorts.snapshot(work.resolve("dataset"));
    Map<String, String> checkpoints = TestCohorts.snapshot(work.resolve("run/checkpoints"));
    String subject = rows.get(0).split(",")[0];
    Map<String, String> outputs = TestCohorts.snapshot(work.resolve("infer").resolve(subject));

    CommandRunner.Result second = CommandRunner.run(new QuickstartCommand(), args);
    assertEquals(0, second.exitCode(), second.err());
    assertTrue(second.out().contains("reusing"), second.out());
    assertTrue(second.out().contains("0 new, 0 changed, 6 unchanged"), second.out());
    assertTrue(second.out().contains("4 complete (skipped), 0 to do"), second.out());
    assertEquals(raw, TestCohorts.snapshot(work.resolve("raw")));
    assertEquals(dataset, TestCohorts.snapshot(work.resolve("dataset")));
    assertEquals(checkpoints, TestCohorts.snapshot(work.resolve("run/checkpoints")));
    assertEquals(outputs, TestCohorts.snapshot(work.resolve("infer").resolve(subject)));
    assertEquals(dice, lastLineJson(second.out()).get("test_dice").getAsDouble());
  }

  @Test
  void tooFewTestSubjectsAreRefusedWithTheCount() throws Exception {
    Path conf = dir.resolve("few.conf");
    Files.writeString(conf, "patchddm.prep.target-shape = [32, 32, 32]\n");
    CommandRunner.Result r =
        CommandRunner.run(
            new QuickstartCommand(),
            "--workdir",
            dir.resolve("few").toString(),
            "--subjects",
            "3",
            "--seed",
            "5",
            "--shape",
            "32,32,24",
            "--conf",
            conf.toString());
    assertEquals(1, r.exitCode());
    // split minimums give 3 subjects one of each split
    assertTrue(r.err().contains("1 test subject(s), at least 4"), r.err());
  }

  private static JsonObject lastLineJson(String out) {
    String[] lines = out.strip().split("\n");
    return JsonParser.parseString(lines[lines.length - 1]).getAsJsonObject();
  }
}

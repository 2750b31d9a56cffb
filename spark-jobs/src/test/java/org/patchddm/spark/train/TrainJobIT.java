package org.patchddm.spark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patchddm.cli.TrainCommand;
import org.patchddm.model.runtime.NativeThreads;
import org.patchddm.spark.CommandRunner;
import org.patchddm.spark.LocalSparkTest;
import org.patchddm.spark.dataset.PreprocessedDataset;

/**
 * {@code patchddm train} end to end on local Spark, a real preprocessed synthetic dataset and the
 * tiny U-Net, with the local engine: what RUN_DIR holds, and that a run stopped between rounds and
 * resumed ends with the same parameters, updater state and metrics as an uninterrupted one.
 */
class TrainJobIT extends LocalSparkTest {

  @TempDir static Path dir;
  static Path data;

  @BeforeAll
  static void dataset() throws Exception {
    NativeThreads.limit(1);
    data = TrainTestData.dataset(dir, 4, 0.5, 0.5);
    var counts = PreprocessedDataset.manifest(spark, data.toString()).splitCounts();
    assertTrue(
        counts.getOrDefault("train", 0L) >= 1 && counts.getOrDefault("val", 0L) >= 1,
        counts.toString());
  }

  static CommandRunner.Result train(Path run, int steps, String... extra) {
    return CommandRunner.run(new TrainCommand(), TrainTestData.args(data, run, steps, extra));
  }

  static List<JsonObject> metrics(Path run) throws Exception {
    List<JsonObject> out = new ArrayList<>();
    for (String line : Files.readAllLines(run.resolve(MetricsLog.FILE))) {
      out.add(JsonParser.parseString(line).getAsJsonObject());
    }
    return out;
  }

  static ComputationGraph checkpoint(Path run, String name) throws Exception {
    File zip = run.resolve(CheckpointStore.DIR).resolve(name).resolve("model.zip").toFile();
    return ModelSerializer.restoreComputationGraph(zip, true);
  }

  static List<String> checkpointNames(Path run) throws Exception {
    try (Stream<Path> s = Files.list(run.resolve(CheckpointStore.DIR))) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith("."))
          .sorted()
          .toList();
    }
  }

  @Test
  void runDirectoryHoldsMetricsCurvesRunConfAndTheLatestAndBestCheckpoints() throws Exception {
    Path run = dir.resolve("run-basic");
    CommandRunner.Result r = train(run, 6);
    assertEquals(0, r.exitCode(), r.err());
    // 6 steps at k = 2: rounds 1..3; validated at round 2 (every 2) and round 3 (the last)
    List<JsonObject> m = metrics(run);
    assertEquals(3, m.size(), m.toString());
    double best = Double.NaN;
    long bestRound = 0;
    for (int i = 0; i < 3; i++) {
      JsonObject o = m.get(i);
      assertEquals(i + 1, o.get("round").getAsLong());
      assertEquals(2L * (i + 1), o.get("step").getAsLong());
      double loss = o.get("loss").getAsDouble();
      assertTrue(loss > 0 && loss < 10, "loss " + loss);
      assertTrue(o.get("samples_per_s").getAsDouble() > 0);
      assertTrue(o.get("compute_s").getAsDouble() > 0);
      assertTrue(o.get("sync_s").getAsDouble() >= 0);
      assertEquals(i >= 1, o.has("val_dice"), o.toString());
      if (o.has("val_dice")) {
        double d = o.get("val_dice").getAsDouble();
        assertTrue(d >= 0 && d <= 1, "Dice " + d);
        if (Double.isNaN(best) || d > best) {
          best = d;
          bestRound = i + 1;
        }
      }
    }
    // a checkpoint every 2 steps = every round; the latest 2 kept, and the best by validation Dice
    assertEquals(
        List.of(
            CheckpointStore.bestName(bestRound),
            CheckpointStore.roundName(2),
            CheckpointStore.roundName(3)),
        checkpointNames(run));
    ComputationGraph latest = checkpoint(run, CheckpointStore.roundName(3));
    assertEquals(6, latest.getConfiguration().getIterationCount());
    // the best checkpoint holds the parameters of its round
    assertArrayEquals(
        checkpoint(run, CheckpointStore.roundName(bestRound)).params().data().asFloat(),
        checkpoint(run, CheckpointStore.bestName(bestRound)).params().data().asFloat(),
        0f);

    BufferedImage png = ImageIO.read(run.resolve(CurvesChart.FILE).toFile());
    assertNotNull(png, "curves.png is not a PNG");
    assertEquals(900, png.getWidth());

    Config conf = ConfigFactory.parseFile(run.resolve("run.conf").toFile());
    assertEquals(
        PreprocessedDataset.manifest(spark, data.toString()).version(),
        conf.getLong("run.dataset-version"));
    assertEquals("dev", conf.getString("run.code-version"));
    assertEquals(6, conf.getInt("patchddm.train.steps"));
    assertEquals(List.of(1, 2), conf.getIntList("patchddm.model.channel-mult"));

    assertTrue(r.out().contains("round 3/3 step 6/6 loss "), r.out());
    assertTrue(r.out().contains(" samples/s ") && r.out().contains(" ETA "), r.out());
    assertTrue(r.out().contains("val_dice "), r.out());

    try (Stream<Path> s = Files.walk(run)) {
      assertFalse(
          s.anyMatch(p -> p.getFileName().toString().contains(".tmp-")),
          "temporary files left behind");
    }
    // a second run into the same directory without --resume is refused, and changes nothing
    List<JsonObject> before = metrics(run);
    CommandRunner.Result again = train(run, 8);
    assertEquals(1, again.exitCode());
    assertTrue(
        again.err().contains("already holds a run") && again.err().contains("--resume"),
        again.err());
    assertEquals(before, metrics(run));
  }

  @Test
  void runStoppedBetweenRoundsAndResumedEqualsAnUninterruptedRun() throws Exception {
    Path whole = dir.resolve("run-whole");
    assertEquals(0, train(whole, 8).exitCode());

    // stopped after 2 rounds, resumed for 2 more
    Path split = dir.resolve("run-split");
    assertEquals(0, train(split, 4).exitCode());
    CommandRunner.Result resumed = train(split, 8, "--resume");
    assertEquals(0, resumed.exitCode(), resumed.err());
    assertTrue(
        resumed.out().contains("resuming from") && resumed.out().contains("round 2, step 4"),
        resumed.out());

    // a run whose metrics go past its latest checkpoint: round 3's checkpoints are deleted, as if
    // it was killed
    // before writing them; resuming drops round 3's metrics line and trains round 3 again
    Path killed = dir.resolve("run-killed");
    assertEquals(0, train(killed, 6).exitCode());
    deleteTree(killed.resolve(CheckpointStore.DIR).resolve(CheckpointStore.roundName(3)));
    deleteTree(killed.resolve(CheckpointStore.DIR).resolve(CheckpointStore.bestName(3)));
    assertEquals(3, metrics(killed).size());
    assertEquals(0, train(killed, 8, "--resume").exitCode());

    ComputationGraph expected = checkpoint(whole, CheckpointStore.roundName(4));
    for (Path run : List.of(split, killed)) {
      ComputationGraph got = checkpoint(run, CheckpointStore.roundName(4));
      assertArrayEquals(
          expected.params().data().asFloat(), got.params().data().asFloat(), 0f, run.toString());
      assertArrayEquals(
          expected.getUpdater().getStateViewArray().data().asFloat(),
          got.getUpdater().getStateViewArray().data().asFloat(),
          0f,
          run.toString());
      assertEquals(8, got.getConfiguration().getIterationCount());
      List<JsonObject> a = metrics(whole);
      List<JsonObject> b = metrics(run);
      assertEquals(4, b.size(), run + ": " + b);
      for (int i = 0; i < 4; i++) {
        for (String key : List.of("round", "step", "loss", "val_dice")) {
          assertEquals(a.get(i).get(key), b.get(i).get(key), run + " round " + (i + 1) + " " + key);
        }
      }
    }
    // resumed with another mode: refused before training, naming both modes
    CommandRunner.Result wrongMode = train(split, 10, "--resume", "--mode", "fullres");
    assertEquals(1, wrongMode.exitCode());
    assertTrue(
        wrongMode.err().contains("mode PATCH") && wrongMode.err().contains("mode FULL_RES"),
        wrongMode.err());
  }

  @Test
  void sparkEngineEndsWhereTheLocalEngineDoes() throws Exception {
    for (int slots : new int[] {1, 2}) {
      String n = "--set=patchddm.spark.train.slots=" + slots;
      Path local = dir.resolve("engine-local-" + slots);
      assertEquals(0, train(local, 4, n).exitCode());
      Path onSpark = dir.resolve("engine-spark-" + slots);
      CommandRunner.Result r = train(onSpark, 4, n, "--set", "patchddm.spark.train.engine=spark");
      assertEquals(0, r.exitCode(), r.err());
      assertTrue(r.out().contains(slots + " slots (spark)"), r.out());
      float[] want = checkpoint(local, CheckpointStore.roundName(2)).params().data().asFloat();
      float[] got = checkpoint(onSpark, CheckpointStore.roundName(2)).params().data().asFloat();
      // one slot: the same batches and steps, bit for bit; two: the same mean, summed in another
      // order and precision
      assertArrayEquals(want, got, slots == 1 ? 0f : 1e-5f, slots + " slots");
      List<JsonObject> a = metrics(local);
      List<JsonObject> b = metrics(onSpark);
      assertEquals(a.size(), b.size());
      for (int i = 0; i < a.size(); i++) {
        assertEquals(
            a.get(i).get("loss").getAsDouble(),
            b.get(i).get("loss").getAsDouble(),
            slots == 1 ? 0 : 1e-5);
        assertEquals(a.get(i).get("step"), b.get(i).get("step"));
      }
    }
  }

  static void deleteTree(Path p) throws Exception {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}

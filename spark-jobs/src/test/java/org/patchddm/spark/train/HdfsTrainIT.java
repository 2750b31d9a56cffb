package org.patchddm.spark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patchddm.cli.PreprocessCommand;
import org.patchddm.cli.TrainCommand;
import org.patchddm.model.runtime.NativeThreads;
import org.patchddm.spark.CommandRunner;
import org.patchddm.spark.TestCohorts;

/**
 * The train job on a real MiniDFSCluster: dataset and run directory on hdfs://, a run resumed there
 * ends with the parameters of an uninterrupted run on the local file system, and the run directory
 * holds complete files only.
 */
class HdfsTrainIT {
  @TempDir static Path base;
  static MiniDFSCluster cluster;
  static SparkSession spark;
  static String hdfs;

  @BeforeAll
  static void start() throws Exception {
    NativeThreads.limit(1);
    Configuration conf = new Configuration();
    conf.setInt("dfs.replication", 1);
    cluster =
        new MiniDFSCluster.Builder(conf, base.resolve("dfs").toFile()).numDataNodes(1).build();
    cluster.waitActive();
    hdfs = cluster.getFileSystem().getUri().toString();
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("patchddm-hdfs-train-test")
            .config("spark.ui.enabled", "false")
            .config("spark.hadoop.fs.defaultFS", hdfs)
            .config("spark.hadoop.dfs.replication", "1")
            .config("spark.driver.host", "127.0.0.1")
            .getOrCreate();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    if (cluster != null) {
      cluster.shutdown();
    }
  }

  @Test
  void resumedRunOnHdfsEqualsAnUninterruptedLocalRun() throws Exception {
    Path raw = base.resolve("raw");
    TestCohorts.writeTraining(raw, 11, 1, 4);
    String data = hdfs + "/datasets/tiny";
    CommandRunner.Result prep =
        CommandRunner.run(
            new PreprocessCommand(),
            "--input",
            "file://" + raw,
            "--output",
            data,
            "--set",
            TestCohorts.TARGET,
            "--set",
            "patchddm.prep.split.train=0.5",
            "--set",
            "patchddm.prep.split.val=0.5",
            "--set",
            "patchddm.prep.split.min-train=0",
            "--set",
            "patchddm.prep.split.min-val=0",
            "--set",
            "patchddm.prep.split.min-test=0");
    assertEquals(0, prep.exitCode(), prep.err());

    String run = hdfs + "/runs/r1";
    assertEquals(
        0, CommandRunner.run(new TrainCommand(), TrainTestData.args(data, run, 4)).exitCode());
    CommandRunner.Result resumed =
        CommandRunner.run(new TrainCommand(), TrainTestData.args(data, run, 6, "--resume"));
    assertEquals(0, resumed.exitCode(), resumed.err());
    assertTrue(
        resumed.out().contains("resuming from " + run + "/checkpoints/round-00000002"),
        resumed.out());
    String local = "file://" + base.resolve("local-run");
    assertEquals(
        0, CommandRunner.run(new TrainCommand(), TrainTestData.args(data, local, 6)).exitCode());

    FileSystem fs = cluster.getFileSystem();
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path("/runs/r1");
    ComputationGraph got =
        graph(fs, new org.apache.hadoop.fs.Path(dir, "checkpoints/round-00000003/model.zip"));
    ComputationGraph want =
        ModelSerializer.restoreComputationGraph(
            base.resolve("local-run/checkpoints/round-00000003/model.zip").toFile(), true);
    assertArrayEquals(want.params().data().asFloat(), got.params().data().asFloat(), 0f);
    assertArrayEquals(
        want.getUpdater().getStateViewArray().data().asFloat(),
        got.getUpdater().getStateViewArray().data().asFloat(),
        0f);

    List<String> names = new ArrayList<>();
    for (FileStatus f : fs.listStatus(new org.apache.hadoop.fs.Path(dir, "checkpoints"))) {
      names.add(f.getPath().getName());
    }
    assertTrue(
        names.contains("round-00000003") && names.contains("round-00000002"), names.toString());
    assertTrue(
        names.stream().noneMatch(n -> n.startsWith(".")), "temporary checkpoints left: " + names);
    try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(dir, MetricsLog.FILE))) {
      String metrics = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(3, metrics.strip().split("\n").length, metrics);
    }
    try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(dir, CurvesChart.FILE))) {
      assertNotNull(ImageIO.read(in));
    }
    for (FileStatus f : fs.listStatus(dir)) {
      assertTrue(!f.getPath().getName().startsWith("."), "temporary file left: " + f.getPath());
    }
  }

  static ComputationGraph graph(FileSystem fs, org.apache.hadoop.fs.Path zip) throws Exception {
    java.io.File tmp = base.resolve("copy-" + System.nanoTime() + ".zip").toFile();
    fs.copyToLocalFile(false, zip, new org.apache.hadoop.fs.Path(tmp.toURI()), true);
    return ModelSerializer.restoreComputationGraph(tmp, true);
  }
}

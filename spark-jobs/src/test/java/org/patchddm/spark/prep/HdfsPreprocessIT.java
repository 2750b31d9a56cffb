package org.patchddm.spark.prep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patchddm.cli.PreprocessCommand;
import org.patchddm.prep.PreprocessedSubject;
import org.patchddm.spark.CommandRunner;
import org.patchddm.spark.TestCohorts;
import org.patchddm.spark.dataset.DatasetLease;
import org.patchddm.spark.dataset.DatasetStore;
import org.patchddm.spark.dataset.PreprocessedDataset;
import org.patchddm.spark.dataset.SubjectRows;

/** hdfs:// in, hdfs:// out, against a real MiniDFSCluster. */
class HdfsPreprocessIT {
  @TempDir static Path base;
  static MiniDFSCluster cluster;
  static SparkSession spark;
  static String hdfs;

  @BeforeAll
  static void start() throws Exception {
    Configuration conf = new Configuration();
    conf.setInt("dfs.replication", 1);
    cluster =
        new MiniDFSCluster.Builder(conf, base.resolve("dfs").toFile()).numDataNodes(1).build();
    cluster.waitActive();
    hdfs = cluster.getFileSystem().getUri().toString();
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("patchddm-hdfs-test")
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
  void preprocessHdfsToHdfsAndReadBack() throws Exception {
    Path local = base.resolve("cohort");
    TestCohorts.writeTraining(local, 31, 1, 2);
    TestCohorts.writeValidation(local, 31, 1);
    FileSystem fs = cluster.getFileSystem();
    fs.copyFromLocalFile(
        false,
        true,
        new org.apache.hadoop.fs.Path(local.toUri()),
        new org.apache.hadoop.fs.Path("/brats"));
    String in = hdfs + "/brats";
    String out = hdfs + "/datasets/brats-prep";

    CommandRunner.Result r =
        CommandRunner.run(
            new PreprocessCommand(), "--input", in, "--output", out, "--set", TestCohorts.TARGET);
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(
        fs.exists(new org.apache.hadoop.fs.Path("/datasets/brats-prep/_manifests/v-000001.json")));
    Map<String, PreprocessedSubject> got =
        PreprocessedDataset.read(spark, out).collectAsList().stream()
            .map(SubjectRows::decode)
            .collect(Collectors.toMap(PreprocessedSubject::subjectId, s -> s));
    assertEquals(3, got.size());
    for (String id : List.of("BraTS20_Training_001", "BraTS20_Validation_001")) {
      PreprocessJobTest.assertSameSubject(PreprocessJobTest.direct(local, id), got.get(id));
    }
    // Re-run on HDFS: unchanged, nothing written.
    CommandRunner.Result again =
        CommandRunner.run(
            new PreprocessCommand(), "--input", in, "--output", out, "--set", TestCohorts.TARGET);
    assertTrue(again.out().contains("0 new, 0 changed, 3 unchanged"), again.out());
    assertEquals(
        1, new DatasetStore(out, spark.sparkContext().hadoopConfiguration()).latestVersion());
  }

  @Test
  void theLeaseWorksOnHdfs() throws Exception {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(hdfs + "/datasets/leased");
    java.io.PrintStream log = new java.io.PrintStream(new java.io.ByteArrayOutputStream());
    DatasetLease.Settings quick =
        new DatasetLease.Settings(
            java.time.Duration.ZERO,
            java.time.Duration.ofMillis(200),
            java.time.Duration.ofSeconds(30));
    DatasetLease first = DatasetLease.acquire(root, conf, quick, "preprocess", log);
    DatasetLease.LeaseHeldException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            DatasetLease.LeaseHeldException.class,
            () -> DatasetLease.acquire(root, conf, quick, "compact", log));
    assertTrue(
        e.getMessage().contains("(pid " + first.holder().pid() + ", preprocess)"), e.getMessage());
    // heartbeats rewrite the file on HDFS through a rename (every 200 ms; wait up to 20 s on a busy
    // machine)
    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(root, DatasetLease.FILE);
    DatasetLease.Holder now = DatasetLease.read(cluster.getFileSystem(), file);
    for (int i = 0; i < 200 && now.heartbeat().equals(first.holder().heartbeat()); i++) {
      Thread.sleep(100);
      now = DatasetLease.read(cluster.getFileSystem(), file);
    }
    assertEquals(first.holder().token(), now.token());
    assertTrue(
        java.time.Instant.parse(now.heartbeat())
            .isAfter(java.time.Instant.parse(first.holder().heartbeat())),
        now.heartbeat());
    first.checkHeld();
    first.close();
    DatasetLease second = DatasetLease.acquire(root, conf, quick, "compact", log);
    second.close();
    assertTrue(
        !cluster.getFileSystem().exists(new org.apache.hadoop.fs.Path(root, DatasetLease.FILE)));

    CommandRunner.Result bad =
        CommandRunner.run(
            new PreprocessCommand(),
            "--input",
            hdfs + "/brats-missing",
            "--output",
            "hdfs://127.0.0.1:1/x",
            "--set",
            TestCohorts.TARGET);
    assertEquals(1, bad.exitCode());
    assertTrue(bad.err().contains("cannot be reached or created on hdfs://127.0.0.1:1"), bad.err());
  }
}

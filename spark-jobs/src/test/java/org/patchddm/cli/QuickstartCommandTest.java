package org.patchddm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patchddm.spark.CommandRunner;
import org.patchddm.spark.LocalSparkTest;
import org.patchddm.spark.TestCohorts;

/** The README's main command, end to end on a tiny cohort: first run builds, second rewrites nothing. */
class QuickstartCommandTest extends LocalSparkTest {
  @TempDir Path dir;

  @Test
  void firstRunBuildsTheDatasetAndTheSecondRewritesNothing() throws Exception {
    Path conf = dir.resolve("tiny.conf");
    Files.writeString(conf, "patchddm.prep.target-shape = [32, 32, 32]\n");
    Path work = dir.resolve("qs");
    String[] args = {"--workdir", work.toString(), "--subjects", "3", "--seed", "5",
        "--shape", "32,32,24", "--conf", conf.toString()};

    CommandRunner.Result first = CommandRunner.run(new QuickstartCommand(), args);
    assertEquals(0, first.exitCode(), first.err());
    assertTrue(first.out().contains("3 new, 0 changed, 0 unchanged"), first.out());
    assertTrue(first.out().contains("subjects:       3"), first.out());
    assertTrue(Files.isDirectory(work.resolve("raw/BraTS20_Training_001")));
    Map<String, String> before = TestCohorts.snapshot(work);

    CommandRunner.Result second = CommandRunner.run(new QuickstartCommand(), args);
    assertEquals(0, second.exitCode(), second.err());
    assertTrue(second.out().contains("reusing"), second.out());
    assertTrue(second.out().contains("0 new, 0 changed, 3 unchanged"), second.out());
    assertEquals(before, TestCohorts.snapshot(work), "a re-run must not rewrite anything");
  }
}

package org.patchddm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bench/quickstart-quality.sh without the quickstart: its argument checks, and its verdict on a
 * hand-made quickstart work directory ({@code --evaluate}), against means computed by hand.
 */
class QuickstartQualityScriptTest {
  @TempDir Path dir;

  private static final Duration SHORT = Duration.ofSeconds(30);

  private static QuickstartQualityScript.Result run(String... args) throws Exception {
    return QuickstartQualityScript.run(SHORT, Map.of("PATCHDDM_NO_BUILD", "1"), args);
  }

  /**
   * Four test subjects, 10 steps, ensembles 1..3. Single-sample Dice 0.90, 0.80, 0.95, 0.85: mean
   * 0.875; ensemble of 3: 0.92, 0.90, 0.96, 0.88: mean 0.915.
   */
  private Path workdir() throws Exception {
    Path infer = Files.createDirectories(dir.resolve("work/infer"));
    Files.writeString(
        infer.resolve("metrics.csv"),
        String.join(
            "\n",
            "subject,steps,ensemble_size,dice,hd95_mm",
            "S1,10,1,0.90,3.0",
            "S1,10,2,0.91,3.0",
            "S1,10,3,0.92,2.0",
            "S2,10,1,0.80,5.0",
            "S2,10,2,0.85,4.0",
            "S2,10,3,0.90,4.0",
            "S3,10,1,0.95,1.0",
            "S3,10,2,0.95,1.0",
            "S3,10,3,0.96,1.0",
            "S4,10,1,0.85,2.0",
            "S4,10,2,0.86,2.0",
            "S4,10,3,0.88,2.0",
            ""));
    return infer.getParent();
  }

  private static String verdict(QuickstartQualityScript.Result r) {
    List<String> lines = r.outLines();
    String last = lines.get(lines.size() - 1);
    assertTrue(last.startsWith("{\"what\":\"quickstart-quality\""), r.out() + r.err());
    return last;
  }

  @Test
  void badArgumentsFailFastWithExitTwoAndNameTheProblem() throws Exception {
    Path notEmpty = Files.createDirectories(dir.resolve("used"));
    Files.writeString(notEmpty.resolve("x"), "x");
    String[][] cases = {
      {"--threshold", "abc"},
      {"--threshold", "1.5"},
      {"--threshold"},
      {"--bogus"},
      {"--evaluate", dir.resolve("missing").toString()},
      {"--workdir", notEmpty.toString()},
      {"--evaluate", dir.toString(), "--keep"},
    };
    String[] expected = {
      "--threshold must be a number in [0, 1], got 'abc'",
      "--threshold must be a number in [0, 1], got '1.5'",
      "--threshold needs a value",
      "unknown option '--bogus'",
      "no such directory",
      "exists and is not an empty directory",
      "--evaluate runs nothing",
    };
    for (int i = 0; i < cases.length; i++) {
      QuickstartQualityScript.Result r = run(cases[i]);
      assertEquals(2, r.exitCode(), String.join(" ", cases[i]) + ": " + r.err());
      assertTrue(r.err().contains(expected[i]), r.err());
      assertTrue(r.out().isEmpty(), "nothing run: " + r.out());
    }
  }

  @Test
  void passesWhenBothMeansReachTheThreshold() throws Exception {
    QuickstartQualityScript.Result r = run("--evaluate", workdir().toString());
    assertEquals(0, r.exitCode(), r.err());
    String v = verdict(r);
    assertTrue(v.contains("\"test_dice\":0.9150"), v);
    assertTrue(v.contains("\"single_dice\":0.8750"), v);
    assertTrue(v.contains("\"ensemble\":3,\"steps\":10,\"subjects\":4"), v);
    assertTrue(v.contains("\"pass\":true"), v);
  }

  @Test
  void failsOnALowSingleSampleDiceAlone() throws Exception {
    QuickstartQualityScript.Result r =
        run("--evaluate", workdir().toString(), "--threshold", "0.9");
    assertEquals(1, r.exitCode(), r.err());
    assertTrue(verdict(r).contains("\"pass\":false"));
    assertTrue(r.err().contains("single-sample test Dice (0.8750"), r.err());
    assertTrue(!r.err().contains("ensemble of 3"), r.err());
  }

  @Test
  void failsOnALowEnsembleDiceFromTheQuickstartLine() throws Exception {
    Path work = workdir();
    Files.writeString(
        work.resolve("quickstart.log"),
        "== 4/4 infer\n{\"what\":\"quickstart\",\"test_dice\":0.8,\"test_hd95_mm\":3.0,\"ensemble\":3,"
            + "\"steps\":10,\"subjects\":4,\"report\":\"r\",\"elapsed_s\":1.0}\n");
    QuickstartQualityScript.Result r = run("--evaluate", work.toString());
    assertEquals(1, r.exitCode(), r.err());
    assertTrue(r.outLines().get(0).startsWith("{\"what\":\"quickstart\""), r.out());
    assertTrue(verdict(r).contains("\"test_dice\":0.8,\"single_dice\":0.8750"), r.out());
    assertTrue(r.err().contains("ensemble of 3 (0.8) is below 0.85"), r.err());
  }

  @Test
  void missingOrMalformedMetricsAreExitThree() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    QuickstartQualityScript.Result r = run("--evaluate", empty.toString());
    assertEquals(3, r.exitCode(), r.err());
    assertTrue(r.err().contains("metrics.csv is missing"), r.err());
    Path bad = Files.createDirectories(dir.resolve("bad/infer"));
    Files.writeString(bad.resolve("metrics.csv"), "a,b,c,d,e\nS1,10,1,0.9,1\n");
    r = run("--evaluate", bad.getParent().toString());
    assertEquals(3, r.exitCode(), r.err());
    assertTrue(r.err().contains("header"), r.err());
  }
}

package org.patchddm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchCommandTest {

  /** The bench command as the CLI configures it ({@link PatchDdm#commandLine()}). */
  private static CommandLine bench() {
    return new CommandLine(new BenchCommand()).setAllowSubcommandsAsOptionParameters(true);
  }

  private static String[] runCapturing(String... args) {
    PrintStream saved = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int rc;
    try {
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      rc = bench().execute(args);
    } finally {
      System.setOut(saved);
    }
    assertEquals(0, rc, "exit code");
    return buf.toString(StandardCharsets.UTF_8)
        .lines()
        .filter(l -> l.startsWith("{"))
        .toArray(String[]::new);
  }

  @Test
  void printsOneJsonLinePerMeasurementForATinyNetwork() {
    String[] lines =
        runCapturing(
            "--size",
            "8",
            "--channels",
            "4",
            "--mult",
            "1,2",
            "--in-channels",
            "3",
            "--reps",
            "2",
            "--warmup",
            "0",
            "--what",
            "params,infer,train");
    assertEquals(3, lines.length, String.join("\n", lines));
    assertTrue(lines[0].startsWith("{\"what\":\"params\""), lines[0]);
    assertTrue(lines[1].startsWith("{\"what\":\"infer_forward\""), lines[1]);
    assertTrue(lines[2].startsWith("{\"what\":\"train_step\""), lines[2]);
    for (String l : lines) {
      assertTrue(l.contains("\"size\":8,\"channels\":4,\"mult\":\"1,2\""), l);
      assertTrue(l.contains("\"peak_rss_mb\":"), l);
      assertTrue(l.contains("\"conv_impl\":\"ONEDNN\""), l);
      assertTrue(l.contains("\"malloc_mmap_threshold\":\"1048576\""), l);
    }
    assertTrue(lines[2].contains("\"reps\":2,\"median_s\":"), lines[2]);
  }

  @Test
  void convImplOptionSelectsTheLayerAndRejectsUnknownNames() {
    String[] lines =
        runCapturing(
            "--size",
            "8",
            "--channels",
            "4",
            "--mult",
            "1,2",
            "--in-channels",
            "3",
            "--reps",
            "1",
            "--warmup",
            "0",
            "--what",
            "infer",
            "--conv-impl",
            "dl4j");
    assertEquals(1, lines.length, String.join("\n", lines));
    assertTrue(lines[0].contains("\"conv_impl\":\"DL4J\""), lines[0]);
    assertEquals(1, bench().execute("--what", "params", "--conv-impl", "cudnn"));
  }

  @Test
  void rejectsASizeThatTheNetworkCannotHalveEnoughTimes() {
    int rc =
        bench().execute("--size", "12", "--channels", "4", "--mult", "1,2,2,2", "--what", "params");
    assertEquals(1, rc);
  }

  @Test
  void takesItsSettingsFromTheLayeredConfiguration() {
    String[] lines =
        runCapturing(
            "--size",
            "8",
            "--channels",
            "4",
            "--mult",
            "1,2",
            "--in-channels",
            "3",
            "--reps",
            "1",
            "--warmup",
            "0",
            "--what",
            "infer",
            "--set",
            "patchddm.model.conv-impl=DL4J");
    assertEquals(1, lines.length, String.join("\n", lines));
    assertTrue(lines[0].contains("\"conv_impl\":\"DL4J\""), lines[0]);
    assertEquals(
        1,
        bench().execute("--what", "params", "--set", "patchddm.model.conv-imp=DL4J"),
        "an unknown key is a configuration error");
  }

  @Test
  void niftiBenchmarkPrintsOneJsonLinePerRunAndRejectsZeroRuns() {
    PrintStream saved = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int rc;
    try {
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      rc = new CommandLine(new BenchNiftiCommand()).execute("--runs", "1");
    } finally {
      System.setOut(saved);
    }
    assertEquals(0, rc);
    String[] lines =
        buf.toString(StandardCharsets.UTF_8)
            .lines()
            .filter(l -> l.startsWith("{"))
            .toArray(String[]::new);
    assertEquals(1, lines.length, buf.toString(StandardCharsets.UTF_8));
    assertTrue(
        lines[0].contains("\"read_gz_ms\":") && lines[0].contains("\"voxels\":8928000"), lines[0]);
    assertEquals(1, new CommandLine(new BenchNiftiCommand()).execute("--runs", "0"));
  }
}

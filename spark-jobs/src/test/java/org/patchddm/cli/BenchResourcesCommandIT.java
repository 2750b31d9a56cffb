package org.patchddm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code patchddm bench resources} end to end on a tiny network: each measurement runs in its own
 * JVM and comes back as a JSON line, followed by the table (integration phase: two child JVMs).
 */
class BenchResourcesCommandIT {

  private static int run(List<String> out, String... args) {
    PrintStream saved = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int rc;
    try {
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      rc = PatchDdm.commandLine().execute(args);
    } finally {
      System.setOut(saved);
    }
    out.addAll(buf.toString(StandardCharsets.UTF_8).lines().toList());
    return rc;
  }

  @Test
  void measuresFullResAndPatchDdmTrainingInChildProcesses() {
    List<String> out = new java.util.ArrayList<>();
    int rc =
        run(
            out,
            "bench",
            "resources",
            "--size",
            "16",
            "--patch",
            "8",
            "--channels",
            "4",
            "--mult",
            "1,2",
            "--reps",
            "1",
            "--warmup",
            "0",
            "--modes",
            "fullres,patchddm",
            "--what",
            "train");
    assertEquals(0, rc, String.join("\n", out));
    List<String> json = out.stream().filter(l -> l.startsWith("{")).toList();
    assertEquals(2, json.size(), String.join("\n", out));
    assertTrue(
        json.get(0)
            .startsWith(
                "{\"what\":\"train\",\"mode\":\"fullres\",\"size\":16,"
                    + "\"patch\":null,\"input\":16,\"in_channels\":5,"),
        json.get(0));
    assertTrue(
        json.get(0).contains("\"split\":true,\"devices\":[{\"part\":\"encoder\""), json.get(0));
    assertTrue(
        json.get(1)
            .startsWith(
                "{\"what\":\"train\",\"mode\":\"patchddm\",\"size\":16,"
                    + "\"patch\":8,\"input\":8,\"in_channels\":8,"),
        json.get(1));
    for (String l : json) {
      assertTrue(l.matches(".*\"peak_mb\":[0-9.]+,.*\"s_per_iter\":[0-9.]+,.*"), l);
    }
    int header =
        out.indexOf(out.stream().filter(l -> l.startsWith("what ")).findFirst().orElseThrow());
    assertTrue(out.get(header + 1).startsWith("train  fullres"), out.get(header + 1));
    assertTrue(out.get(header + 1).contains("1.00x"), out.get(header + 1));
    assertTrue(out.get(header + 2).startsWith("train  patchddm"), out.get(header + 2));
  }
}

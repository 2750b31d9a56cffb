package org.patchddm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code patchddm bench resources} refuses bad options before starting any measurement (the
 * measurements themselves: BenchResourcesCommandIT).
 */
class BenchResourcesCommandTest {

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
  void rejectsAPatchTheNetworkCannotHalveWithoutStartingAnything() {
    List<String> out = new java.util.ArrayList<>();
    assertEquals(1, run(out, "bench", "resources", "--size", "128", "--patch", "48"));
    assertEquals(1, run(out, "bench", "resources", "--modes", "quarterres"));
  }
}

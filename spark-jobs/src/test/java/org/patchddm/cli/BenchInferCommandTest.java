package org.patchddm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code patchddm bench infer} through the real command line, on a tiny network. */
class BenchInferCommandTest {

  private static final String[] TINY = {
    "--set",
    "patchddm.model.model-channels=4",
    "--set",
    "patchddm.model.channel-mult=[1,2]",
    "--set",
    "patchddm.model.groupnorm-groups=2",
    "--set",
    "patchddm.model.num-res-blocks=1",
    "--set",
    "patchddm.model.time-embed-dim=4"
  };

  private static List<String> run(int expectedRc, String... args) {
    PrintStream saved = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int rc;
    try {
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      rc = PatchDdm.commandLine().execute(args);
    } finally {
      System.setOut(saved);
    }
    assertEquals(expectedRc, rc, "exit code");
    return buf.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("{")).toList();
  }

  @Test
  void printsSecondsPerMemberAndEvaluationsPerSecondPerSize() {
    String[] args =
        concat(new String[] {"bench", "infer", "--sizes", "8,16", "--steps", "2"}, TINY);
    List<String> lines = run(0, args);
    assertEquals(2, lines.size(), lines.toString());
    for (int i = 0; i < 2; i++) {
      JsonObject j = JsonParser.parseString(lines.get(i)).getAsJsonObject();
      assertEquals("bench_infer", j.get("what").getAsString());
      assertEquals(i == 0 ? 8 : 16, j.get("size").getAsInt());
      assertEquals(4, j.get("channels").getAsInt());
      assertEquals(2, j.get("steps").getAsInt());
      double member = j.get("s_per_member").getAsDouble();
      double perEval = j.get("s_per_eval").getAsDouble();
      double evalsPerS = j.get("evals_per_s").getAsDouble();
      assertTrue(member > 0, lines.get(i));
      // one member = S evaluations: the three figures describe the same time
      assertEquals(member, 2 * perEval, 1e-9 * member, lines.get(i));
      assertEquals(2 / member, evalsPerS, 1e-9 * evalsPerS, lines.get(i));
      assertTrue(j.get("peak_rss_mb").getAsLong() > 0, lines.get(i));
    }
  }

  @Test
  void rejectsASizeTheNetworkCannotHalve() {
    assertTrue(run(1, concat(new String[] {"bench", "infer", "--sizes", "9"}, TINY)).isEmpty());
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = new String[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}

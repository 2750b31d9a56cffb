package org.patchddm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code bench spark-train} on a tiny network: one JSON line per executor count with consistent
 * figures.
 */
class BenchSparkTrainCommandTest {

  @Test
  void printsOneLinePerExecutorCount() {
    PrintStream saved = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int rc;
    try {
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      rc =
          new CommandLine(new BenchCommand())
              .execute(
                  "spark-train",
                  "--executors",
                  "1,2",
                  "--patch",
                  "8",
                  "--volume",
                  "12",
                  "--k",
                  "2",
                  "--rounds",
                  "1",
                  "--warmup",
                  "0",
                  "--set",
                  "patchddm.model.model-channels=4",
                  "--set",
                  "patchddm.model.channel-mult=[1,2]",
                  "--set",
                  "patchddm.model.groupnorm-groups=2",
                  "--set",
                  "patchddm.model.time-embed-dim=4");
    } finally {
      System.setOut(saved);
    }
    assertEquals(0, rc);
    String[] lines =
        buf.toString(StandardCharsets.UTF_8)
            .lines()
            .filter(l -> l.startsWith("{"))
            .toArray(String[]::new);
    assertEquals(2, lines.length, String.join("\n", lines));
    for (int i = 0; i < 2; i++) {
      JsonObject o = JsonParser.parseString(lines[i]).getAsJsonObject();
      int n = i + 1;
      assertEquals(n, o.get("executors").getAsInt());
      assertEquals(2, o.get("k").getAsInt());
      // Adam: two moments per parameter
      assertEquals(2 * o.get("params").getAsLong(), o.get("updater_state").getAsLong());
      double round = o.get("round_s").getAsDouble();
      // k steps of batch 1 on each of n executors per round
      assertEquals(2.0 * n, o.get("samples_per_s").getAsDouble() * round, 0.02 * 2 * n, lines[i]);
      double share = o.get("sync_share").getAsDouble();
      assertTrue(share > 0 && share < 1, lines[i]);
      assertEquals(o.get("sync_s").getAsDouble() / round, share, 0.01, lines[i]);
    }
  }
}

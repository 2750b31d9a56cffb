package org.patchddm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Reruns the README's quickstart from scratch (synth, preprocess, train, infer, report; about 10
 * minutes on two quiet cores) through bench/quickstart-quality.sh and requires the quality goal:
 * test Dice of the ensemble and of a single sample at least 0.85 ({@code
 * -Dquickstart.quality.threshold} changes it). Slow: runs only with {@code mvn -Pslow verify}.
 */
@Tag("slow")
class QuickstartQualityIT {

  @Test
  void quickstartFromScratchReachesTheDiceGoal() throws Exception {
    // The launcher must not start a nested Maven build: the package phase made its jar.
    assertTrue(
        Files.isRegularFile(
            QuickstartQualityScript.ROOT.resolve("spark-jobs/target/classpath.txt")),
        "spark-jobs/target/classpath.txt is missing: run through mvn -Pslow verify (package first)");
    String threshold = System.getProperty("quickstart.quality.threshold", "0.85");
    Duration timeout = Duration.ofMinutes(Long.getLong("quickstart.quality.timeout-minutes", 60L));
    QuickstartQualityScript.Result r =
        QuickstartQualityScript.run(
            timeout, Map.of("PATCHDDM_NO_BUILD", "1"), "--threshold", threshold);
    List<String> lines = r.outLines();
    String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    assertEquals(0, r.exitCode(), tail + "\n" + r.err());
    JsonObject v = JsonParser.parseString(lines.get(lines.size() - 1)).getAsJsonObject();
    assertEquals("quickstart-quality", v.get("what").getAsString());
    double t = Double.parseDouble(threshold);
    assertTrue(v.get("test_dice").getAsDouble() >= t, v.toString());
    assertTrue(v.get("single_dice").getAsDouble() >= t, v.toString());
    assertTrue(v.get("subjects").getAsInt() >= 4, v.toString());
  }
}

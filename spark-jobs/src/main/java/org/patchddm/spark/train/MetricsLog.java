package org.patchddm.spark.train;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code RUN_DIR/metrics.jsonl}: one JSON object per round with {@code round} (rounds completed),
 * {@code step}, {@code loss} (mean over the round's steps and slots), {@code samples_per_s}, {@code
 * compute_s}, {@code sync_s} and, for validated rounds, {@code val_dice}. The whole file is
 * rewritten atomically after every round ({@link RunFiles#replace}), so it never ends in a partial
 * line. Opened for a resumed run, it drops the lines past the round the run resumes from: those
 * rounds are trained again.
 */
public final class MetricsLog {

  public static final String FILE = "metrics.jsonl";

  /** One round's figures; {@code valDice} is NaN when the round was not validated. */
  public record Entry(
      long round,
      long step,
      double loss,
      double samplesPerSecond,
      double computeSeconds,
      double syncSeconds,
      double valDice) {

    JsonObject toJson() {
      JsonObject o = new JsonObject();
      o.addProperty("round", round);
      o.addProperty("step", step);
      o.addProperty("loss", loss);
      o.addProperty("samples_per_s", samplesPerSecond);
      o.addProperty("compute_s", computeSeconds);
      o.addProperty("sync_s", syncSeconds);
      if (!Double.isNaN(valDice)) {
        o.addProperty("val_dice", valDice);
      }
      return o;
    }

    static Entry fromJson(JsonObject o) {
      return new Entry(
          o.get("round").getAsLong(),
          o.get("step").getAsLong(),
          o.get("loss").getAsDouble(),
          o.get("samples_per_s").getAsDouble(),
          o.get("compute_s").getAsDouble(),
          o.get("sync_s").getAsDouble(),
          o.has("val_dice") ? o.get("val_dice").getAsDouble() : Double.NaN);
    }
  }

  private final RunFiles files;
  private final List<Entry> entries;

  private MetricsLog(RunFiles files, List<Entry> entries) {
    this.files = files;
    this.entries = entries;
  }

  /**
   * Opens the log of a run that has completed {@code completedRounds} rounds: existing lines of
   * later rounds are dropped (and the file rewritten without them). A line that cannot be parsed
   * fails naming the file and line.
   */
  public static MetricsLog open(RunFiles files, long completedRounds) throws IOException {
    List<Entry> kept = new ArrayList<>();
    byte[] bytes = files.read(FILE).orElse(new byte[0]);
    String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n");
    boolean dropped = false;
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      Entry e;
      try {
        e = Entry.fromJson(JsonParser.parseString(lines[i]).getAsJsonObject());
      } catch (RuntimeException ex) {
        throw new IOException(
            files.resolve(FILE) + " line " + (i + 1) + " is not a metrics record: " + ex, ex);
      }
      if (e.round() <= completedRounds) {
        kept.add(e);
      } else {
        dropped = true;
      }
    }
    MetricsLog log = new MetricsLog(files, kept);
    if (dropped) {
      log.write();
    }
    return log;
  }

  /** Appends one round and rewrites the file. */
  public void append(Entry e) throws IOException {
    entries.add(e);
    write();
  }

  public List<Entry> entries() {
    return List.copyOf(entries);
  }

  private void write() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (Entry e : entries) {
      sb.append(e.toJson()).append('\n');
    }
    files.replace(FILE, sb.toString().getBytes(StandardCharsets.UTF_8));
  }
}

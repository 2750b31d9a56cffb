package org.patchddm.model.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.patchddm.model.patch.TrainingMode;

/**
 * Runs the resource table: every (method, training/inference) measurement of {@link ResourceBench}
 * in a fresh child JVM (same java, class path and JVM options as this one; the environment, e.g.
 * {@code OMP_NUM_THREADS} and glibc's mmap threshold, is inherited), one after the other, and
 * prints each result as a JSON line, then a table with each method's ratios to FullRes measured in
 * the same run.
 */
public final class ResourceBenchRunner {

  private ResourceBenchRunner() {}

  /** One measurement's figures, read back from its JSON line. */
  public record Result(
      String what,
      String mode,
      int input,
      double netPeakMb,
      double peakMb,
      double secondsPerIter,
      double cpuSecondsPerIter,
      String json) {

    static Result parse(String json) {
      Config c = ConfigFactory.parseString(json);
      return new Result(
          c.getString("what"),
          c.getString("mode"),
          c.getInt("input"),
          c.getIsNull("net_peak_mb") ? Double.NaN : c.getDouble("net_peak_mb"),
          c.getIsNull("peak_mb") ? Double.NaN : c.getDouble("peak_mb"),
          c.getDouble("s_per_iter"),
          c.getDouble("cpu_s_per_iter"),
          json);
    }
  }

  /**
   * Runs every measurement; JSON lines and then the table go to {@code out}, one line per call.
   *
   * @throws IllegalStateException naming the measurement when a child fails or times out
   */
  public static List<Result> run(ResourceBenchSettings s, Consumer<String> out) {
    List<Result> results = new ArrayList<>();
    for (ResourceBenchSettings.Kind kind : s.kinds()) {
      for (TrainingMode mode : s.modes()) {
        String line = child(s, mode, kind);
        out.accept(line);
        results.add(Result.parse(line));
      }
    }
    table(results, out);
    return results;
  }

  private static String child(
      ResourceBenchSettings s, TrainingMode mode, ResourceBenchSettings.Kind kind) {
    String what = ResourceBenchSettings.label(mode) + " " + kind.label();
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!a.startsWith("-agentlib") && !a.startsWith("-javaagent") && !a.startsWith("-Xrunjdwp")) {
        cmd.add(a);
      }
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(ResourceBench.class.getName());
    cmd.addAll(ResourceBench.arguments(s, mode, kind));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
    String result = null;
    try {
      Process p = pb.start();
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(s.timeoutSeconds());
        Thread killer =
            new Thread(
                () -> {
                  try {
                    if (!p.waitFor(
                        Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                      p.destroyForcibly();
                    }
                  } catch (InterruptedException e) {
                    p.destroyForcibly();
                  }
                },
                "bench-resources-timeout");
        killer.setDaemon(true);
        killer.start();
        String l;
        while ((l = r.readLine()) != null) {
          if (l.startsWith(ResourceBench.MARKER)) {
            result = l.substring(ResourceBench.MARKER.length());
          }
        }
        int rc = p.waitFor();
        if (rc != 0 || result == null) {
          boolean timedOut = System.nanoTime() >= deadline;
          throw new IllegalStateException(
              "bench resources: the "
                  + what
                  + " measurement "
                  + (timedOut
                      ? "ran past its " + s.timeoutSeconds() + " s limit"
                      : "failed (exit " + rc + ")")
                  + "; its messages are above");
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "bench resources: cannot start the " + what + " measurement: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("bench resources: interrupted during " + what, e);
    }
    return result;
  }

  /** The table: per measurement its figures and FullRes's / its (same kind, same run). */
  static void table(List<Result> results, Consumer<String> out) {
    out.accept(
        String.format(
            Locale.ROOT,
            "%-6s %-9s %6s %12s %9s %11s %11s %12s %13s %12s",
            "what",
            "mode",
            "input",
            "net_peak_mb",
            "peak_mb",
            "s_per_iter",
            "cpu_s",
            "fullres/mem",
            "fullres/time",
            "fullres/cpu"));
    for (Result r : results) {
      Result full = null;
      for (Result f : results) {
        if (f.what().equals(r.what()) && f.mode().equals("fullres")) {
          full = f;
        }
      }
      String mem = full == null ? "-" : ratio(full.netPeakMb(), r.netPeakMb());
      String time = full == null ? "-" : ratio(full.secondsPerIter(), r.secondsPerIter());
      String cpu = full == null ? "-" : ratio(full.cpuSecondsPerIter(), r.cpuSecondsPerIter());
      out.accept(
          String.format(
              Locale.ROOT,
              "%-6s %-9s %6d %12.1f %9.1f %11.3f %11.3f %12s %13s %12s",
              r.what(),
              r.mode(),
              r.input(),
              r.netPeakMb(),
              r.peakMb(),
              r.secondsPerIter(),
              r.cpuSecondsPerIter(),
              mem,
              time,
              cpu));
    }
  }

  private static String ratio(double full, double mine) {
    if (!(mine > 0) || Double.isNaN(full)) {
      return "-";
    }
    return String.format(Locale.ROOT, "%.2fx", full / mine);
  }
}

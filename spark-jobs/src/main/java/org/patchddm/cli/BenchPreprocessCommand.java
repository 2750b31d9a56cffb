package org.patchddm.cli;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.patchddm.brats.BratsCohort;
import org.patchddm.brats.BratsLoader;
import org.patchddm.prep.PrepSettings;
import org.patchddm.prep.SubjectPreprocessor;
import org.patchddm.spark.SparkSessions;
import org.patchddm.spark.config.SparkSettings;
import org.patchddm.spark.prep.PreprocessJob;
import org.patchddm.spark.prep.PreprocessOutcome;
import org.patchddm.synth.CohortWriter;
import org.patchddm.synth.SyntheticCohort;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code patchddm bench-preprocess}: synthesizes N full-size subjects, preprocesses them with local
 * Spark and prints JSON lines (subjects/s, s/subject, cores, peak RSS from /proc/self/status VmHWM,
 * peak heap, the job's process CPU time and each subject task's executor CPU time, with the median
 * over the tasks after the first wave as the steady-state cost). Also times one subject through
 * {@link SubjectPreprocessor} alone, without Spark. A benchmark, not a test: nothing is asserted.
 */
@Command(
    name = "bench-preprocess",
    mixinStandardHelpOptions = true,
    description =
        "Benchmark the preprocessing job on a synthetic full-size cohort; prints JSON lines.")
public final class BenchPreprocessCommand implements Callable<Integer> {
  @Option(names = "--subjects", defaultValue = "4")
  int subjects;

  @Option(
      names = "--shape",
      defaultValue = "240,240,155",
      split = ",",
      description = "Synthetic volume shape x,y,z.")
  int[] shape;

  @Option(
      names = "--target",
      defaultValue = "256,256,256",
      split = ",",
      description = "Target (padded) shape.")
  int[] target;

  @Option(names = "--seed", defaultValue = "1")
  long seed;

  @Option(
      names = "--work",
      paramLabel = "DIR",
      description = "Work directory (default: a temp dir, deleted afterwards).")
  Path work;

  @Mixin ConfigOptions configOptions = new ConfigOptions();

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    boolean temp = work == null;
    Path dir = temp ? Files.createTempDirectory("patchddm-bench-") : work;
    try {
      Path input = dir.resolve("cohort");
      long t0 = System.nanoTime();
      SyntheticCohort cohort = new SyntheticCohort(seed, shape);
      CohortWriter writer = new CohortWriter(input, true);
      for (int k = 1; k <= subjects; k++) {
        writer.write(cohort.training(k), true);
      }
      double synthSeconds = (System.nanoTime() - t0) / 1e9;
      Config config =
          configOptions.load(
              Map.of("patchddm.prep.target-shape", List.of(target[0], target[1], target[2])));

      // One subject, no Spark: the local cost of reading + preprocessing (single thread).
      long t1 = System.nanoTime();
      var listing = BratsCohort.scan(input);
      new SubjectPreprocessor(PrepSettings.fromConfig(config))
          .process(BratsLoader.local().load(listing.subjects().get(0)));
      double localSeconds = (System.nanoTime() - t1) / 1e9;

      long t3 = System.nanoTime();
      SparkSession spark = SparkSessions.getOrCreate(SparkSettings.fromConfig(config));
      double sessionSeconds = (System.nanoTime() - t3) / 1e9;
      TaskCpuListener listener = new TaskCpuListener();
      spark.sparkContext().addSparkListener(listener);
      int cores = spark.sparkContext().defaultParallelism();
      long t2 = System.nanoTime();
      double cpu0 = processCpuSeconds();
      Map<String, Double> threads0 = threadCpuByKind();
      double jit0 = jitSeconds();
      double gc0 = gcSeconds();
      PreprocessOutcome o =
          new PreprocessJob(spark, config, System.err)
              .run(input.toString(), dir.resolve("dataset").toString());
      double seconds = (System.nanoTime() - t2) / 1e9;
      double jobCpu = processCpuSeconds() - cpu0;
      double jobJit = jitSeconds() - jit0;
      double jobGc = gcSeconds() - gc0;
      Map<String, Double> threadCpu = new TreeMap<>(threadCpuByKind());
      threads0.forEach((k, v) -> threadCpu.merge(k, -v, Double::sum));
      spark.stop();
      // Steady state: tasks after the first wave (one per core), which pays JIT and class loading.
      List<TaskCpuListener.Task> tasks = listener.heaviestStage();
      List<Double> allCpu = tasks.stream().map(TaskCpuListener.Task::cpuSeconds).toList();
      List<Double> steadyCpu = allCpu.subList(Math.min(cores, allCpu.size()), allCpu.size());
      List<Double> steadyRun =
          tasks.stream()
              .map(TaskCpuListener.Task::runSeconds)
              .toList()
              .subList(Math.min(cores, allCpu.size()), allCpu.size());
      out.println(
          String.format(
              Locale.ROOT,
              "{\"bench\":\"preprocess\",\"subjects\":%d,\"shape\":[%d,%d,%d],\"target\":[%d,%d,%d],\"cores\":%d,"
                  + "\"seconds\":%.3f,\"subjects_per_s\":%.4f,\"seconds_per_subject\":%.3f,\"core_seconds_per_subject\":%.3f,"
                  + "\"failed\":%d,\"output_mb\":%.1f,\"synth_seconds\":%.2f,\"local_one_subject_seconds\":%.3f,"
                  + "\"peak_rss_mb\":%.0f,\"peak_heap_mb\":%.0f,\"max_heap_mb\":%.0f,\"session_seconds\":%.2f,"
                  + "\"job_process_cpu_seconds\":%.2f,\"job_jit_seconds\":%.2f,\"job_gc_seconds\":%.2f,"
                  + "\"job_thread_cpu_seconds\":%s,\"task_cpu_seconds\":%s,\"steady_task_cpu_seconds_median\":%.3f,"
                  + "\"steady_task_run_seconds_median\":%.3f,\"load_avg_1m\":%.2f}",
              subjects,
              shape[0],
              shape[1],
              shape[2],
              target[0],
              target[1],
              target[2],
              cores,
              seconds,
              subjects / seconds,
              seconds / subjects,
              seconds * cores / subjects,
              o.failures().size(),
              size(dir.resolve("dataset")) / 1e6,
              synthSeconds,
              localSeconds,
              peakRssMb(),
              peakHeapMb(),
              Runtime.getRuntime().maxMemory() / 1048576.0,
              sessionSeconds,
              jobCpu,
              jobJit,
              jobGc,
              json(threadCpu),
              json(allCpu),
              TaskCpuListener.median(steadyCpu),
              TaskCpuListener.median(steadyRun),
              ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
      return o.exitCode();
    } finally {
      if (temp) {
        delete(dir);
      }
    }
  }

  /** VmHWM of this process (peak resident set), in MB; -1 where /proc is unavailable. */
  static double peakRssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /** CPU time of this whole JVM (all threads, GC and JIT included), in seconds; -1 if unknown. */
  static double processCpuSeconds() {
    return ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime() / 1e9
        : -1;
  }

  /** Time the JIT compilers spent compiling so far, in seconds (their own threads). */
  static double jitSeconds() {
    var c = ManagementFactory.getCompilationMXBean();
    return c != null && c.isCompilationTimeMonitoringSupported()
        ? c.getTotalCompilationTime() / 1e3
        : -1;
  }

  /** Accumulated collection time of all garbage collectors, in seconds. */
  static double gcSeconds() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
            .mapToLong(GarbageCollectorMXBean::getCollectionTime)
            .filter(t -> t > 0)
            .sum()
        / 1e3;
  }

  /**
   * CPU seconds (user + system) of this JVM's live threads from /proc/self/task, summed by kind:
   * jit (compiler threads), gc, tasks (Spark task threads), other. Empty where /proc is missing.
   * Threads that ended in between are not counted.
   */
  static Map<String, Double> threadCpuByKind() {
    Map<String, Double> out = new TreeMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path t : tasks.toList()) {
        String stat;
        try {
          stat = Files.readString(t.resolve("stat"));
        } catch (IOException e) {
          continue; // the thread ended
        }
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        double ticks =
            Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
        String kind =
            name.contains("Compiler")
                ? "jit"
                : name.startsWith("GC ") || name.startsWith("G1 ")
                    ? "gc"
                    : name.startsWith("Executor task") ? "tasks" : "other";
        out.merge(kind, ticks / 100.0, Double::sum); // USER_HZ is 100 on Linux
      }
    } catch (IOException | RuntimeException e) {
      return out;
    }
    return out;
  }

  private static String json(Map<String, Double> values) {
    StringBuilder sb = new StringBuilder("{");
    values.forEach(
        (k, v) ->
            sb.append(sb.length() > 1 ? "," : "")
                .append(String.format(Locale.ROOT, "\"%s\":%.2f", k, v)));
    return sb.append('}').toString();
  }

  private static String json(List<Double> values) {
    StringBuilder sb = new StringBuilder("[");
    for (double v : values) {
      sb.append(sb.length() > 1 ? "," : "").append(String.format(Locale.ROOT, "%.3f", v));
    }
    return sb.append(']').toString();
  }

  /** Sum of the heap pools' peak usage, in MB. */
  static double peakHeapMb() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        sum += p.getPeakUsage().getUsed();
      }
    }
    return sum / 1048576.0;
  }

  private static long size(Path p) throws IOException {
    if (!Files.exists(p)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(p)) {
      return s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  private static void delete(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    List<Path> all = new ArrayList<>();
    try (Stream<Path> s = Files.walk(root)) {
      s.forEach(all::add);
    }
    all.sort(Comparator.reverseOrder());
    for (Path p : all) {
      Files.deleteIfExists(p);
    }
  }
}

package org.patchddm.model.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.patchddm.model.net.TimestepEmbedding;
import org.patchddm.model.net.UNet;
import org.patchddm.model.net.UNetBuildOptions;
import org.patchddm.model.net.UNetSettings;
import org.patchddm.model.patch.TrainingMode;
import org.patchddm.model.runtime.InPlaceUpdater;
import org.patchddm.model.split.DeviceMemory;
import org.patchddm.model.split.SplitUNet;
import org.patchddm.model.split.UNetSplit;

/**
 * One measurement of the resource table in this process: a training step (forward, MSE loss,
 * backward, Adam update; batch 1) or one inference network evaluation, of one method, on random
 * float32 data. {@link ResourceBenchRunner} starts each in a fresh JVM, so that the process's peak
 * resident memory is that measurement's.
 *
 * <p>Memory: {@code peak_mb} is the process's resident high-water mark (VmHWM) over the whole
 * measurement, JVM included; {@code base_mb} the resident memory after ND4J is loaded and before
 * the network is built; {@code net_peak_mb} their difference, the memory the method itself needs
 * (parameters, optimiser state, activations, workspaces), the counterpart of the paper's GPU
 * memory. Time: the median of {@code reps} timed repetitions after {@code warmup} untimed ones, as
 * wall time ({@code s_per_iter}) and as the process's CPU time ({@code cpu_s_per_iter}, all
 * threads: less sensitive to other processes sharing the cores).
 */
public final class ResourceBench {

  /** The prefix of the result line a child process prints. */
  public static final String MARKER = "RESOURCE_RESULT ";

  private ResourceBench() {}

  /** Measures {@code kind} of {@code mode}; returns the JSON line. */
  public static String measure(
      ResourceBenchSettings s, TrainingMode mode, ResourceBenchSettings.Kind kind) {
    Nd4j.create(DataType.FLOAT, 1).addi(1); // load the backend before the baseline
    System.gc();
    long base = rssBytes();
    UNetSettings net = s.network(mode);
    int edge = s.inputEdge(mode, kind);
    var rng = Nd4j.getRandomFactory().getNewRandomInstance(99);
    INDArray x =
        rng.nextGaussian(new long[] {1, net.inChannels(), edge, edge, edge}).castTo(DataType.FLOAT);
    INDArray temb = TimestepEmbedding.sinusoidal(new int[] {500}, net.timeEmbedDim());
    INDArray eps = rng.nextGaussian(new long[] {1, 1, edge, edge, edge}).castTo(DataType.FLOAT);
    MultiDataSet batch =
        new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {x, temb}, new INDArray[] {eps});
    ComputationGraph graph =
        UNet.create(net, new UNetBuildOptions(DataType.FLOAT, new Adam(1e-5), 1234L));
    long params = graph.numParams();
    SplitUNet split = null;
    Runnable step;
    if (mode == TrainingMode.FULL_RES && s.splitFullRes()) {
      split = SplitUNet.of(graph, net, UNetSplit.defaultThreshold(net), 0, 1);
      graph = null;
      SplitUNet sp = split;
      step =
          kind == ResourceBenchSettings.Kind.TRAIN ? () -> sp.fit(batch) : () -> sp.output(x, temb);
    } else {
      ComputationGraph g = InPlaceUpdater.install(graph);
      step =
          kind == ResourceBenchSettings.Kind.TRAIN
              ? () -> g.fit(batch)
              : () -> g.output(false, x, temb);
    }
    try {
      double[] secs;
      double[] cpu;
      long peak;
      try (MemoryWatch watch = new MemoryWatch()) {
        for (int i = 0; i < s.warmup(); i++) {
          step.run();
        }
        secs = new double[s.reps()];
        cpu = new double[s.reps()];
        for (int i = 0; i < s.reps(); i++) {
          long c0 = processCpuNanos();
          long t0 = System.nanoTime();
          step.run();
          secs[i] = (System.nanoTime() - t0) / 1e9;
          cpu[i] = (processCpuNanos() - c0) / 1e9;
        }
        peak = MemoryWatch.peakRssBytes();
      }
      List<DeviceMemory> devices = split == null ? List.of() : split.memory();
      return json(s, mode, kind, edge, net, params, secs, cpu, peak, base, devices);
    } finally {
      if (split != null) {
        split.close();
      }
    }
  }

  static String json(
      ResourceBenchSettings s,
      TrainingMode mode,
      ResourceBenchSettings.Kind kind,
      int edge,
      UNetSettings net,
      long params,
      double[] secs,
      double[] cpu,
      long peak,
      long base,
      List<DeviceMemory> devices) {
    double[] sorted = secs.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    double median = median(secs);
    StringBuilder b = new StringBuilder("{");
    b.append("\"what\":\"").append(kind.label()).append('"');
    b.append(",\"mode\":\"").append(ResourceBenchSettings.label(mode)).append('"');
    b.append(",\"size\":").append(s.volume());
    b.append(",\"patch\":").append(mode.usesPatches() ? String.valueOf(s.patch()) : "null");
    b.append(",\"input\":").append(edge);
    b.append(",\"in_channels\":").append(net.inChannels());
    b.append(",\"channels\":").append(net.modelChannels());
    b.append(",\"levels\":").append(net.levels());
    b.append(",\"params\":").append(params);
    b.append(",\"peak_mb\":").append(mb(peak));
    b.append(",\"base_mb\":").append(mb(base));
    b.append(",\"net_peak_mb\":").append(peak < 0 || base < 0 ? "null" : mb(peak - base));
    b.append(",\"s_per_iter\":").append(fmt(median));
    b.append(",\"min_s\":").append(fmt(sorted[0]));
    b.append(",\"max_s\":").append(fmt(sorted[n - 1]));
    b.append(",\"cpu_s_per_iter\":").append(fmt(median(cpu)));
    b.append(",\"reps\":").append(n);
    b.append(",\"split\":").append(!devices.isEmpty());
    if (!devices.isEmpty()) {
      List<String> d = new ArrayList<>();
      for (DeviceMemory m : devices) {
        d.add(
            "{\"part\":\""
                + m.part()
                + "\",\"device\":"
                + m.device()
                + ",\"params_mb\":"
                + mb(m.parameterMemory())
                + ",\"workspaces_mb\":"
                + mb(m.workspaces())
                + ",\"boundary_mb\":"
                + mb(m.boundary())
                + "}");
      }
      b.append(",\"devices\":[").append(String.join(",", d)).append(']');
    }
    String threads = System.getenv("OMP_NUM_THREADS");
    b.append(",\"omp_threads\":").append(threads == null ? "null" : "\"" + threads + "\"");
    return b.append('}').toString();
  }

  private static double median(double[] v) {
    double[] sorted = v.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /**
   * CPU time of the whole process (all threads, native ones included) in ns: unlike wall time it
   * does not grow while the process waits for a core on a shared machine.
   */
  static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os =
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime();
    }
    return 0;
  }

  /** VmRSS in bytes, or -1 where /proc is unavailable. */
  static long rssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024L;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }

  private static String mb(long bytes) {
    return bytes < 0 ? "null" : String.format(Locale.ROOT, "%.1f", bytes / 1048576.0);
  }

  /**
   * Child-process entry: {@code MODE KIND VOLUME PATCH CHANNELS MULT MR_CHANNELS REPS WARMUP
   * SPLIT}, e.g. {@code fullres train 128 64 8 1,3,4,4,4,4,4 4 3 1 true}; prints {@link #MARKER}
   * and the JSON line.
   */
  public static void main(String[] args) {
    if (args.length != 10) {
      System.err.println(
          "usage: ResourceBench MODE KIND VOLUME PATCH CHANNELS MULT MR_CHANNELS"
              + " REPS WARMUP SPLIT");
      System.exit(2);
    }
    TrainingMode mode = ResourceBenchSettings.mode(args[0]);
    ResourceBenchSettings.Kind kind =
        ResourceBenchSettings.Kind.valueOf(args[1].toUpperCase(Locale.ROOT));
    List<Integer> mult =
        Arrays.stream(args[5].split(",")).map(String::trim).map(Integer::valueOf).toList();
    ResourceBenchSettings s =
        new ResourceBenchSettings(
            Integer.parseInt(args[2]),
            Integer.parseInt(args[3]),
            Integer.parseInt(args[4]),
            mult,
            Integer.parseInt(args[6]),
            Integer.parseInt(args[7]),
            Integer.parseInt(args[8]),
            List.of(mode),
            java.util.EnumSet.of(kind),
            Boolean.parseBoolean(args[9]),
            1);
    String line = measure(s, mode, kind);
    System.out.println(MARKER + line);
    System.out.flush();
    System.exit(0);
  }

  /** The child's arguments for one measurement (see {@link #main}). */
  static List<String> arguments(
      ResourceBenchSettings s, TrainingMode mode, ResourceBenchSettings.Kind kind) {
    StringBuilder mult = new StringBuilder();
    for (int i = 0; i < s.mult().size(); i++) {
      mult.append(i == 0 ? "" : ",").append(s.mult().get(i));
    }
    return List.of(
        ResourceBenchSettings.label(mode),
        kind.label(),
        String.valueOf(s.volume()),
        String.valueOf(s.patch()),
        String.valueOf(s.channels()),
        mult.toString(),
        String.valueOf(s.mrChannels()),
        String.valueOf(s.reps()),
        String.valueOf(s.warmup()),
        String.valueOf(s.splitFullRes()));
  }
}

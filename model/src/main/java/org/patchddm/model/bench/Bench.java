package org.patchddm.model.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
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
import org.patchddm.model.runtime.InPlaceUpdater;

/**
 * Times the U-Net on random data and prints one JSON line per measurement: {@code params}, {@code
 * infer_forward} (one network evaluation, {@code output()}), {@code train_step} (forward + MSE loss
 * + backward + Adam update, {@code fit()}). Float32, workspaces enabled (the graph's defaults).
 * Each timed measurement runs {@code warmup} untimed repetitions first.
 */
public final class Bench {

  private Bench() {}

  /** Runs the measurements, passing each JSON line to {@code out}; returns the lines. */
  public static List<String> run(BenchSettings s, Consumer<String> out) {
    UNetSettings net = s.network();
    ComputationGraph graph =
        UNet.create(net, new UNetBuildOptions(DataType.FLOAT, new Adam(1e-5), 1234L));
    List<String> lines = new ArrayList<>();
    long params = graph.numParams();
    if (s.what().contains(BenchSettings.What.PARAMS)) {
      emit(lines, out, json(s, "params", params, null, MemoryWatch.peakRssBytes(), -1, -1));
    }
    var rng = Nd4j.getRandomFactory().getNewRandomInstance(99);
    INDArray x =
        rng.nextGaussian(new long[] {s.batch(), net.inChannels(), s.size(), s.size(), s.size()})
            .castTo(DataType.FLOAT);
    int[] t = new int[s.batch()];
    Arrays.fill(t, 500);
    INDArray temb = TimestepEmbedding.sinusoidal(t, net.timeEmbedDim());
    INDArray eps =
        rng.nextGaussian(new long[] {s.batch(), net.outChannels(), s.size(), s.size(), s.size()})
            .castTo(DataType.FLOAT);
    if (s.what().contains(BenchSettings.What.INFER)) {
      measure(s, lines, out, "infer_forward", params, () -> graph.output(false, x, temb));
    }
    if (s.what().contains(BenchSettings.What.TRAIN)) {
      MultiDataSet mds =
          new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {x, temb}, new INDArray[] {eps});
      // as the trainer (LocalTrainer)
      InPlaceUpdater.install(graph);
      measure(s, lines, out, "train_step", params, () -> graph.fit(mds));
    }
    return lines;
  }

  private static void measure(
      BenchSettings s,
      List<String> lines,
      Consumer<String> out,
      String what,
      long params,
      Runnable step) {
    try (MemoryWatch watch = new MemoryWatch()) {
      for (int i = 0; i < s.warmup(); i++) {
        step.run();
      }
      double[] secs = new double[s.reps()];
      for (int i = 0; i < s.reps(); i++) {
        long t0 = System.nanoTime();
        step.run();
        secs[i] = (System.nanoTime() - t0) / 1e9;
      }
      emit(
          lines,
          out,
          json(
              s,
              what,
              params,
              secs,
              MemoryWatch.peakRssBytes(),
              watch.peakOffHeapBytes(),
              watch.peakPhysicalBytes()));
    }
  }

  private static void emit(List<String> lines, Consumer<String> out, String line) {
    lines.add(line);
    out.accept(line);
  }

  static String json(
      BenchSettings s,
      String what,
      long params,
      double[] secs,
      long rss,
      long offHeap,
      long physical) {
    StringBuilder b = new StringBuilder("{");
    b.append("\"what\":\"").append(what).append('"');
    b.append(",\"size\":").append(s.size());
    b.append(",\"channels\":").append(s.channels());
    b.append(",\"mult\":\"").append(joined(s.mult())).append('"');
    b.append(",\"in_channels\":").append(s.inChannels());
    b.append(",\"params\":").append(params);
    b.append(",\"batch\":").append(s.batch());
    if (secs != null) {
      double[] sorted = secs.clone();
      Arrays.sort(sorted);
      double median =
          sorted.length % 2 == 1
              ? sorted[sorted.length / 2]
              : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
      b.append(",\"reps\":").append(secs.length);
      b.append(",\"median_s\":").append(fmt(median));
      b.append(",\"min_s\":").append(fmt(sorted[0]));
      b.append(",\"max_s\":").append(fmt(sorted[sorted.length - 1]));
    } else {
      b.append(",\"median_s\":null,\"min_s\":null,\"max_s\":null");
    }
    b.append(",\"peak_rss_mb\":").append(mb(rss));
    b.append(",\"peak_offheap_mb\":").append(mb(offHeap));
    b.append(",\"peak_physical_mb\":").append(mb(physical));
    String threads = System.getenv("OMP_NUM_THREADS");
    b.append(",\"omp_threads\":").append(threads == null ? "null" : "\"" + threads + "\"");
    String mmap = org.patchddm.model.runtime.NativeMemory.mmapThreshold();
    b.append(",\"malloc_mmap_threshold\":").append(mmap == null ? "null" : "\"" + mmap + "\"");
    b.append(",\"conv_impl\":\"").append(s.network().convImpl().resolve()).append('"');
    b.append(",\"dtype\":\"FLOAT\",\"workspaces\":\"ENABLED\"");
    return b.append('}').toString();
  }

  private static String joined(List<Integer> v) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < v.size(); i++) {
      b.append(i == 0 ? "" : ",").append(v.get(i));
    }
    return b.toString();
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }

  private static String mb(long bytes) {
    return bytes < 0 ? "null" : String.format(Locale.ROOT, "%.1f", bytes / 1048576.0);
  }
}

package org.patchddm.spark.infer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.factory.Nd4j;
import org.patchddm.model.diffusion.Denoiser;
import org.patchddm.model.net.UNetDenoiser;
import org.patchddm.model.patch.TrainingMode;
import org.patchddm.model.split.SplitSettings;
import org.patchddm.model.split.SplitUNet;
import org.patchddm.model.split.UNetSplit;
import org.patchddm.model.train.Checkpoints;
import org.patchddm.model.train.RunSettings;
import org.patchddm.spark.gpu.DeviceBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-JVM cache of inference networks, keyed by checkpoint path and the task's devices: an
 * executor loads a model once (copied from its Hadoop file system to local disk and verified by
 * {@link Checkpoints#load}) and every later task on those devices reuses it. Networks are only
 * evaluated (never trained), so tasks on one device share one graph; calls are serialised per model
 * because a DL4J graph is not thread-safe.
 *
 * <p>A FULL_RES model runs split over two devices ({@link SplitUNet}): the encoder part on the
 * task's first GPU, the decoder part on its second, split after {@value SplitSettings#KEY} decoder
 * blocks; without GPUs both parts run on the task thread's device (the CPU). The checkpoint is the
 * unsplit network's, as training writes it for every mode.
 */
final class ModelCache {

  /** A loaded model and how many times this JVM has loaded one (for tests and logs). */
  record Entry(Denoiser denoiser, RunSettings run, Object lock) {}

  private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);
  private static final Map<String, Entry> CACHE = new HashMap<>();
  private static int loads;

  private ModelCache() {}

  /**
   * The devices a task of {@code run}'s mode needs: FullRes two (encoder and decoder part), the
   * others one.
   */
  static int devicesPerTask(RunSettings run) {
    return run.train().mode() == TrainingMode.FULL_RES ? 2 : 1;
  }

  /**
   * The model of {@code source} on {@code devices} (the task's ND4J devices, empty without GPUs),
   * loaded on first use in this JVM.
   */
  static synchronized Entry get(
      ModelSource source, int[] devices, SplitSettings split, Configuration hconf) {
    // The settings are part of the key: a job with other sampling overrides gets its own entry.
    String key =
        source.checkpoint()
            + "#"
            + source.settingsHocon().hashCode()
            + "@"
            + (devices.length == 0 ? "cpu" : "gpu" + Arrays.toString(devices))
            + "/split"
            + split.decoderDeviceThresh();
    Entry e = CACHE.get(key);
    if (e == null) {
      e = load(source, devices, split, hconf);
      CACHE.put(key, e);
      loads++;
    }
    return e;
  }

  /**
   * The network of {@code run} with the weights of {@code graph}: split over {@code devices[0]} and
   * {@code devices[1]} for FULL_RES (both on the calling thread's device when there are none), the
   * graph itself otherwise.
   */
  static Denoiser denoiser(
      ComputationGraph graph, RunSettings run, int[] devices, SplitSettings split) {
    if (run.train().mode() != TrainingMode.FULL_RES) {
      return new UNetDenoiser(graph, run.model());
    }
    int here = Nd4j.getAffinityManager().getDeviceForCurrentThread();
    int d0 = devices.length >= 2 ? devices[0] : here;
    int d1 = devices.length >= 2 ? devices[1] : here;
    int threshold = split.threshold(run.model());
    SplitUNet net = SplitUNet.of(graph, run.model(), threshold, d0, d1);
    LOG.info(
        "FullRes inference split after {} of {} decoder blocks: encoder part on device {}, decoder"
            + " part on device {}{}",
        threshold,
        UNetSplit.decoderBlocks(run.model()),
        d0,
        d1,
        DeviceBinding.isCpuBackend() ? " (CPU backend: both run on the CPU)" : "");
    return net;
  }

  /** How many models this JVM has loaded so far. */
  static synchronized int loads() {
    return loads;
  }

  /** Forgets every model (tests). */
  static synchronized void clear() {
    CACHE.clear();
  }

  private static Entry load(
      ModelSource source, int[] devices, SplitSettings split, Configuration hconf) {
    RunSettings run = source.run();
    java.nio.file.Path local = null;
    try {
      Path remote = new Path(source.checkpoint());
      FileSystem fs = remote.getFileSystem(hconf);
      local = Files.createTempDirectory("patchddm-infer-model-");
      java.nio.file.Path copy = local.resolve(remote.getName());
      fs.copyToLocalFile(false, remote, new Path(copy.toUri()), true);
      Checkpoints.Loaded l = Checkpoints.load(copy, run);
      return new Entry(denoiser(l.graph(), run, devices, split), run, new Object());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot copy checkpoint " + source.checkpoint() + " to local disk", e);
    } finally {
      if (local != null) {
        try (var s = Files.walk(local)) {
          s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
          // a temporary copy left behind is harmless
        }
      }
    }
  }
}

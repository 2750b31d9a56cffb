package org.patchddm.spark.infer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.patchddm.model.diffusion.Denoiser;
import org.patchddm.model.net.UNetDenoiser;
import org.patchddm.model.train.Checkpoints;
import org.patchddm.model.train.RunSettings;

/**
 * The per-JVM cache of inference networks, keyed by checkpoint path and device: an executor loads a
 * model once (copied from its Hadoop file system to local disk and verified by {@link
 * Checkpoints#load}) and every later task on that device reuses it. Networks are only evaluated
 * (never trained), so tasks on one device share one graph; calls are serialised per model because a
 * DL4J graph is not thread-safe.
 */
final class ModelCache {

  /** A loaded model and how many times this JVM has loaded one (for tests and logs). */
  record Entry(Denoiser denoiser, RunSettings run, Object lock) {}

  private static final Map<String, Entry> CACHE = new HashMap<>();
  private static int loads;

  private ModelCache() {}

  /** The model of {@code source} on {@code device}, loaded on first use in this JVM. */
  static synchronized Entry get(ModelSource source, String device, Configuration hconf) {
    // The settings are part of the key: a job with other sampling overrides gets its own entry.
    String key = source.checkpoint() + "@" + device + "#" + source.settingsHocon().hashCode();
    Entry e = CACHE.get(key);
    if (e == null) {
      e = load(source, hconf);
      CACHE.put(key, e);
      loads++;
    }
    return e;
  }

  /** How many models this JVM has loaded so far. */
  static synchronized int loads() {
    return loads;
  }

  /** Forgets every model (tests). */
  static synchronized void clear() {
    CACHE.clear();
  }

  private static Entry load(ModelSource source, Configuration hconf) {
    RunSettings run = source.run();
    java.nio.file.Path local = null;
    try {
      Path remote = new Path(source.checkpoint());
      FileSystem fs = remote.getFileSystem(hconf);
      local = Files.createTempDirectory("patchddm-infer-model-");
      java.nio.file.Path copy = local.resolve(remote.getName());
      fs.copyToLocalFile(false, remote, new Path(copy.toUri()), true);
      Checkpoints.Loaded l = Checkpoints.load(copy, run);
      // FullRes on two devices (encoder and decoder parts) plugs in here; until then one graph on
      // one device.
      return new Entry(new UNetDenoiser(l.graph(), run.model()), run, new Object());
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

package org.patchddm.model.train;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.patchddm.model.diffusion.DiffusionSettings;
import org.patchddm.model.net.UNetSettings;

/**
 * Everything that defines a training run: the network, the diffusion and the trainer settings.
 * Stored in every checkpoint as HOCON and compared when a checkpoint is loaded.
 */
public record RunSettings(UNetSettings model, DiffusionSettings diffusion, TrainSettings train) {

  /**
   * Keys that may change between a checkpoint and its resumption without changing the training
   * trajectory: the run length, the checkpoint and log cadence, and the sampler.
   */
  public static final Set<String> RESUMABLE_KEYS =
      Set.of(
          TrainSettings.PATH + ".steps",
          // Same function and parameter layout either way, so a run may switch implementations.
          UNetSettings.PATH + ".conv-impl",
          TrainSettings.PATH + ".checkpoint-every",
          TrainSettings.PATH + ".log-every",
          DiffusionSettings.PATH + ".sampler",
          DiffusionSettings.PATH + ".sampling-steps",
          DiffusionSettings.PATH + ".eta",
          DiffusionSettings.PATH + ".clip-x0",
          DiffusionSettings.PATH + ".clip-x0-min",
          DiffusionSettings.PATH + ".clip-x0-max",
          DiffusionSettings.PATH + ".sampling-start",
          DiffusionSettings.PATH + ".sampling-noise-scale");

  /**
   * The values that checkpoints written before a key existed were trained with: reading a stored
   * settings file falls back to these before the current defaults, so that a later change of a
   * default never changes how an old checkpoint is read.
   */
  public static final Config LEGACY_VALUES =
      ConfigFactory.parseString(
          DiffusionSettings.PATH
              + ".prediction = EPSILON\n"
              + DiffusionSettings.PATH
              + ".sampling-noise-scale = 1.0\n"
              + TrainSettings.PATH
              + " { lr-warmup-steps = 0, lr-decay = CONSTANT, lr-min-fraction = 0.0 }");

  public RunSettings {
    if (model == null || diffusion == null || train == null) {
      throw new IllegalArgumentException("run settings need model, diffusion and train settings");
    }
  }

  /** Reads {@code patchddm.model}, {@code patchddm.diffusion} and {@code patchddm.train}. */
  public static RunSettings fromConfig(Config root) {
    return new RunSettings(
        UNetSettings.fromConfig(root),
        DiffusionSettings.fromConfig(root),
        TrainSettings.fromConfig(root));
  }

  /**
   * Reads the settings stored with a checkpoint: {@code stored}, then {@link #LEGACY_VALUES}, then
   * {@code defaults} (the reference configuration) for anything else.
   */
  public static RunSettings fromStored(Config stored, Config defaults) {
    return fromConfig(stored.withFallback(LEGACY_VALUES).withFallback(defaults).resolve());
  }

  /** The three blocks as one HOCON document (parseable by {@link #fromConfig}). */
  public String toHocon() {
    UNetSettings m = model;
    String mult = m.channelMult().stream().map(String::valueOf).collect(Collectors.joining(", "));
    return UNetSettings.PATH
        + " {\n"
        + "  model-channels = "
        + m.modelChannels()
        + "\n"
        + "  channel-mult = ["
        + mult
        + "]\n"
        + "  num-res-blocks = "
        + m.numResBlocks()
        + "\n"
        + "  groupnorm-groups = "
        + m.groupNormGroups()
        + "\n"
        + "  in-channels = "
        + m.inChannels()
        + "\n"
        + "  out-channels = "
        + m.outChannels()
        + "\n"
        + "  skip-merge = "
        + m.skipMerge()
        + "\n"
        + "  time-embed-dim = "
        + m.timeEmbedDim()
        + "\n"
        + "  conv-impl = "
        + m.convImpl()
        + "\n"
        + "}\n"
        + diffusion.toHocon()
        + train.toHocon();
  }

  /**
   * The differences that forbid resuming a run with these settings from a checkpoint written with
   * {@code stored}: one line per key, "key: expected X, found Y", ignoring {@link #RESUMABLE_KEYS}.
   * Empty when compatible.
   */
  public List<String> incompatibilities(Config stored) {
    Map<String, Object> expected = flatten(ConfigFactory.parseString(toHocon()));
    Map<String, Object> found = flatten(stored.withFallback(LEGACY_VALUES));
    TreeMap<String, Boolean> keys = new TreeMap<>();
    expected.keySet().forEach(k -> keys.put(k, true));
    found.keySet().forEach(k -> keys.put(k, true));
    List<String> out = new ArrayList<>();
    for (String k : keys.keySet()) {
      if (RESUMABLE_KEYS.contains(k)) {
        continue;
      }
      Object e = expected.get(k);
      Object f = found.get(k);
      if (e == null || f == null || !same(e, f)) {
        out.add(
            k
                + ": expected "
                + (e == null ? "(absent)" : e)
                + ", found "
                + (f == null ? "(absent)" : f));
      }
    }
    return out;
  }

  /** Equal values; numbers by value, so 1 and 1.0 are the same setting. */
  private static boolean same(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return x.doubleValue() == y.doubleValue();
    }
    return String.valueOf(a).equals(String.valueOf(b));
  }

  private static Map<String, Object> flatten(Config c) {
    Map<String, Object> m = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : c.entrySet()) {
      m.put(e.getKey(), e.getValue().unwrapped());
    }
    return m;
  }
}

package org.patchddm.spark.infer;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.patchddm.model.diffusion.DiffusionSettings;

/**
 * Sampling choices of {@code patchddm infer} that replace the checkpoint's own ({@code
 * patchddm.infer.sampling}): the first timestep, the x̂0 clipping and the initial noise's scale.
 * Each is either the word {@code checkpoint} (keep the value the model was trained and validated
 * with) or a value; a null component means {@code checkpoint}. The model's own properties (T,
 * schedule, prediction) cannot be overridden.
 *
 * @param start the largest kept timestep (-1 = T - 1), or null
 * @param clip whether x̂0 is clipped, or null
 * @param clipMin the lower clip bound, or null
 * @param clipMax the upper clip bound, or null
 * @param noiseScale the factor on the initial noise, or null
 */
public record SamplingOverrides(
    Integer start, Boolean clip, Double clipMin, Double clipMax, Double noiseScale)
    implements Serializable {

  public static final String PATH = InferSettings.PATH + ".sampling";
  static final String KEEP = "checkpoint";

  /** No override. */
  public static SamplingOverrides none() {
    return new SamplingOverrides(null, null, null, null, null);
  }

  /** Reads {@code patchddm.infer.sampling}; a value that is neither a number nor the word fails. */
  static SamplingOverrides fromConfig(Config root) {
    Config c = root.getConfig(PATH);
    Double start = number(c, "start");
    if (start != null && start != Math.rint(start)) {
      throw new IllegalArgumentException(PATH + ".start must be an integer, got " + start);
    }
    Boolean clip = null;
    if (!isKeep(c, "clip-x0")) {
      if (c.getValue("clip-x0").valueType() != ConfigValueType.BOOLEAN) {
        throw new IllegalArgumentException(
            PATH
                + ".clip-x0 must be true, false or '"
                + KEEP
                + "', got "
                + c.getValue("clip-x0").render());
      }
      clip = c.getBoolean("clip-x0");
    }
    return new SamplingOverrides(
        start == null ? null : start.intValue(),
        clip,
        number(c, "clip-x0-min"),
        number(c, "clip-x0-max"),
        number(c, "noise-scale"));
  }

  private static boolean isKeep(Config c, String key) {
    return c.getValue(key).valueType() == ConfigValueType.STRING && KEEP.equals(c.getString(key));
  }

  private static Double number(Config c, String key) {
    if (isKeep(c, key)) {
      return null;
    }
    if (c.getValue(key).valueType() != ConfigValueType.NUMBER) {
      throw new IllegalArgumentException(
          PATH
              + "."
              + key
              + " must be a number or '"
              + KEEP
              + "', got "
              + c.getValue(key).render());
    }
    return c.getDouble(key);
  }

  /** Whether nothing is overridden. */
  public boolean isEmpty() {
    return start == null
        && clip == null
        && clipMin == null
        && clipMax == null
        && noiseScale == null;
  }

  /**
   * HOCON lines that, appended to a checkpoint's settings, replace the overridden keys (a later
   * value of a key wins in HOCON); empty when nothing is overridden.
   */
  public String toHocon() {
    List<String> lines = new ArrayList<>();
    String p = DiffusionSettings.PATH + ".";
    if (start != null) {
      lines.add(p + "sampling-start = " + start);
    }
    if (clip != null) {
      lines.add(p + "clip-x0 = " + clip);
    }
    if (clipMin != null) {
      lines.add(p + "clip-x0-min = " + clipMin);
    }
    if (clipMax != null) {
      lines.add(p + "clip-x0-max = " + clipMax);
    }
    if (noiseScale != null) {
      lines.add(p + "sampling-noise-scale = " + noiseScale);
    }
    return lines.isEmpty() ? "" : "\n" + String.join("\n", lines) + "\n";
  }
}

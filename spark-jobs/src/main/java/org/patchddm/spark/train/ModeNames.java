package org.patchddm.spark.train;

import java.util.Locale;
import org.patchddm.model.patch.TrainingMode;

/**
 * The command line's mode names: patchddm, fullres and halfres for PATCH, FULL_RES and HALF_RES.
 */
public final class ModeNames {

  private ModeNames() {}

  /** The mode of a command-line name, case-insensitive; fails listing the names. */
  public static TrainingMode parse(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "patchddm", "patch" -> TrainingMode.PATCH;
      case "fullres", "full_res" -> TrainingMode.FULL_RES;
      case "halfres", "half_res" -> TrainingMode.HALF_RES;
      default ->
          throw new IllegalArgumentException(
              "unknown mode '" + name + "': use patchddm, fullres or halfres");
    };
  }

  /** The command-line name of a mode given by its enum name. */
  public static String cliName(String mode) {
    return switch (TrainingMode.valueOf(mode)) {
      case PATCH -> "patchddm";
      case FULL_RES -> "fullres";
      case HALF_RES -> "halfres";
    };
  }
}

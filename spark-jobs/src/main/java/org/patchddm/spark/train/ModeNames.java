package org.patchddm.spark.train;

import java.util.Locale;
import org.patchddm.model.patch.TrainingMode;

/**
 * The command line's mode names: patchddm, fullres and halfres for PATCH, FULL_RES and HALF_RES,
 * and patchddm-nocoords for the ablation PATCH_NO_COORDS.
 */
public final class ModeNames {

  private ModeNames() {}

  /** The mode of a command-line name, case-insensitive; fails listing the names. */
  public static TrainingMode parse(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "patchddm", "patch" -> TrainingMode.PATCH;
      case "patchddm-nocoords", "patch_no_coords" -> TrainingMode.PATCH_NO_COORDS;
      case "fullres", "full_res" -> TrainingMode.FULL_RES;
      case "halfres", "half_res" -> TrainingMode.HALF_RES;
      default ->
          throw new IllegalArgumentException(
              "unknown mode '"
                  + name
                  + "': use patchddm, fullres, halfres or patchddm-nocoords (the ablation)");
    };
  }

  /** The command-line name of a mode given by its enum name. */
  public static String cliName(String mode) {
    return switch (TrainingMode.valueOf(mode)) {
      case PATCH -> "patchddm";
      case PATCH_NO_COORDS -> "patchddm-nocoords";
      case FULL_RES -> "fullres";
      case HALF_RES -> "halfres";
    };
  }
}

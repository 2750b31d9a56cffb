package org.patchddm.report;

import java.util.Map;
import java.util.TreeMap;

/**
 * Where the report's results come from.
 *
 * @param model the checkpoint (path, step, validation Dice ...)
 * @param dataset the dataset and its version (manifest), or the raw folder
 * @param code the code version
 * @param settings the inference settings (ensemble size, steps, seed, ...), shown sorted by key
 */
public record Provenance(String model, String dataset, String code, Map<String, String> settings) {

  public Provenance {
    settings = new TreeMap<>(settings);
  }
}

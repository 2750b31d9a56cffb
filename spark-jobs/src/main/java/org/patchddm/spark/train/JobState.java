package org.patchddm.spark.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The training job's bookkeeping saved in every checkpoint next to the network.
 *
 * @param round rounds completed
 * @param step global optimiser steps completed
 * @param bestDice the best mean validation Dice so far; NaN before the first validation
 * @param bestRound the round that reached {@code bestDice}; 0 before the first validation
 * @param mode the training mode (PATCH, FULL_RES, HALF_RES)
 * @param datasetVersion the preprocessed dataset's manifest version the run trains on
 */
public record JobState(
    long round, long step, double bestDice, long bestRound, String mode, long datasetVersion) {

  /** The state of a new run. */
  public static JobState fresh(String mode, long datasetVersion) {
    return new JobState(0, 0, Double.NaN, 0, mode, datasetVersion);
  }

  /** A copy after one more round. */
  public JobState next(long newRound, long newStep) {
    return new JobState(newRound, newStep, bestDice, bestRound, mode, datasetVersion);
  }

  /** Whether {@code dice} beats the best so far (any Dice beats none). */
  public boolean improvedBy(double dice) {
    return Double.isNaN(bestDice) || dice > bestDice;
  }

  /** A copy with a new best. */
  public JobState withBest(double dice, long atRound) {
    return new JobState(round, step, dice, atRound, mode, datasetVersion);
  }

  /** As strings, for the checkpoint's state file. */
  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("job.round", Long.toString(round));
    m.put("job.step", Long.toString(step));
    m.put("job.best-dice", Double.toString(bestDice));
    m.put("job.best-round", Long.toString(bestRound));
    m.put("job.mode", mode);
    m.put("job.dataset-version", Long.toString(datasetVersion));
    return m;
  }

  /** Parses {@link #toMap()}'s output; fails naming the first missing or malformed entry. */
  public static JobState fromMap(Map<String, String> m) {
    return new JobState(
        longOf(m, "job.round"),
        longOf(m, "job.step"),
        Double.parseDouble(get(m, "job.best-dice")),
        longOf(m, "job.best-round"),
        get(m, "job.mode"),
        longOf(m, "job.dataset-version"));
  }

  private static String get(Map<String, String> m, String key) {
    String v = m.get(key);
    if (v == null) {
      throw new IllegalArgumentException("missing " + key);
    }
    return v;
  }

  private static long longOf(Map<String, String> m, String key) {
    try {
      return Long.parseLong(get(m, key));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " is not a number: " + m.get(key), e);
    }
  }
}

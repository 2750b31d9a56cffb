package org.patchddm.spark.train;

import org.patchddm.model.train.StepSeeds;

/**
 * The seed of every training batch of a round: derived from (global seed, round, partition, local
 * step) and from nothing else (not the attempt number, not the executor), so a retried or resumed
 * task draws exactly the same examples, patches, timesteps and noise. The same derivation as the
 * Spark engine's workers ({@code StepSeeds.mix(seed, round, partition, j)}), so both engines draw
 * the same batches.
 */
public final class RoundSeeds {

  private RoundSeeds() {}

  /**
   * The seed of the batch of local step {@code j} (0-based) of partition {@code partition} in round
   * {@code round}.
   */
  public static long batch(long seed, long round, int partition, int j) {
    return StepSeeds.mix(seed, round, partition, j);
  }

  /**
   * The seed of the validation sample of validation subject {@code index}: the same in every
   * validation, so that the Dice of two rounds differs by the network only.
   */
  public static long validation(long seed, int index) {
    return StepSeeds.mix(seed, -1, index);
  }
}

package org.patchddm.spark.train;

import org.patchddm.model.train.StepSeeds;

/**
 * The seed of every training batch of a round: derived from (global seed, round, partition, global step) and from
 * nothing else (not the attempt number, not the executor), so a retried or resumed task draws exactly the same
 * examples, patches, timesteps and noise.
 */
public final class RoundSeeds {

  private RoundSeeds() {}

  /** The seed of the batch that partition {@code partition} trains on at global step {@code step} of {@code round}. */
  public static long batch(long seed, long round, int partition, long step) {
    return StepSeeds.mix(seed, round, partition, step);
  }

  /**
   * The seed of the validation sample of validation subject {@code index}: the same in every validation, so that
   * the Dice of two rounds differs by the network only.
   */
  public static long validation(long seed, int index) {
    return StepSeeds.mix(seed, -1, index);
  }
}

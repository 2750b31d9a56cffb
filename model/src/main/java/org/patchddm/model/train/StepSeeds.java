package org.patchddm.model.train;

/**
 * Derives the seed of every unit of randomness from the root seed, so that step k's draws never
 * depend on how many steps ran before in this process: resuming at step k repeats them exactly
 * without saving RNG streams. A Spark worker derives its stream from (seed, round, partition) the
 * same way.
 */
public final class StepSeeds {

  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private StepSeeds() {}

  /**
   * The seed of step {@code step} under root {@code seed} (SplitMix64's finaliser of seed +
   * (step+1)·φ).
   */
  public static long mix(long seed, long step) {
    long z = seed + (step + 1) * GOLDEN;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A seed derived from a chain of indices, e.g. (seed, round, partition). */
  public static long mix(long seed, long... indices) {
    long s = seed;
    for (long i : indices) {
      s = mix(s, i);
    }
    return s;
  }

  /** A human-readable statement of the derivation, recorded in checkpoints. */
  public static String describe(long seed) {
    return "step k draws from new SplittableRandom(StepSeeds.mix(" + seed + ", k))";
  }
}

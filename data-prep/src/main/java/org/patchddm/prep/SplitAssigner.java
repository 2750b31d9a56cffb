package org.patchddm.prep;

import java.nio.charset.StandardCharsets;

/**
 * Deterministic, seeded train / validation / test assignment that is stable as a cohort grows.
 *
 * <p>Each subject is placed by a hash of (seed, subject id) mapped to {@code u} in [0, 1): {@code u
 * < train} gives TRAIN, {@code u < train + val} gives VAL, otherwise TEST. A subject's split
 * depends only on the seed and its own id, never on which other subjects exist, so adding subjects
 * (an incremental cohort) never moves an existing one between splits. The price is that the counts
 * are only approximately proportional: each subject is an independent draw, so for a small cohort
 * the split sizes follow a multinomial distribution around 80/10/10 (for 10 subjects a split may
 * well be empty). The paper's exact 295/37/37 comes from a shuffle of a fixed list, which would
 * reshuffle everyone whenever a subject is added.
 *
 * <p>Hash: 64-bit FNV-1a over the id's UTF-8 bytes, xor the seed, finished with the SplitMix64
 * mixer; the top 53 bits give {@code u}. It does not depend on the JVM (no {@code hashCode}).
 */
public final class SplitAssigner {

  private final double train;
  private final double val;
  private final long seed;

  /**
   * @param train fraction for TRAIN, in [0, 1]
   * @param val fraction for VAL, in [0, 1], with {@code train + val <= 1}; TEST gets the rest
   */
  public SplitAssigner(double train, double val, long seed) {
    if (!(train >= 0 && val >= 0 && train + val <= 1.0 + 1e-12)) {
      throw new IllegalArgumentException(
          "split fractions must be >= 0 with train + val <= 1, got train=" + train + " val=" + val);
    }
    this.train = train;
    this.val = val;
    this.seed = seed;
  }

  /** The split of {@code subjectId}. */
  public Split assign(String subjectId) {
    double u = unit(seed, subjectId);
    if (u < train) return Split.TRAIN;
    if (u < train + val) return Split.VAL;
    return Split.TEST;
  }

  /** The hash of (seed, id) as a double in [0, 1). */
  static double unit(long seed, String id) {
    long h = 0xcbf29ce484222325L;
    for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
      h ^= (b & 0xFF);
      h *= 0x100000001b3L;
    }
    return (mix(h ^ mix(seed)) >>> 11) * 0x1.0p-53;
  }

  /** SplitMix64 finaliser. */
  static long mix(long z) {
    z += 0x9e3779b97f4a7c15L;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}

package org.patchddm.synth;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A deterministic synthetic BraTS-like cohort: a head phantom with a lobulated tumour rendered in
 * four MR contrasts ({@link Phantom}, {@link Tumour}, {@link Contrast}).
 *
 * <p>Determinism: subject {@code k} (1-based) draws everything from its own {@code
 * SplittableRandom} seeded by a mix of (cohort seed, kind, k), so it is identical whatever the
 * number of subjects generated, and the same (seed, k, shape) always gives the same voxels.
 * Training subjects are {@code BraTS20_Training_NNN}, seg-less validation subjects {@code
 * BraTS20_Validation_NNN}, each numbered from 1 in its own stream.
 */
public final class SyntheticCohort {

  /** Default shape for CPU runs: small enough that a 10-subject cohort takes about a second. */
  public static final int[] DEFAULT_SHAPE = {64, 64, 48};

  /** Full BraTS size. */
  public static final int[] BRATS_SHAPE = {240, 240, 155};

  private static final int MIN_DIM = 16;

  private final long seed;
  private final int[] shape;

  public SyntheticCohort(long seed, int[] shape) {
    if (shape == null || shape.length != 3) {
      throw new IllegalArgumentException("shape must have 3 dimensions (x, y, z)");
    }
    for (int d : shape) {
      if (d < MIN_DIM || d > 1024) {
        throw new IllegalArgumentException(
            "each shape dimension must be in ["
                + MIN_DIM
                + ", 1024], got "
                + Arrays.toString(shape));
      }
    }
    this.seed = seed;
    this.shape = shape.clone();
  }

  public int[] shape() {
    return shape.clone();
  }

  public long seed() {
    return seed;
  }

  /** Id of training subject {@code k} (1-based), e.g. {@code BraTS20_Training_003}. */
  public static String trainingId(int k) {
    return String.format("BraTS20_Training_%03d", k);
  }

  /** Id of validation subject {@code k} (1-based), e.g. {@code BraTS20_Validation_003}. */
  public static String validationId(int k) {
    return String.format("BraTS20_Validation_%03d", k);
  }

  /** Generates training subject {@code k} (1-based). */
  public SyntheticSubject training(int k) {
    return generate(trainingId(k), rng(0, k));
  }

  /**
   * Generates validation subject {@code k} (1-based): drawn from its own stream, so it differs from
   * every training subject; its labels are still generated (writers drop them).
   */
  public SyntheticSubject validation(int k) {
    return generate(validationId(k), rng(1, k));
  }

  /** BraTS-like voxel-to-world affine: diag(-1, -1, 1) with the y origin at ny - 1. */
  public double[][] affine() {
    return new double[][] {{-1, 0, 0, 0}, {0, -1, 0, shape[1] - 1}, {0, 0, 1, 0}, {0, 0, 0, 1}};
  }

  /** The tissue map ({@link Tissue} ordinals) of training subject {@code k}, for tests. */
  byte[] trainingTissues(int k) {
    return Phantom.tissues(rng(0, k), shape);
  }

  private SyntheticSubject generate(String id, SplittableRandom rng) {
    byte[] tissue = Phantom.tissues(rng, shape);
    short[][] images = Contrast.render(rng, shape, tissue);
    byte[] labels = new byte[tissue.length];
    for (int i = 0; i < tissue.length; i++) labels[i] = (byte) Tissue.ALL[tissue[i]].label();
    return new SyntheticSubject(id, shape.clone(), images, labels, affine());
  }

  private SplittableRandom rng(int kind, int k) {
    if (k < 1) throw new IllegalArgumentException("subject numbers start at 1, got " + k);
    return new SplittableRandom(mix(mix(seed) ^ mix(((long) kind << 32) | k)));
  }

  /** SplitMix64 finaliser. */
  private static long mix(long z) {
    z += 0x9e3779b97f4a7c15L;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}

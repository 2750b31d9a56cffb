package org.patchddm.model.diffusion;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Voxel-wise statistics of an ensemble of soft samples, built one member at a time, so that the
 * ensembles of every size 1..N made of the first members (prefix ensembles) are available on the
 * way to N without keeping the members.
 *
 * <p>After k members x_1..x_k (any shape, the same for all, e.g. one subject's {@code [1, 1, D, H,
 * W]}):
 *
 * <ul>
 *   <li>{@link #mean()}: the mean of the soft samples, (1/k) sum x_i;
 *   <li>{@link #variance()}: the population variance (1/k) sum (x_i - mean)^2, 0 for k = 1
 *       (Welford's update, stable in float32);
 *   <li>{@link #mask()}: the majority vote of the members' masks {@code x_i > 0.5}: a voxel is in
 *       when more than k/2 members put it in, i.e. when the mean of the binary masks is {@code >
 *       0.5}. For odd k there are no ties; for even k a tie is out. Thresholding the soft mean
 *       instead can differ where members are not exactly 0 or 1.
 * </ul>
 *
 * Arrays keep the first member's data type. The result depends on the order of the members only
 * through float rounding: add them in member order for bit-reproducible outputs.
 */
public final class EnsembleAccumulator {

  private INDArray mean;
  private INDArray m2; // sum of squared deviations from the running mean
  private INDArray votes;
  private int count;

  /** Adds one soft sample, thresholded at {@link Sample#THRESHOLD} for its vote. */
  public EnsembleAccumulator add(INDArray soft) {
    return add(Sample.of(soft));
  }

  /** Adds one sample: its soft values to the mean and variance, its mask to the vote. */
  public EnsembleAccumulator add(Sample s) {
    INDArray x = s.soft();
    if (count == 0) {
      mean = x.dup('c');
      m2 = Nd4j.zerosLike(mean);
      votes = s.mask().castTo(mean.dataType()).dup('c');
      count = 1;
      return this;
    }
    if (!Arrays.equals(x.shape(), mean.shape()) || !Arrays.equals(s.mask().shape(), mean.shape())) {
      throw new IllegalArgumentException(
          "ensemble member "
              + count
              + " has shape "
              + Arrays.toString(x.shape())
              + " (mask "
              + Arrays.toString(s.mask().shape())
              + "), member 0 "
              + Arrays.toString(mean.shape()));
    }
    count++;
    INDArray xd = x.castTo(mean.dataType());
    INDArray delta = xd.sub(mean);
    mean.addi(delta.div(count));
    m2.addi(delta.muli(xd.sub(mean)));
    votes.addi(s.mask().castTo(mean.dataType()));
    return this;
  }

  /** Number of members added. */
  public int size() {
    return count;
  }

  /** The mean of the soft samples (a copy). */
  public INDArray mean() {
    check();
    return mean.dup();
  }

  /** The population variance of the soft samples (a new array). */
  public INDArray variance() {
    check();
    return m2.div(count);
  }

  /** The majority-vote mask as 0/1 in the members' data type (a new array). */
  public INDArray mask() {
    check();
    return votes.gt(count / 2.0).castTo(mean.dataType());
  }

  /** How many members put each voxel in (a copy). */
  public INDArray votes() {
    check();
    return votes.dup();
  }

  /** The ensemble as a {@link Sample}: soft = the mean, mask = the majority vote. */
  public Sample toSample() {
    return new Sample(mean(), mask());
  }

  private void check() {
    if (count == 0) {
      throw new IllegalStateException("an ensemble needs at least one sample");
    }
  }
}

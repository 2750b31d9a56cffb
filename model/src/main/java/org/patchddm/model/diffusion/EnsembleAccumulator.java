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
 *   <li>{@link #mask()}: the mean of the soft samples thresholded at {@link Sample#THRESHOLD}: a
 *       voxel is in when {@code mean > 0.5} (strictly; a mean of exactly 0.5 is out). Where the
 *       members are exactly 0 or 1 this is the majority vote of their masks (for odd k); where they
 *       are not, the two can differ: members 1.0, 0.4, 0.4 have mean 0.6 (in) although only one of
 *       three exceeds 0.5, and 0.6, 0.6, -1.0 have mean 0.067 (out) although two of three do.
 * </ul>
 *
 * Arrays keep the first member's data type. The result depends on the order of the members only
 * through float rounding: add them in member order for bit-reproducible outputs.
 */
public final class EnsembleAccumulator {

  private INDArray mean;
  private INDArray m2; // sum of squared deviations from the running mean
  private int count;

  /** Adds one soft sample to the mean and variance. */
  public EnsembleAccumulator add(INDArray soft) {
    INDArray x = soft;
    if (count == 0) {
      mean = x.dup('c');
      m2 = Nd4j.zerosLike(mean);
      count = 1;
      return this;
    }
    if (!Arrays.equals(x.shape(), mean.shape())) {
      throw new IllegalArgumentException(
          "ensemble member "
              + count
              + " has shape "
              + Arrays.toString(x.shape())
              + ", member 0 "
              + Arrays.toString(mean.shape()));
    }
    count++;
    INDArray xd = x.castTo(mean.dataType());
    INDArray delta = xd.sub(mean);
    mean.addi(delta.div(count));
    m2.addi(delta.muli(xd.sub(mean)));
    return this;
  }

  /** Adds one sample's soft values (its own mask plays no part in the ensemble's). */
  public EnsembleAccumulator add(Sample s) {
    return add(s.soft());
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

  /** The mask {@code mean > 0.5} as 0/1 in the members' data type (a new array). */
  public INDArray mask() {
    check();
    return mean.gt(Sample.THRESHOLD).castTo(mean.dataType());
  }

  /** The ensemble as a {@link Sample}: soft = the mean, mask = {@code mean > 0.5}. */
  public Sample toSample() {
    return new Sample(mean(), mask());
  }

  private void check() {
    if (count == 0) {
      throw new IllegalStateException("an ensemble needs at least one sample");
    }
  }
}

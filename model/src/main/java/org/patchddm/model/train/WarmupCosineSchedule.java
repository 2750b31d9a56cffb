package org.patchddm.model.train;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The learning rate against the optimiser step (DL4J's iteration count, which the trainers keep
 * equal to the global step): a linear warm-up from base/warmup to base over the first {@code
 * warmup} steps, then a half cosine from base down to {@code base * minFraction} at step {@code
 * total}, constant after that. With {@code warmup = 0} and {@code cosine = false} it is the
 * constant base rate.
 */
public final class WarmupCosineSchedule implements ISchedule {

  @JsonProperty private final double base;
  @JsonProperty private final int warmup;
  @JsonProperty private final int total;
  @JsonProperty private final boolean cosine;
  @JsonProperty private final double minFraction;

  /**
   * @param base the peak learning rate
   * @param warmup warm-up steps (0: none)
   * @param total the step at which the cosine reaches its end
   * @param cosine whether the rate decays after the warm-up
   * @param minFraction the final rate as a fraction of {@code base}
   */
  public WarmupCosineSchedule(
      @JsonProperty("base") double base,
      @JsonProperty("warmup") int warmup,
      @JsonProperty("total") int total,
      @JsonProperty("cosine") boolean cosine,
      @JsonProperty("minFraction") double minFraction) {
    this.base = base;
    this.warmup = warmup;
    this.total = total;
    this.cosine = cosine;
    this.minFraction = minFraction;
  }

  @Override
  public double valueAt(int iteration, int epoch) {
    if (iteration < warmup) {
      return base * (iteration + 1) / warmup;
    }
    if (!cosine) {
      return base;
    }
    double span = Math.max(1, total - warmup);
    double p = Math.min(1.0, (iteration - warmup) / span);
    return base * (minFraction + (1 - minFraction) * 0.5 * (1 + Math.cos(Math.PI * p)));
  }

  @Override
  public ISchedule clone() {
    return new WarmupCosineSchedule(base, warmup, total, cosine, minFraction);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WarmupCosineSchedule s
        && s.base == base
        && s.warmup == warmup
        && s.total == total
        && s.cosine == cosine
        && s.minFraction == minFraction;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(base, warmup, total, cosine, minFraction);
  }
}

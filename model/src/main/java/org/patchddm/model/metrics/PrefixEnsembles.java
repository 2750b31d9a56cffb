package org.patchddm.model.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.patchddm.model.diffusion.EnsembleAccumulator;

/**
 * Dice and HD95 of the ensembles of every size 1..N of one subject, reusing the same members: the
 * ensemble of size k is made of the first k members ({@link EnsembleAccumulator}: the mask is the
 * mean of their soft values {@code > 0.5}), so N samplings give N scores instead of needing 1 + 2 +
 * ... + N.
 *
 * <p>The masks are compared with the truth on the truth's grid: {@code toTruthGrid} maps an
 * ensemble mask (0/1, the members' shape, e.g. {@code [1, 1, D, H, W]} on the padded network grid)
 * to a flat x-fastest mask of {@code shape} (e.g. the original NIfTI grid after undoing the
 * padding). When the members already live on the truth's grid, {@link #flat()} is that map.
 */
public final class PrefixEnsembles {

  /**
   * The scores of the ensemble of the first {@code size} members.
   *
   * @param hd95Mm HD95 in the units of the spacing (mm), with {@link Hd95}'s empty-mask values
   */
  public record SizeScore(int size, double dice, double hd95Mm) {}

  private final boolean[] truth;
  private final int[] shape;
  private final double[] spacing;
  private final Function<INDArray, boolean[]> toTruthGrid;
  private final EnsembleAccumulator ensemble = new EnsembleAccumulator();
  private final List<SizeScore> scores = new ArrayList<>();

  /**
   * @param truth the reference mask, flat x fastest on {@code shape}
   * @param shape (nx, ny, nz) of the truth's grid
   * @param spacing voxel size (x, y, z) of the truth's grid, in mm
   * @param toTruthGrid maps an ensemble mask to the truth's grid
   */
  public PrefixEnsembles(
      boolean[] truth, int[] shape, double[] spacing, Function<INDArray, boolean[]> toTruthGrid) {
    DistanceTransform.checkedSize(shape, truth.length);
    DistanceTransform.checkSpacing(spacing);
    this.truth = truth.clone();
    this.shape = shape.clone();
    this.spacing = spacing.clone();
    this.toTruthGrid = toTruthGrid;
  }

  /** The identity map for members on the truth's grid: C-order flattening, {@code > 0.5} is in. */
  public static Function<INDArray, boolean[]> flat() {
    return m -> Masks.of(m.dup('c').data().asFloat());
  }

  /** Scores of every prefix of {@code members} (in list order), for members on the truth's grid. */
  public static List<SizeScore> score(
      List<INDArray> members, boolean[] truth, int[] shape, double[] spacing) {
    PrefixEnsembles p = new PrefixEnsembles(truth, shape, spacing, flat());
    members.forEach(p::add);
    return p.scores();
  }

  /** Adds the next member and returns the scores of the ensemble of all members so far. */
  public SizeScore add(INDArray softMember) {
    ensemble.add(softMember);
    boolean[] mask = toTruthGrid.apply(ensemble.mask());
    if (mask.length != truth.length) {
      throw new IllegalArgumentException(
          "ensemble mask mapped to "
              + mask.length
              + " voxels, the truth has "
              + truth.length
              + " (shape "
              + shape[0]
              + "x"
              + shape[1]
              + "x"
              + shape[2]
              + ")");
    }
    SizeScore s =
        new SizeScore(ensemble.size(), Dice.of(mask, truth), Hd95.of(mask, truth, shape, spacing));
    scores.add(s);
    return s;
  }

  /** The scores so far, for sizes 1..{@code ensemble().size()}. */
  public List<SizeScore> scores() {
    return List.copyOf(scores);
  }

  /** The running ensemble (mean, variance, mask of all members added). */
  public EnsembleAccumulator ensemble() {
    return ensemble;
  }
}

package org.patchddm.prep;

import java.util.Arrays;
import java.util.Map;
import org.patchddm.brats.LoadedSubject;
import org.patchddm.brats.Sequence;
import org.patchddm.nifti.NiftiDataType;
import org.patchddm.nifti.NiftiVolume;

/**
 * The paper's per-subject preprocessing as one plain function (the Spark job calls it once per
 * subject; see docs/preprocessing.md):
 *
 * <ol>
 *   <li>Subjects whose voxel axes or voxel size differ from the target are reoriented and resampled
 *       to the target grid ({@link ResampleSettings}, {@link ResampleGrid}: images trilinear,
 *       labels nearest); subjects on the target lattice are used exactly as they are.
 *   <li>Background = voxels that are zero in all four sequences; set to 0 in every channel.
 *   <li>Per sequence: clip the brain voxels to the [p_low, p_high] percentiles of that sequence's
 *       brain voxels (numpy 'linear' definition, {@link Percentiles}) and map them linearly to [0,
 *       1] ({@link Normalization}).
 *   <li>Optional integer downsampling ({@link Downsample}); labels by the matching rule.
 *   <li>Centred pad / crop to the target shape ({@link PadCrop}).
 *   <li>Labels: the original BraTS labels and the binary whole tumour {@code seg > 0}, on the same
 *       grid.
 *   <li>Split by a hash of (seed, subject id) ({@link SplitAssigner}).
 * </ol>
 *
 * <p>Memory: channels are converted, normalised, reduced and padded one at a time, so the peak is
 * the output (4 float volumes of the padded grid) plus one float buffer of the input grid (reused
 * for every conversion, so a subject allocates it once) and a boolean brain mask; nothing is held
 * in double precision.
 *
 * <p>A sequence whose high and low percentiles coincide (e.g. a constant image) cannot be
 * normalised: this is reported as a {@link PrepException} naming the subject and sequence rather
 * than silently producing an all-zero channel. Label values must be integers in [0, 255].
 */
public final class SubjectPreprocessor {

  private final PrepSettings settings;
  private final SplitAssigner splits;

  public SubjectPreprocessor(PrepSettings settings) {
    this.settings = settings;
    this.splits = settings.splitAssigner();
  }

  /** Preprocesses a subject loaded by {@link org.patchddm.brats.BratsLoader}. */
  public PreprocessedSubject process(LoadedSubject s) {
    return process(
        s.id(),
        s.image(Sequence.T1),
        s.image(Sequence.T1CE),
        s.image(Sequence.T2),
        s.image(Sequence.FLAIR),
        s.seg(),
        s.checksums());
  }

  /**
   * Preprocesses one subject.
   *
   * @param segOrNull the BraTS segmentation, or {@code null} for a validation-style subject
   * @param checksums input file name -> SHA-256 hex, copied into the result
   * @throws PrepException naming the subject when the volumes disagree in shape, the brain is
   *     empty, a sequence is degenerate or the labels are not integers in [0, 255]
   */
  public PreprocessedSubject process(
      String subjectId,
      NiftiVolume t1,
      NiftiVolume t1ce,
      NiftiVolume t2,
      NiftiVolume flair,
      NiftiVolume segOrNull,
      Map<String, String> checksums) {
    NiftiVolume[] vols = {t1, t1ce, t2, flair};
    Sequence[] seqs = Sequence.values();
    int[] shape = t1.spatialShape();
    for (int c = 0; c < vols.length; c++) {
      checkGrid(subjectId, seqs[c].suffix(), vols[c], shape);
    }
    if (segOrNull != null) checkGrid(subjectId, "seg", segOrNull, shape);

    double[][] affine = t1.affine();
    double[] pixdim = t1.header().spatialPixdim();
    ResampleGrid resampling;
    try {
      resampling = settings.resample().plan(shape, affine, pixdim);
    } catch (IllegalArgumentException e) {
      throw new PrepException(subjectId, "cannot resample t1's grid: " + e.getMessage());
    }
    byte[] resampledLabels = null;
    if (resampling != null) {
      float[] in = new float[PadCrop.size(shape)];
      pixdim = resampling.gridPixdim();
      affine = resampling.gridAffine();
      for (int c = 0; c < vols.length; c++) {
        vols[c] =
            NiftiVolume.ofFloats(
                resampling.gridShape(), resampling.image(vols[c].toFloatArray(in)), pixdim, affine);
      }
      if (segOrNull != null) {
        resampledLabels = resampling.labels(labelBytes(subjectId, segOrNull, shape, in));
      }
      shape = resampling.gridShape();
    }

    Geometry plan =
        Geometry.plan(
            shape,
            affine,
            pixdim,
            settings.downsample(),
            settings.downsampleMode(),
            settings.targetShape());
    if (resampling != null) plan = plan.withResampling(resampling);
    int n = PadCrop.size(shape);
    boolean[] brain = new boolean[n];
    float[] scratch = new float[n]; // one full-size float buffer, reused for every conversion
    for (NiftiVolume v : vols) Normalization.accumulateBrain(brain, v.toFloatArray(scratch));
    long brainVoxels = 0;
    for (boolean b : brain) if (b) brainVoxels++;
    if (brainVoxels == 0) {
      throw new PrepException(subjectId, "no brain voxels: all four sequences are zero everywhere");
    }

    float[][] channels = new float[vols.length][];
    double[] lows = new double[vols.length];
    double[] highs = new double[vols.length];
    for (int c = 0; c < vols.length; c++) {
      float[] a = vols[c].toFloatArray(scratch);
      double[] p;
      try {
        p = Percentiles.of(a, brain, settings.percentileLow(), settings.percentileHigh());
      } catch (IllegalArgumentException e) {
        throw new PrepException(subjectId, "sequence " + seqs[c].suffix() + ": " + e.getMessage());
      }
      if (!(p[1] > p[0])) {
        throw new PrepException(
            subjectId,
            "sequence "
                + seqs[c].suffix()
                + " is degenerate: its "
                + settings.percentileLow()
                + "th and "
                + settings.percentileHigh()
                + "th percentiles"
                + " over "
                + brainVoxels
                + " brain voxels are both "
                + p[0]);
      }
      lows[c] = p[0];
      highs[c] = p[1];
      Normalization.clipAndScale(a, brain, p[0], p[1]);
      float[] reduced = Downsample.image(a, shape, plan.downsample(), plan.downsampleMode());
      // place() always copies into a new array, so scratch (possibly == reduced) is free again
      channels[c] =
          PadCrop.place(reduced, plan.reducedShape(), plan.paddedShape(), plan.padOffset());
    }
    Geometry geometry = plan.withPercentiles(lows, highs);

    byte[] labels = null;
    byte[] whole = null;
    if (segOrNull != null) {
      byte[] raw =
          resampledLabels != null
              ? resampledLabels
              : labelBytes(subjectId, segOrNull, shape, scratch);
      byte[] reduced = Downsample.labels(raw, shape, plan.downsample(), plan.downsampleMode());
      labels = PadCrop.place(reduced, plan.reducedShape(), plan.paddedShape(), plan.padOffset());
      whole = new byte[labels.length];
      for (int i = 0; i < labels.length; i++) whole[i] = (byte) (labels[i] != 0 ? 1 : 0);
    }
    return new PreprocessedSubject(
        subjectId,
        splits.assign(subjectId).label(),
        geometry,
        toFloats(lows),
        toFloats(highs),
        channels,
        whole,
        labels,
        Map.copyOf(checksums == null ? Map.of() : checksums));
  }

  private static void checkGrid(String id, String what, NiftiVolume v, int[] shape) {
    if (v == null) throw new PrepException(id, "sequence " + what + " is missing (null)");
    int[] s = v.spatialShape();
    if (!Arrays.equals(s, shape)) {
      throw new PrepException(
          id,
          what
              + " has shape "
              + PadCrop.shapeString(s)
              + " but t1 has "
              + PadCrop.shapeString(shape));
    }
    if ((long) s[0] * s[1] * s[2] != v.voxelCount()) {
      throw new PrepException(
          id, what + " is not a 3-D volume (dims " + Arrays.toString(v.shape()) + ")");
    }
  }

  private static byte[] labelBytes(String id, NiftiVolume seg, int[] shape, float[] scratch) {
    int n = PadCrop.size(shape);
    byte[] out = new byte[n];
    // Unscaled 8/16-bit and float32 voxels are exact as floats: convert the whole volume in one
    // tight loop; anything else (scaled, wider types) is checked voxel by voxel in double.
    NiftiDataType t = seg.datatype();
    boolean exact =
        !seg.header().hasScaling() && (t.bytesPerVoxel() <= 2 || t == NiftiDataType.FLOAT32);
    float[] values = exact ? seg.toFloatArray(scratch) : null;
    for (int i = 0; i < n; i++) {
      double v = exact ? values[i] : seg.getScaled(i);
      if (!(v >= 0 && v <= 255 && v == Math.rint(v))) {
        int x = i % shape[0];
        int y = (i / shape[0]) % shape[1];
        int z = i / (shape[0] * shape[1]);
        throw new PrepException(
            id,
            "seg has value "
                + v
                + " at voxel ("
                + x
                + ", "
                + y
                + ", "
                + z
                + "); labels must be integers in [0, 255]");
      }
      out[i] = (byte) (int) v;
    }
    return out;
  }

  private static float[] toFloats(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
    return f;
  }
}

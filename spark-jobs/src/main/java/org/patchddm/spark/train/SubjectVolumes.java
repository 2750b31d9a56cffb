package org.patchddm.spark.train;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.patchddm.model.train.TrainingVolumes;
import org.patchddm.prep.PreprocessedSubject;
import org.patchddm.spark.dataset.SubjectRows;

/**
 * Preprocessed subjects as the model sees them: MR channels [4, nz, ny, nx] and the whole-tumour
 * label [1, nz, ny, nx], float32, C order (the dataset's flat NIfTI order, x fastest, viewed as [C,
 * D, H, W]).
 */
public final class SubjectVolumes {

  private SubjectVolumes() {}

  /** One subject; fails naming it when it has no label map. */
  public static TrainingVolumes.Volume of(PreprocessedSubject s) {
    if (!s.hasLabels()) {
      throw new IllegalArgumentException(
          "subject "
              + s.subjectId()
              + " (split "
              + s.split()
              + ") has no segmentation; training and validation need one");
    }
    int[] p = s.geometry().paddedShape();
    long[] shape = {p[2], p[1], p[0]};
    float[][] ch = s.channels();
    float[] mr = new float[ch.length * ch[0].length];
    for (int c = 0; c < ch.length; c++) {
      System.arraycopy(ch[c], 0, mr, c * ch[0].length, ch[c].length);
    }
    byte[] wt = s.wholeTumour();
    float[] label = new float[wt.length];
    for (int i = 0; i < wt.length; i++) {
      label[i] = wt[i] != 0 ? 1f : 0f;
    }
    INDArray mrArray = Nd4j.create(mr, new long[] {ch.length, shape[0], shape[1], shape[2]}, 'c');
    INDArray labelArray = Nd4j.create(label, new long[] {1, shape[0], shape[1], shape[2]}, 'c');
    return new TrainingVolumes.Volume(s.subjectId(), mrArray, labelArray);
  }

  /**
   * Decodes rows on the driver, sorted by subject id (so a list's order does not depend on the
   * Parquet layout).
   */
  public static List<TrainingVolumes.Volume> collect(Dataset<Row> rows) {
    List<TrainingVolumes.Volume> out = new ArrayList<>();
    for (Row r : rows.collectAsList()) {
      out.add(of(SubjectRows.decode(r)));
    }
    out.sort(Comparator.comparing(TrainingVolumes.Volume::id));
    return out;
  }
}

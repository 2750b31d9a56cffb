package org.patchddm.model.train;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The training set as the trainer sees it: preprocessed subjects, addressed by index, already in
 * memory or loaded on demand by the implementation.
 */
public interface TrainingVolumes {

  /**
   * One subject.
   *
   * @param id the subject id (for messages)
   * @param mr the MR channels [C_mr, D, H, W], each normalised to [0, 1]
   * @param label the binary whole-tumour mask [1, D, H, W] in {0, 1}
   */
  record Volume(String id, INDArray mr, INDArray label) {
    public Volume {
      if (mr.rank() != 4 || label.rank() != 4 || label.size(0) != 1) {
        throw new IllegalArgumentException(
            "subject "
                + id
                + ": need MR [C, D, H, W] and label [1, D, H, W], got "
                + java.util.Arrays.toString(mr.shape())
                + " and "
                + java.util.Arrays.toString(label.shape()));
      }
    }
  }

  /** The number of subjects. */
  int size();

  /** Subject {@code index}, 0 <= index < size(). */
  Volume get(int index);

  /** An in-memory list. */
  static TrainingVolumes of(List<Volume> volumes) {
    if (volumes.isEmpty()) {
      throw new IllegalArgumentException("the training set is empty");
    }
    List<Volume> copy = List.copyOf(volumes);
    return new TrainingVolumes() {
      @Override
      public int size() {
        return copy.size();
      }

      @Override
      public Volume get(int index) {
        return copy.get(index);
      }
    };
  }
}

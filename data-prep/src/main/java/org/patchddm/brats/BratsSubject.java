package org.patchddm.brats;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * One complete BraTS subject: a path for each of the four sequences and, for training subjects, the
 * segmentation. Paths are kept exactly as they were listed (local paths or Hadoop URIs).
 *
 * @param id the subject id, e.g. {@code BraTS20_Training_001} (its directory name)
 * @param sequences one path per {@link Sequence}
 * @param seg the segmentation path, or {@code null} for a validation-style subject
 */
public record BratsSubject(String id, Map<Sequence, String> sequences, String seg)
    implements java.io.Serializable {

  public BratsSubject {
    Objects.requireNonNull(id, "id");
    EnumMap<Sequence, String> copy = new EnumMap<>(Sequence.class);
    copy.putAll(sequences);
    for (Sequence q : Sequence.values()) {
      if (copy.get(q) == null) {
        throw new IllegalArgumentException(id + ": no path for sequence " + q.suffix());
      }
    }
    sequences = Collections.unmodifiableMap(copy);
  }

  /** The path of one sequence. */
  public String path(Sequence q) {
    return sequences.get(q);
  }

  /** Whether a segmentation exists (training-style subject). */
  public boolean hasSeg() {
    return seg != null;
  }
}

package org.patchddm.spark.prep;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.patchddm.brats.BratsSubject;
import org.patchddm.brats.Sequence;

/**
 * The input files of one subject as fully qualified Hadoop paths (file://, hdfs://), in a form that
 * is cheap to ship to executors.
 *
 * @param subjectId BraTS subject id
 * @param sequences path per sequence, in channel order [t1, t1ce, t2, flair]
 * @param seg path of the label map, or null (validation-style subject)
 */
public record SubjectFiles(String subjectId, List<String> sequences, String seg)
    implements Serializable {

  public static SubjectFiles of(BratsSubject s) {
    List<String> seqs = new ArrayList<>();
    for (Sequence q : Sequence.values()) {
      seqs.add(s.path(q));
    }
    return new SubjectFiles(s.id(), List.copyOf(seqs), s.seg());
  }

  /** The data-prep view of the subject. */
  public BratsSubject toBrats() {
    Map<Sequence, String> m = new java.util.EnumMap<>(Sequence.class);
    for (Sequence q : Sequence.values()) {
      m.put(q, sequences.get(q.ordinal()));
    }
    return new BratsSubject(subjectId, m, seg);
  }

  /** All files, sequences first then seg. */
  public List<String> all() {
    List<String> out = new ArrayList<>(sequences);
    if (seg != null) {
      out.add(seg);
    }
    return Collections.unmodifiableList(out);
  }

  /** The last path component, the key of the checksum map. */
  public static String fileName(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** An empty checksum map (file name -> SHA-256 hex) that iterates in file-name order. */
  static Map<String, String> newChecksumMap() {
    return new TreeMap<>();
  }
}

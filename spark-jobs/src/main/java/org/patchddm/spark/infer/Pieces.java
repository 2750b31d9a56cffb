package org.patchddm.spark.infer;

import java.io.Serializable;
import java.util.Comparator;
import org.apache.spark.sql.Row;

/**
 * What the sampling stage sends to the aggregation stage, keyed by (subject, steps, member) and
 * sorted in that order within a subject's partition: first the subject's failures ({@link
 * #FAILURE}) and its dataset row ({@link #INFO}), then its members in order, one steps value after
 * another. The aggregation can therefore stream: it holds one member at a time and the running
 * ensemble statistics.
 */
final class Pieces {

  /** The member index of a failure piece. */
  static final int FAILURE = -2;

  /** The member index of the info piece (the subject's dataset row). */
  static final int INFO = -1;

  private Pieces() {}

  /** Sort key; steps = -1 for the info and failure pieces. */
  record Key(String subject, int steps, int member) implements Serializable, Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      int c = subject.compareTo(o.subject);
      if (c == 0) {
        c = Integer.compare(steps, o.steps);
      }
      return c != 0 ? c : Integer.compare(member, o.member);
    }
  }

  /** The sort order of the shuffle, serialisable for Spark. */
  static final class KeyOrder implements Comparator<Key>, Serializable {
    @Override
    public int compare(Key a, Key b) {
      return a.compareTo(b);
    }
  }

  /**
   * One piece: a member's soft sample on the padded grid (flat, x fastest; upsampled for HALF_RES),
   * the subject's row, or a failure reason.
   *
   * @param seconds wall-clock seconds of the member's sampling (a batch's time divided among its
   *     members)
   * @param evaluations network evaluations spent on the member
   * @param peakRssBytes the peak RSS of the JVM that sampled it (0 where unknown)
   */
  record Piece(
      float[] soft, Row row, String failure, double seconds, long evaluations, long peakRssBytes)
      implements Serializable {
    static Piece member(float[] soft, double seconds, long evaluations, long peakRssBytes) {
      return new Piece(soft, null, null, seconds, evaluations, peakRssBytes);
    }

    static Piece info(Row row) {
      return new Piece(null, row, null, 0, 0, 0);
    }

    static Piece failed(String reason) {
      return new Piece(null, null, reason, 0, 0, 0);
    }
  }

  /**
   * One unit of sampling work: members [from, to) of a subject at {@code steps} DDIM steps, with
   * the subject's row; {@code withInfo} marks the one item per subject that also forwards the row
   * to the aggregation.
   */
  record WorkItem(String subject, Row row, int steps, int from, int to, boolean withInfo)
      implements Serializable {}
}

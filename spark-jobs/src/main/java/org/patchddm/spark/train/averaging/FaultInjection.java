package org.patchddm.spark.train.averaging;

import java.io.Serializable;

/**
 * A test hook that fails one task attempt on purpose, to show that a retried task changes nothing.
 * Given as "round:partition:attempt" ({@code patchddm.spark.train.inject-failure}); the matching
 * attempt throws after its local steps, when its cached graph has already been trained away from
 * the round's start.
 */
record FaultInjection(long round, int partition, int attempt) implements Serializable {

  /** Null for an empty spec. */
  static FaultInjection parse(String spec) {
    if (spec == null || spec.isBlank()) {
      return null;
    }
    String[] p = spec.trim().split(":");
    try {
      if (p.length == 3) {
        return new FaultInjection(
            Long.parseLong(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]));
      }
    } catch (NumberFormatException e) {
      // fall through to the error below
    }
    throw new IllegalArgumentException(
        SparkTrainSettings.PATH
            + ".inject-failure must be empty or"
            + " round:partition:attempt (three integers), got '"
            + spec
            + "'");
  }

  /** Throws when (round, partition, attempt) is the injected one. */
  void check(long r, int p, int a) {
    if (r == round && p == partition && a == attempt) {
      throw new InjectedFailure(
          "injected failure ("
              + SparkTrainSettings.PATH
              + ".inject-failure): round "
              + r
              + ", partition "
              + p
              + ", attempt "
              + a);
    }
  }

  /** The exception thrown by the hook. */
  static final class InjectedFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InjectedFailure(String message) {
      super(message);
    }
  }
}

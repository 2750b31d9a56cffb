package org.patchddm.spark.train.averaging;

import java.io.Serializable;

/**
 * A test hook that fails one task attempt on purpose, to show that a retried task changes nothing.
 * Given as "round:partition:attempt" ({@code patchddm.spark.train.inject-failure}); the matching
 * attempt throws after its local steps, when its cached graph has already been trained away from
 * the round's start. With a fourth field, "round:partition:attempt:exit", it ends its executor's
 * JVM at once instead (a dead executor: its cached data, model and blocks go with it; in local mode
 * that JVM is the driver).
 */
record FaultInjection(long round, int partition, int attempt, boolean exit)
    implements Serializable {

  /** The exit status of an executor the hook ends. */
  static final int EXIT_STATUS = 57;

  FaultInjection(long round, int partition, int attempt) {
    this(round, partition, attempt, false);
  }

  /** Null for an empty spec. */
  static FaultInjection parse(String spec) {
    if (spec == null || spec.isBlank()) {
      return null;
    }
    String[] p = spec.trim().split(":");
    try {
      if (p.length == 3 || (p.length == 4 && p[3].equals("exit"))) {
        return new FaultInjection(
            Long.parseLong(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]), p.length == 4);
      }
    } catch (NumberFormatException e) {
      // fall through to the error below
    }
    throw new IllegalArgumentException(
        SparkTrainSettings.PATH
            + ".inject-failure must be empty, round:partition:attempt (three integers) or"
            + " round:partition:attempt:exit, got '"
            + spec
            + "'");
  }

  /** Throws, or ends the JVM, when (round, partition, attempt) is the injected one. */
  void check(long r, int p, int a) {
    if (r == round && p == partition && a == attempt) {
      String what =
          "injected "
              + (exit ? "executor exit" : "failure")
              + " ("
              + SparkTrainSettings.PATH
              + ".inject-failure): round "
              + r
              + ", partition "
              + p
              + ", attempt "
              + a;
      if (exit) {
        System.err.println(what);
        Runtime.getRuntime().halt(EXIT_STATUS);
      }
      throw new InjectedFailure(what);
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

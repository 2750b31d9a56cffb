package org.patchddm.cli;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.util.ShutdownHookManager;
import org.patchddm.spark.prep.PreprocessJob;

/**
 * Ctrl-C (or SIGTERM) during a preprocess run: one line, {@code interrupted; the last committed
 * version is N}, instead of Spark's stack traces. The hook runs through Hadoop's shutdown hook
 * manager at a priority above Spark's own hooks, so it silences logging and releases the dataset's
 * lease before Spark stops its context (which fails the running job on the main thread).
 */
final class Interrupt {
  /** Above Spark's shutdown hooks (FileSystem.SHUTDOWN_HOOK_PRIORITY + 30 = 40). */
  private static final int PRIORITY = 100;

  private final AtomicBoolean fired = new AtomicBoolean();
  private final Runnable hook;

  private Interrupt(PreprocessJob job, PrintStream err, PrintStream out) {
    hook =
        () -> {
          fired.set(true);
          silenceLogging();
          try {
            job.releaseLease();
          } catch (Exception | LinkageError ignored) {
            // the lease then expires on its own
          }
          String line = "interrupted; the last committed version is " + job.lastCommittedVersion();
          err.println(line);
          out.println(
              org.patchddm.spark.prep.PreprocessOutcome.errorJson(
                  130, line, job.lastCommittedVersion(), 0));
          err.flush();
          out.flush();
        };
  }

  static Interrupt install(PreprocessJob job, PrintStream err, PrintStream out) {
    Interrupt i = new Interrupt(job, err, out);
    ShutdownHookManager.get().addShutdownHook(i.hook, PRIORITY);
    return i;
  }

  boolean fired() {
    return fired.get();
  }

  /** Unregisters the hook after the run (unless it is running). */
  void remove() {
    if (!fired.get() && !ShutdownHookManager.get().isShutdownInProgress()) {
      ShutdownHookManager.get().removeShutdownHook(hook);
    }
  }

  private static void silenceLogging() {
    try {
      org.apache.logging.log4j.core.config.Configurator.setRootLevel(
          org.apache.logging.log4j.Level.OFF);
      org.apache.logging.log4j.core.config.Configurator.setAllLevels(
          "", org.apache.logging.log4j.Level.OFF);
    } catch (LinkageError | RuntimeException ignored) {
      // no log4j-core: Spark's lines may still appear
    }
  }
}

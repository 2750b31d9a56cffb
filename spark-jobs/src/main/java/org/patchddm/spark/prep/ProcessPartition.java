package org.patchddm.spark.prep;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.patchddm.brats.BratsException;
import org.patchddm.brats.BratsLoader;
import org.patchddm.brats.LoadedSubject;
import org.patchddm.nifti.ReadLimits;
import org.patchddm.prep.PrepSettings;
import org.patchddm.prep.PreprocessedSubject;
import org.patchddm.prep.SubjectPreprocessor;
import org.patchddm.spark.HadoopConf;
import org.patchddm.spark.dataset.Failure;
import org.patchddm.spark.dataset.SubjectRows;

/**
 * Executor side of the preprocessing stage: for each subject of the partition, one at a time
 * (lazily, so memory holds one subject), read its files through Hadoop, hash them, parse NIfTI, run
 * {@link SubjectPreprocessor} and encode the row. A failing subject is recorded in the failures
 * accumulator and skipped, or, with fail-fast, fails the task.
 */
final class ProcessPartition implements FlatMapFunction<Iterator<SubjectFiles>, Row> {
  private static final long serialVersionUID = 1L;
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ProcessPartition.class);
  private final PrepSettings prep;
  private final ReadLimits limits;
  private final HadoopConf conf;
  private final String runId;
  private final boolean failFast;
  private final LongAccumulator done;
  private final CollectionAccumulator<Failure> failures;
  private final Map<String, String> splits;

  /** {@code splits}: subject id -> split label decided on the driver ({@code SplitPlanner}). */
  ProcessPartition(
      PrepSettings prep,
      ReadLimits limits,
      HadoopConf conf,
      String runId,
      boolean failFast,
      LongAccumulator done,
      CollectionAccumulator<Failure> failures,
      Map<String, String> splits) {
    this.prep = prep;
    this.limits = limits;
    this.conf = conf;
    this.runId = runId;
    this.failFast = failFast;
    this.done = done;
    this.failures = failures;
    this.splits = new HashMap<>(splits);
  }

  @Override
  public Iterator<Row> call(Iterator<SubjectFiles> subjects) {
    SubjectPreprocessor preprocessor = new SubjectPreprocessor(prep);
    return new Iterator<>() {
      private Row next;

      @Override
      public boolean hasNext() {
        while (next == null && subjects.hasNext()) {
          SubjectFiles s = subjects.next();
          try {
            long t0 = System.nanoTime();
            PreprocessedSubject p = process(preprocessor, limits, s, conf.get());
            String split = splits.get(s.subjectId());
            if (split != null) {
              p = p.withSplit(split);
            }
            long t1 = System.nanoTime();
            next = SubjectRows.encode(p, runId);
            LOG.info(
                String.format(
                    java.util.Locale.ROOT,
                    "subject %s read+preprocessed in %.2f s, encoded in %.2f s",
                    s.subjectId(),
                    (t1 - t0) / 1e9,
                    (System.nanoTime() - t1) / 1e9));
          } catch (SubjectFailure f) {
            if (failFast) {
              throw new IllegalStateException(
                  "subject "
                      + f.failure.subject()
                      + " failed (file "
                      + f.failure.file()
                      + "): "
                      + f.failure.reason(),
                  f);
            }
            failures.add(f.failure);
          } finally {
            done.add(1);
          }
        }
        return next != null;
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Row r = next;
        next = null;
        return r;
      }
    };
  }

  /** Reads and preprocesses one subject; every problem becomes a {@link SubjectFailure}. */
  static PreprocessedSubject process(
      SubjectPreprocessor preprocessor, ReadLimits limits, SubjectFiles s, Configuration conf)
      throws SubjectFailure {
    try {
      LoadedSubject loaded = new BratsLoader(new HadoopFileOpener(conf), limits).load(s.toBrats());
      return preprocessor.process(loaded);
    } catch (BratsException | RuntimeException | OutOfMemoryError e) {
      String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      String file = e instanceof BratsException b && b.file() != null ? b.file() : blame(s, msg);
      throw new SubjectFailure(new Failure(s.subjectId(), file, msg), e);
    }
  }

  /** The input file a preprocessing message names first, or "" when it names none. */
  private static String blame(SubjectFiles s, String msg) {
    String best = "";
    int at = Integer.MAX_VALUE;
    for (String p : s.all()) {
      int i = msg.indexOf(SubjectFiles.fileName(p));
      if (i >= 0 && i < at) {
        at = i;
        best = p;
      }
    }
    return best;
  }

  /** A subject that could not be processed. */
  static final class SubjectFailure extends Exception {
    private static final long serialVersionUID = 1L;
    final Failure failure;

    SubjectFailure(Failure failure, Throwable cause) {
      super(failure.reason(), cause);
      this.failure = failure;
    }
  }
}

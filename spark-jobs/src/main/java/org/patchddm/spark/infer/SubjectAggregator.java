package org.patchddm.spark.infer;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.patchddm.model.diffusion.EnsembleAccumulator;
import org.patchddm.model.metrics.Masks;
import org.patchddm.model.metrics.PrefixEnsembles;
import org.patchddm.prep.GridMap;
import org.patchddm.prep.OutputHeader;
import org.patchddm.prep.PreprocessedSubject;
import org.patchddm.report.Slices;
import org.patchddm.spark.dataset.SubjectRows;
import scala.Tuple2;

/**
 * The aggregation stage, on an executor: streams one partition's pieces, sorted by (subject, steps,
 * member) ({@link Pieces}), and per subject
 *
 * <ul>
 *   <li>scores the prefix ensembles 1..n of every steps value against the whole-tumour label on the
 *       input grid ({@link PrefixEnsembles}; Dice and HD95 in mm from the input's voxel spacing);
 *   <li>at the main steps value, after N members: the mean, the voxel-wise variance and the mask
 *       {@code mean > 0.5} ({@link EnsembleAccumulator}), mapped back to the input grid and written
 *       atomically with {@link org.patchddm.prep.SubjectOutputs} after the subject's {@link
 *       ResultStore} entry;
 *   <li>the qualitative figure's slices, for the subjects the report shows.
 * </ul>
 *
 * A subject with a failure piece, a missing member or an error here gives a failed result; the
 * others go on.
 */
final class SubjectAggregator implements Serializable {

  /** What the aggregation needs to know of the job. */
  record Plan(
      String outDir,
      String fingerprint,
      int mainSteps,
      int ensemble,
      List<Integer> sweepSteps,
      List<Integer> sweepSizes,
      Set<String> figureSubjects)
      implements Serializable {

    /** Members sampled per subject at {@code steps}. */
    int members(int steps) {
      int n = steps == mainSteps ? ensemble : 0;
      if (sweepSteps.contains(steps)) {
        n = Math.max(n, sweepSizes.stream().mapToInt(Integer::intValue).max().orElse(0));
      }
      return n;
    }

    /** Every steps value sampled, ascending, the main one included. */
    List<Integer> allSteps() {
      java.util.TreeSet<Integer> s = new java.util.TreeSet<>(sweepSteps);
      s.add(mainSteps);
      return List.copyOf(s);
    }

    /** Whether the score of an ensemble of {@code size} at {@code steps} is reported. */
    boolean reports(int steps, int size) {
      return (steps == mainSteps && size <= ensemble)
          || (sweepSteps.contains(steps) && sweepSizes.contains(size));
    }
  }

  private final Plan plan;

  SubjectAggregator(Plan plan) {
    this.plan = plan;
  }

  /** Aggregates a sorted partition into one result per subject. */
  Iterator<SubjectResult> run(Iterator<Tuple2<Pieces.Key, Pieces.Piece>> sorted) {
    List<SubjectResult> out = new ArrayList<>();
    Subject current = null;
    while (sorted.hasNext()) {
      Tuple2<Pieces.Key, Pieces.Piece> t = sorted.next();
      Pieces.Key k = t._1();
      if (current == null || !current.id.equals(k.subject())) {
        if (current != null) {
          out.add(current.finish());
        }
        current = new Subject(k.subject());
      }
      current.accept(k, t._2());
    }
    if (current != null) {
      out.add(current.finish());
    }
    return out.iterator();
  }

  /** The running state of one subject. */
  private final class Subject {
    final String id;
    String failure;
    PreprocessedSubject s;
    int[] padded;
    boolean[] truth;
    GridMap toOriginal; // padded grid -> the subject's own input grid (Geometry.paddedToInput)
    int figureZ = -1;
    int steps = -1;
    int next;
    PrefixEnsembles scored;
    EnsembleAccumulator ensemble;
    final List<SubjectResult.Score> scores = new ArrayList<>();
    final List<float[]> figureMembers = new ArrayList<>();
    float[] outMean;
    float[] outVar;
    byte[] outMask;
    int members;
    double seconds;
    long evaluations;
    long peakRss;

    Subject(String id) {
      this.id = id;
    }

    void accept(Pieces.Key k, Pieces.Piece p) {
      if (failure != null) {
        return;
      }
      try {
        if (k.member() == Pieces.FAILURE) {
          failure = p.failure();
        } else if (k.member() == Pieces.INFO) {
          info(p);
        } else {
          member(k, p);
        }
      } catch (RuntimeException e) {
        failure = "aggregating its members failed: " + e;
      }
    }

    private void info(Pieces.Piece p) {
      s = SubjectRows.decode(p.row());
      padded = s.geometry().paddedShape();
      toOriginal = s.geometry().paddedToInput();
      if (s.hasLabels()) {
        truth = Masks.of(toOriginal.apply(s.wholeTumour()));
        figureZ = Slices.largestArea(s.wholeTumour(), padded);
      }
    }

    private void member(Pieces.Key k, Pieces.Piece p) {
      if (s == null) {
        throw new IllegalStateException("members arrived without the subject's row");
      }
      if (k.steps() != steps) {
        closeSteps();
        steps = k.steps();
        next = 0;
        ensemble = null;
        scored =
            truth == null
                ? null
                : new PrefixEnsembles(
                    truth,
                    toOriginal.targetShape(),
                    inputPixdim(s),
                    m -> Masks.of(toOriginal.apply(m.dup('c').data().asFloat())));
      }
      if (k.member() != next) {
        throw new IllegalStateException(
            "member " + next + " at " + steps + " steps is missing (got " + k.member() + ")");
      }
      INDArray soft =
          Nd4j.create(p.soft(), new long[] {1, 1, padded[2], padded[1], padded[0]}, 'c');
      if (scored != null) {
        scored.add(soft);
        ensemble = scored.ensemble();
      } else {
        ensemble = (ensemble == null ? new EnsembleAccumulator() : ensemble).add(soft);
      }
      next++;
      members++;
      seconds += p.seconds();
      evaluations += p.evaluations();
      peakRss = Math.max(peakRss, p.peakRssBytes());
      if (steps == plan.mainSteps()) {
        if (figureZ < 0) {
          figureZ = Slices.largestArea(toBytes(p.soft()), padded);
        }
        if (figureMembers.size() < 3 && plan.figureSubjects().contains(id)) {
          figureMembers.add(Slices.axial(p.soft(), padded, figureZ));
        }
        if (next == plan.ensemble()) {
          outMean = ensemble.mean().dup('c').data().asFloat();
          outVar = ensemble.variance().dup('c').data().asFloat();
          outMask = toBytes(ensemble.mask().dup('c').data().asFloat());
        }
      }
    }

    private void closeSteps() {
      if (steps < 0) {
        return;
      }
      if (next != plan.members(steps)) {
        throw new IllegalStateException(
            "only "
                + next
                + " of "
                + plan.members(steps)
                + " members at "
                + steps
                + " steps arrived");
      }
      if (scored != null) {
        for (PrefixEnsembles.SizeScore sc : scored.scores()) {
          if (plan.reports(steps, sc.size())) {
            scores.add(new SubjectResult.Score(id, steps, sc.size(), sc.dice(), sc.hd95Mm()));
          }
        }
      }
    }

    SubjectResult finish() {
      try {
        if (failure == null) {
          closeSteps();
          if (outMask == null) {
            throw new IllegalStateException(
                "no ensemble of " + plan.ensemble() + " members at " + plan.mainSteps() + " steps");
          }
          SubjectResult r =
              new SubjectResult(
                  id,
                  plan.fingerprint(),
                  null,
                  scores,
                  figure(),
                  members,
                  seconds,
                  evaluations,
                  peakRss);
          ResultStore store = new ResultStore(Path.of(plan.outDir()));
          store.write(r);
          store
              .outputs()
              .write(id, toOriginal, OutputHeader.of(s.geometry()), outMask, outMean, outVar);
          return r;
        }
      } catch (Exception e) {
        failure = "writing its outputs failed: " + e;
      }
      return SubjectResult.failed(id, failure);
    }

    private SubjectResult.FigureData figure() {
      if (!plan.figureSubjects().contains(id)) {
        return null;
      }
      boolean[] truthSlice = s.hasLabels() ? Slices.axial(s.wholeTumour(), padded, figureZ) : null;
      return new SubjectResult.FigureData(
          padded[0],
          padded[1],
          figureZ,
          Slices.axial(s.channels()[1], padded, figureZ),
          truthSlice,
          figureMembers,
          Slices.axial(outMean, padded, figureZ),
          Slices.axial(outVar, padded, figureZ),
          plan.ensemble());
    }
  }

  private static byte[] toBytes(float[] f) {
    byte[] b = new byte[f.length];
    for (int i = 0; i < f.length; i++) {
      b[i] = f[i] > 0.5f ? (byte) 1 : 0;
    }
    return b;
  }

  /**
   * Voxel size of the subject's own input grid (the resampling's input for a resampled subject).
   */
  static double[] inputPixdim(PreprocessedSubject s) {
    return s.geometry().resampling() == null
        ? s.geometry().pixdim()
        : s.geometry().resampling().inputPixdim();
  }
}

package org.patchddm.spark.train;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.patchddm.model.net.UNetSettings;
import org.patchddm.model.patch.CenterBiasedPatchSampler;
import org.patchddm.model.patch.HalfRes;
import org.patchddm.model.patch.TrainingMode;
import org.patchddm.model.train.RunSettings;
import org.patchddm.spark.dataset.DatasetManifest;
import org.patchddm.spark.dataset.PreprocessedDataset;
import org.patchddm.spark.dataset.SubjectRowSchema;

/**
 * Checks a dataset against the run before anything is trained, from the manifest and the rows'
 * shape column only (no volume is decoded): the training split is not empty and has a subject per
 * slot; the network's input channels fit the mode on the dataset's MR channels; the volume (halved
 * for HALF_RES) and the patch (PATCH) are multiples of the network's size divisor and the patch
 * fits in the volume; validation has subjects when it is on. Every failure is a {@link
 * TrainInputException} naming the dataset and the expected and actual value.
 */
public final class TrainPreflight {

  /** What the job learns about its dataset. */
  public record Result(
      DatasetManifest manifest,
      List<String> trainSubjects,
      List<String> validationSubjects,
      int[] volumeDhw) {}

  private TrainPreflight() {}

  public static Result check(
      SparkSession spark, String dataset, RunSettings run, TrainJobSettings job) {
    DatasetManifest m;
    try {
      m = PreprocessedDataset.manifest(spark, dataset);
    } catch (IOException e) {
      throw new TrainInputException("dataset " + dataset + ": " + e.getMessage(), e);
    }
    Map<String, List<String>> bySplit = new TreeMap<>();
    m.subjects()
        .forEach((id, s) -> bySplit.computeIfAbsent(s.split(), k -> new ArrayList<>()).add(id));
    bySplit.values().forEach(l -> l.sort(null));
    List<String> train = bySplit.getOrDefault("train", List.of());
    if (train.isEmpty()) {
      throw new TrainInputException(
          "dataset "
              + dataset
              + " (version "
              + m.version()
              + ") has no training subjects;"
              + " subjects per split: "
              + m.splitCounts());
    }
    int slots = RoundTrainers.plannedSlots(job, spark);
    if (slots > train.size()) {
      throw new TrainInputException(
          slots
              + " training slots but dataset "
              + dataset
              + " has only "
              + train.size()
              + " training subjects: every slot needs at least one (lower patchddm.spark.train.slots)");
    }
    List<String> val = bySplit.getOrDefault("val", List.of());
    if (job.validateEveryRounds() > 0) {
      if (val.isEmpty()) {
        throw new TrainInputException(
            "dataset "
                + dataset
                + " has no validation subjects (per split: "
                + m.splitCounts()
                + "); set patchddm.train.validation.every-rounds = 0 to train without validation");
      }
      if (job.validationSubjects() > 0 && job.validationSubjects() < val.size()) {
        val = val.subList(0, job.validationSubjects());
      }
    }
    checkChannels(dataset, run);
    int[] dhw = volumeShape(spark, dataset);
    checkShapes(dataset, run, dhw);
    return new Result(m, List.copyOf(train), List.copyOf(val), dhw);
  }

  /**
   * The network's input channels must be the mode's condition channels on the dataset's MR
   * channels, plus x_t.
   */
  static void checkChannels(String dataset, RunSettings run) {
    int mr = SubjectRowSchema.CHANNELS.size();
    TrainingMode mode = run.train().mode();
    int want = mode.inputChannels(mr);
    if (run.model().inChannels() != want) {
      throw new TrainInputException(
          UNetSettings.PATH
              + ".in-channels = "
              + run.model().inChannels()
              + ", but mode "
              + mode
              + " on dataset "
              + dataset
              + " ("
              + mr
              + " MR channels) needs "
              + want
              + " ("
              + mr
              + " MR"
              + (mode.usesCoordinates() ? " + 3 coordinates" : "")
              + " + 1 noisy label)");
    }
  }

  /**
   * The volume the network sees per step and at inference, and the patch, against the net's size
   * divisor.
   */
  static void checkShapes(String dataset, RunSettings run, int[] dhw) {
    int div = run.model().sizeDivisor();
    TrainingMode mode = run.train().mode();
    int[] inferred =
        mode == TrainingMode.HALF_RES
            ? new int[] {
              HalfRes.halfSize(dhw[0]), HalfRes.halfSize(dhw[1]), HalfRes.halfSize(dhw[2])
            }
            : dhw;
    String levels = div + " = 2^(levels - 1) for " + run.model().levels() + " levels";
    if (!divisible(inferred, div)) {
      throw new TrainInputException(
          "dataset "
              + dataset
              + ": the "
              + (mode == TrainingMode.HALF_RES ? "halved " : "")
              + "volume [D, H, W] = "
              + Arrays.toString(inferred)
              + " is not a multiple of the network's size divisor "
              + levels
              + " (mode "
              + mode
              + "; change patchddm.prep.target-shape or patchddm.model.channel-mult)");
    }
    if (mode.usesPatches()) {
      int[] patch = run.train().patchSizeArray();
      try {
        new CenterBiasedPatchSampler(dhw, patch);
      } catch (IllegalArgumentException e) {
        throw new TrainInputException(
            "patchddm.train.patch-size = "
                + Arrays.toString(patch)
                + " does not fit the "
                + "volume [D, H, W] = "
                + Arrays.toString(dhw)
                + " of dataset "
                + dataset
                + ": "
                + e.getMessage(),
            e);
      }
      if (!divisible(patch, div)) {
        throw new TrainInputException(
            "patchddm.train.patch-size = "
                + Arrays.toString(patch)
                + " is not a multiple "
                + "of the network's size divisor "
                + levels);
      }
    }
  }

  /**
   * The one padded shape of the dataset's rows as [D, H, W] = [nz, ny, nx]; fails if the rows
   * disagree.
   */
  static int[] volumeShape(SparkSession spark, String dataset) {
    List<Row> shapes;
    try {
      shapes =
          PreprocessedDataset.read(spark, dataset)
              .select(col("padded_shape"))
              .distinct()
              .collectAsList();
    } catch (IOException e) {
      throw new TrainInputException("dataset " + dataset + ": " + e.getMessage(), e);
    }
    if (shapes.size() != 1) {
      List<String> all = new ArrayList<>();
      shapes.forEach(r -> all.add(r.getList(0).toString()));
      throw new TrainInputException(
          "dataset "
              + dataset
              + " has subjects of "
              + shapes.size()
              + " grid shapes "
              + all
              + "; training needs one");
    }
    List<Integer> xyz = shapes.get(0).getList(0);
    return new int[] {xyz.get(2), xyz.get(1), xyz.get(0)};
  }

  private static boolean divisible(int[] shape, int div) {
    return Arrays.stream(shape).allMatch(n -> n % div == 0);
  }
}

package org.patchddm.spark.train;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.patchddm.model.train.CheckpointException;
import org.patchddm.model.train.Checkpoints;
import org.patchddm.model.train.RunSettings;
import org.patchddm.model.train.TrainSettings;

/**
 * The training job's checkpoints under {@code RUN_DIR/checkpoints} on any Hadoop file system:
 *
 * <pre>
 * checkpoints/round-00000012/        the state after 12 rounds (the latest few are kept)
 * checkpoints/best-round-00000008/   the state with the best validation Dice so far (only the newest is kept)
 * </pre>
 *
 * Each directory holds the model module's checkpoint files ({@link Checkpoints}: network and
 * updater state, settings, training state with the job's {@link JobState}, and the SHA-256
 * manifest). It is written by {@link Checkpoints#save} into a local temporary directory, copied to
 * a temporary sibling {@code .NAME.tmp-UUID} and renamed into place, so a name that matches the
 * patterns above is always complete; temporary siblings of a killed job are ignored and deleted by
 * the next save. Loading copies a checkpoint to local disk and verifies it with {@link
 * Checkpoints#load}; errors name the checkpoint's file in the run directory.
 */
public final class CheckpointStore {

  public static final String DIR = "checkpoints";
  private static final Pattern ROUND = Pattern.compile("round-(\\d+)");
  private static final Pattern BEST = Pattern.compile("best-round-(\\d+)");

  private final RunFiles files;
  private final Path dir;

  public CheckpointStore(RunFiles files) {
    this.files = files;
    this.dir = files.resolve(DIR);
  }

  /** A checkpoint and the job's bookkeeping stored in it. */
  public record Loaded(Path path, ComputationGraph graph, long step, JobState job) {}

  /** The directory name of the checkpoint after {@code round} rounds. */
  public static String roundName(long round) {
    return String.format("round-%08d", round);
  }

  /** The directory name of the best checkpoint found after {@code round} rounds. */
  public static String bestName(long round) {
    return "best-" + roundName(round);
  }

  /**
   * Writes the graph (parameters, updater state, iteration count) as the checkpoint of {@code
   * job.round()}, and also as the best checkpoint when {@code best}; then deletes round checkpoints
   * beyond the newest {@code keep}, older best ones and temporary leftovers.
   *
   * @return the round checkpoint's path
   */
  public Path save(ComputationGraph graph, RunSettings run, JobState job, boolean best, int keep)
      throws IOException {
    java.nio.file.Path local = Files.createTempDirectory("patchddm-checkpoint-");
    try {
      java.nio.file.Path written = Checkpoints.save(local, graph, run, job.step(), job.toMap());
      Path latest = publish(written, roundName(job.round()));
      if (best) {
        publish(written, bestName(job.round()));
      }
      prune(keep);
      return latest;
    } finally {
      deleteLocal(local);
    }
  }

  /** The complete round checkpoint with the most rounds. */
  public Optional<Path> latest() throws IOException {
    return newest(ROUND);
  }

  /** The newest complete best checkpoint. */
  public Optional<Path> best() throws IOException {
    return newest(BEST);
  }

  /** The training mode recorded in a checkpoint's settings, read before anything else is loaded. */
  public String storedMode(Path checkpoint) throws IOException {
    Path settings = new Path(checkpoint, Checkpoints.SETTINGS);
    try (InputStream in = files.fs().open(settings)) {
      Config c = ConfigFactory.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      return c.getString(TrainSettings.PATH + ".mode");
    } catch (FileNotFoundException e) {
      throw new CheckpointException("checkpoint file " + settings + " is missing", e);
    } catch (ConfigException e) {
      throw new CheckpointException(
          "checkpoint file " + settings + " is unreadable: " + e.getMessage(), e);
    }
  }

  /**
   * Loads and verifies a checkpoint for a run with the {@code expected} settings.
   *
   * @throws CheckpointException naming the checkpoint's file when it is incomplete, corrupt or for
   *     other settings
   */
  public Loaded load(Path checkpoint, RunSettings expected) throws IOException {
    java.nio.file.Path local = Files.createTempDirectory("patchddm-checkpoint-");
    java.nio.file.Path copy = local.resolve(checkpoint.getName());
    try {
      files.fs().copyToLocalFile(false, checkpoint, new Path(copy.toUri()), true);
      Checkpoints.Loaded l;
      try {
        l = Checkpoints.load(copy, expected);
      } catch (CheckpointException e) {
        throw new CheckpointException(
            e.getMessage().replace(copy.toString(), checkpoint.toString()), e);
      }
      JobState job;
      try {
        job = JobState.fromMap(l.extra());
      } catch (IllegalArgumentException e) {
        throw new CheckpointException(
            "checkpoint "
                + checkpoint
                + " has no training-job state ("
                + e.getMessage()
                + "); was it written by patchddm train?",
            e);
      }
      return new Loaded(checkpoint, l.graph(), l.step(), job);
    } finally {
      deleteLocal(local);
    }
  }

  private Path publish(java.nio.file.Path local, String name) throws IOException {
    files.fs().mkdirs(dir);
    Path target = new Path(dir, name);
    Path tmp = RunFiles.tempSibling(target);
    files.fs().copyFromLocalFile(false, true, new Path(local.toUri()), tmp);
    if (files.fs().exists(target)) {
      // a checkpoint of this round from a run that was killed after writing it and resumed from an
      // earlier one:
      // the same seeds gave the same state, but replace it with the one just written
      files.fs().delete(target, true);
    }
    files.rename(tmp, target, false);
    return target;
  }

  private Optional<Path> newest(Pattern pattern) throws IOException {
    return complete(pattern).stream().max(Comparator.comparingLong(p -> number(pattern, p)));
  }

  private List<Path> complete(Pattern pattern) throws IOException {
    List<Path> out = new ArrayList<>();
    FileStatus[] entries;
    try {
      entries = files.fs().listStatus(dir);
    } catch (FileNotFoundException e) {
      return out;
    }
    for (FileStatus f : entries) {
      if (f.isDirectory()
          && pattern.matcher(f.getPath().getName()).matches()
          && files.fs().exists(new Path(f.getPath(), Checkpoints.MANIFEST))) {
        out.add(f.getPath());
      }
    }
    return out;
  }

  private void prune(int keep) throws IOException {
    List<Path> rounds = complete(ROUND);
    rounds.sort(Comparator.comparingLong((Path p) -> number(ROUND, p)).reversed());
    for (Path p : rounds.subList(Math.min(keep, rounds.size()), rounds.size())) {
      files.fs().delete(p, true);
    }
    List<Path> bests = complete(BEST);
    bests.sort(Comparator.comparingLong((Path p) -> number(BEST, p)).reversed());
    for (Path p : bests.subList(Math.min(1, bests.size()), bests.size())) {
      files.fs().delete(p, true);
    }
    for (FileStatus f : files.fs().listStatus(dir)) {
      if (f.getPath().getName().startsWith(".") && f.getPath().getName().contains(".tmp-")) {
        files.fs().delete(f.getPath(), true);
      }
    }
  }

  private static long number(Pattern pattern, Path p) {
    Matcher m = pattern.matcher(p.getName());
    if (!m.matches()) {
      throw new IllegalStateException(p + " is not a checkpoint name");
    }
    return Long.parseLong(m.group(1));
  }

  private static void deleteLocal(java.nio.file.Path local) {
    try (var s = Files.walk(local)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the temporary directory " + local, e);
    }
  }
}

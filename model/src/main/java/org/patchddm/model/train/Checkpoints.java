package org.patchddm.model.train;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * Training checkpoints: one directory {@code step-00000123} per checkpoint, holding
 *
 * <ul>
 *   <li>{@value #MODEL}: the network and its updater state (Adam moments, iteration count),
 *       ModelSerializer's zip;
 *   <li>{@value #SETTINGS}: {@link RunSettings#toHocon()};
 *   <li>{@value #STATE}: the step, the seed and how each step's RNG derives from them ({@link
 *       StepSeeds});
 *   <li>{@value #MANIFEST}: size and SHA-256 of each of the above; written last.
 * </ul>
 *
 * The directory is assembled under a temporary sibling name and renamed into place, so a crash
 * never leaves a directory that looks complete. Loading verifies every checksum, then the settings,
 * then parses the model.
 */
public final class Checkpoints {

  public static final String MODEL = "model.zip";
  public static final String SETTINGS = "settings.conf";
  public static final String STATE = "state.properties";
  public static final String MANIFEST = "manifest.properties";
  private static final List<String> PAYLOAD = List.of(MODEL, SETTINGS, STATE);
  private static final String PREFIX = "step-";

  /** The prefix of the caller's extra entries in {@value #STATE}. */
  public static final String EXTRA = "extra.";

  private Checkpoints() {}

  /**
   * A loaded checkpoint: the graph with its updater state, the number of steps done, and the
   * caller's extra entries given to {@link #save(Path, ComputationGraph, RunSettings, long, Map)}
   * (empty when none).
   */
  public record Loaded(
      Path path, ComputationGraph graph, long step, long seed, Map<String, String> extra) {
    public Loaded {
      extra = Map.copyOf(extra);
    }

    public Loaded(Path path, ComputationGraph graph, long step, long seed) {
      this(path, graph, step, seed, Map.of());
    }
  }

  /** The directory name of the checkpoint after {@code step} steps. */
  public static String name(long step) {
    return String.format("%s%08d", PREFIX, step);
  }

  /**
   * Writes a checkpoint under {@code dir}, replacing one of the same step.
   *
   * @return the checkpoint directory
   */
  public static Path save(Path dir, ComputationGraph graph, RunSettings run, long step) {
    return save(dir, graph, run, step, Map.of());
  }

  /**
   * As {@link #save(Path, ComputationGraph, RunSettings, long)}, also storing the caller's {@code
   * extra} entries (e.g. a training job's round and best score) in {@value #STATE} under {@value
   * #EXTRA}, covered by the manifest.
   */
  public static Path save(
      Path dir, ComputationGraph graph, RunSettings run, long step, Map<String, String> extra) {
    try {
      Files.createDirectories(dir);
      Path target = dir.resolve(name(step));
      // Not Files.createTempDirectory: its 0700 would survive the rename and hide the checkpoint
      // from the rest of a shared group; this one follows the umask.
      Path tmp =
          Files.createDirectory(
              dir.resolve("." + name(step) + ".tmp-" + java.util.UUID.randomUUID()));
      ModelSerializer.writeModel(graph, tmp.resolve(MODEL).toFile(), true);
      Files.writeString(tmp.resolve(SETTINGS), run.toHocon(), StandardCharsets.UTF_8);
      Properties state = new Properties();
      state.setProperty("format", "1");
      state.setProperty("step", Long.toString(step));
      state.setProperty("seed", Long.toString(run.train().seed()));
      state.setProperty("rng", StepSeeds.describe(run.train().seed()));
      extra.forEach((k, v) -> state.setProperty(EXTRA + k, v));
      store(state, tmp.resolve(STATE), "training state");
      Properties manifest = new Properties();
      for (String f : PAYLOAD) {
        manifest.setProperty(f + ".sha256", sha256(tmp.resolve(f)));
        manifest.setProperty(f + ".size", Long.toString(Files.size(tmp.resolve(f))));
      }
      store(manifest, tmp.resolve(MANIFEST), "SHA-256 of the checkpoint files");
      Path old = null;
      if (Files.exists(target)) {
        old = dir.resolve("." + name(step) + ".old-" + System.nanoTime());
        move(target, old);
      }
      move(tmp, target);
      if (old != null) {
        deleteTree(old);
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write checkpoint of step " + step + " under " + dir, e);
    }
  }

  /**
   * The checkpoint with the most steps under {@code dir} (complete ones only: those with a
   * manifest).
   */
  public static Optional<Path> latest(Path dir) {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().matches(PREFIX + "\\d+"))
          .filter(p -> Files.isRegularFile(p.resolve(MANIFEST)))
          .max((a, b) -> Long.compare(stepOf(a), stepOf(b)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list checkpoints in " + dir, e);
    }
  }

  /**
   * Loads and verifies a checkpoint for a run with the {@code expected} settings.
   *
   * @throws CheckpointException naming the file when one is missing or corrupt, or naming every
   *     setting that differs
   */
  public static Loaded load(Path checkpoint, RunSettings expected) {
    Path manifestFile = checkpoint.resolve(MANIFEST);
    if (!Files.isRegularFile(manifestFile)) {
      throw new CheckpointException(
          "checkpoint " + checkpoint + " is incomplete: " + MANIFEST + " is missing");
    }
    Properties manifest = read(manifestFile);
    for (String f : PAYLOAD) {
      Path p = checkpoint.resolve(f);
      String want = manifest.getProperty(f + ".sha256");
      if (want == null) {
        throw new CheckpointException(
            "checkpoint manifest " + manifestFile + " has no checksum for " + f);
      }
      if (!Files.isRegularFile(p)) {
        throw new CheckpointException("checkpoint file " + p + " is missing");
      }
      try {
        long size = Files.size(p);
        String wantSize = manifest.getProperty(f + ".size");
        if (wantSize != null && Long.parseLong(wantSize) != size) {
          throw new CheckpointException(
              "checkpoint file "
                  + p
                  + " is truncated or corrupt: "
                  + size
                  + " bytes, the "
                  + "manifest says "
                  + wantSize);
        }
      } catch (IOException e) {
        throw new CheckpointException("cannot read checkpoint file " + p, e);
      }
      String got = sha256(p);
      if (!got.equals(want)) {
        throw new CheckpointException(
            "checkpoint file " + p + " is corrupt: SHA-256 " + got + ", the manifest says " + want);
      }
    }
    Config stored;
    try {
      stored = ConfigFactory.parseFile(checkpoint.resolve(SETTINGS).toFile());
    } catch (ConfigException e) {
      throw new CheckpointException(
          "checkpoint file "
              + checkpoint.resolve(SETTINGS)
              + " is not valid HOCON: "
              + e.getMessage(),
          e);
    }
    List<String> diff = expected.incompatibilities(stored);
    if (!diff.isEmpty()) {
      throw new CheckpointException(
          "checkpoint "
              + checkpoint
              + " was written with other settings:\n  "
              + String.join("\n  ", diff));
    }
    Properties state = read(checkpoint.resolve(STATE));
    long step = Long.parseLong(state.getProperty("step"));
    long seed = Long.parseLong(state.getProperty("seed"));
    Path model = checkpoint.resolve(MODEL);
    Map<String, String> extra = new TreeMap<>();
    for (String k : state.stringPropertyNames()) {
      if (k.startsWith(EXTRA)) {
        extra.put(k.substring(EXTRA.length()), state.getProperty(k));
      }
    }
    return new Loaded(checkpoint, restore(model, expected), step, seed, extra);
  }

  /**
   * The network of a checkpoint, built anew from the run's settings (with the convolution layer of
   * this JVM's ND4J backend) and filled with the stored parameters, updater state and iteration
   * count. The stored graph JSON is not parsed, so checkpoints whose layer classes were renamed
   * since (those written before the model module's reorganisation) load unchanged, and a network
   * trained with one convolution implementation runs with the other.
   */
  private static ComputationGraph restore(Path model, RunSettings expected) {
    INDArray params;
    INDArray state;
    long iterations;
    try (ZipFile zip = new ZipFile(model.toFile())) {
      params = readArray(zip, "coefficients.bin", model);
      state =
          zip.getEntry("updaterState.bin") == null
              ? null
              : readArray(zip, "updaterState.bin", model);
      iterations = iterationCount(zip, model);
    } catch (IOException e) {
      throw new CheckpointException(
          "checkpoint file " + model + " cannot be read as a network: " + e, e);
    }
    ComputationGraph graph = NetworkFactory.create(expected);
    if (graph.params().length() != params.length()) {
      throw new CheckpointException(
          "checkpoint file "
              + model
              + " holds "
              + params.length()
              + " parameters, but the settings build a network of "
              + graph.params().length());
    }
    graph.params().assign(params.reshape(graph.params().shape()));
    INDArray view = graph.getUpdater(true).getStateViewArray();
    if (state != null && view != null) {
      if (view.length() != state.length()) {
        throw new CheckpointException(
            "checkpoint file "
                + model
                + " holds an updater state of "
                + state.length()
                + " values, the network's optimiser needs "
                + view.length());
      }
      view.assign(state.reshape(view.shape()));
    }
    graph.getConfiguration().setIterationCount((int) iterations);
    return graph;
  }

  private static INDArray readArray(ZipFile zip, String entry, Path model) throws IOException {
    ZipEntry e = zip.getEntry(entry);
    if (e == null) {
      throw new CheckpointException("checkpoint file " + model + " has no " + entry);
    }
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(zip.getInputStream(e)))) {
      return Nd4j.read(in);
    }
  }

  /**
   * DL4J's iteration count (Adam's bias-correction step), read from the stored configuration's
   * JSON.
   */
  private static long iterationCount(ZipFile zip, Path model) throws IOException {
    ZipEntry e = zip.getEntry("configuration.json");
    if (e == null) {
      throw new CheckpointException("checkpoint file " + model + " has no configuration.json");
    }
    JsonNode count = new ObjectMapper().readTree(zip.getInputStream(e)).get("iterationCount");
    if (count == null || !count.canConvertToLong()) {
      throw new CheckpointException(
          "checkpoint file " + model + ": configuration.json has no iterationCount");
    }
    return count.asLong();
  }

  /** The lowercase hex SHA-256 of a file. */
  public static String sha256(Path file) {
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest())) {
      byte[] buf = new byte[1 << 16];
      while (in.read(buf) >= 0) {
        // the digest stream hashes as it reads
      }
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (NoSuchFileException e) {
      throw new CheckpointException("checkpoint file " + file + " is missing", e);
    } catch (IOException e) {
      throw new CheckpointException("cannot read checkpoint file " + file, e);
    }
  }

  private static long stepOf(Path p) {
    return Long.parseLong(p.getFileName().toString().substring(PREFIX.length()));
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  private static Properties read(Path file) {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    } catch (IOException e) {
      throw new CheckpointException("cannot read checkpoint file " + file, e);
    }
    return p;
  }

  private static void store(Properties p, Path file, String comment) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      p.store(out, comment);
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (Files.isDirectory(p)) {
      try (DirectoryStream<Path> s = Files.newDirectoryStream(p)) {
        for (Path c : s) {
          deleteTree(c);
        }
      }
    }
    Files.deleteIfExists(p);
  }
}

package org.patchddm.spark.dataset;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;

/**
 * The commit protocol of a preprocessed dataset on any Hadoop file system (file://, hdfs://).
 *
 * <pre>
 * dataset/
 *   runs/run-NNNNNN-xxxxxxxx/   immutable Parquet written by one run (its new and changed rows only)
 *   _manifests/v-NNNNNN.json    committed versions; the highest is the dataset
 *   _failures/v-NNNNNN.csv      failures of the run that committed v-NNNNNN (also in the manifest)
 * </pre>
 *
 * A run writes its Parquet into a fresh run directory, checks it, then publishes a manifest by
 * writing a temporary file and renaming it to {@code v-(N+1).json} with a rename that refuses to
 * overwrite. A run killed before that rename leaves only unreferenced files, which readers ignore
 * and the next run deletes ({@link #collectGarbage}). One writer at a time holds the dataset's
 * {@link DatasetLease}; should two writers still race for the same version, the loser's rename
 * fails and it reports the conflict.
 */
public final class DatasetStore {
  public static final String RUNS = "runs";
  public static final String MANIFESTS = "_manifests";
  public static final String FAILURES = "_failures";
  private static final Pattern MANIFEST = Pattern.compile("v-(\\d+)\\.json");
  private static final Pattern RUN = Pattern.compile("run-(\\d+)-.*");
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path root;
  private final FileSystem fs;
  private final Configuration conf;

  public DatasetStore(String root, Configuration conf) throws IOException {
    Path p = new Path(root);
    this.fs = p.getFileSystem(conf);
    this.root = fs.makeQualified(p);
    this.conf = conf;
  }

  public Path root() {
    return root;
  }

  public FileSystem fileSystem() {
    return fs;
  }

  /** The highest committed manifest, or empty when the dataset has none (or does not exist). */
  public Optional<DatasetManifest> latest() throws IOException {
    long best = latestVersion();
    if (best <= 0) {
      return Optional.empty();
    }
    return Optional.of(readManifest(best));
  }

  /** Number of the highest committed manifest, 0 if none. */
  public long latestVersion() throws IOException {
    List<Long> all = versions();
    return all.isEmpty() ? 0 : all.get(all.size() - 1);
  }

  /** Numbers of every committed manifest, ascending (empty when the dataset has none). */
  public List<Long> versions() throws IOException {
    Path dir = new Path(root, MANIFESTS);
    FileStatus[] files;
    try {
      files = fs.listStatus(dir);
    } catch (FileNotFoundException e) {
      return List.of();
    }
    List<Long> out = new ArrayList<>();
    for (FileStatus f : files) {
      Matcher m = MANIFEST.matcher(f.getPath().getName());
      if (f.isFile() && m.matches()) {
        out.add(Long.parseLong(m.group(1)));
      }
    }
    Collections.sort(out);
    return out;
  }

  /** The manifest number a run directory name was made for ({@code run-NNNNNN-...}), or -1. */
  public static long runNumber(String runDirName) {
    Matcher m = RUN.matcher(runDirName);
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }

  public DatasetManifest readManifest(long version) throws IOException {
    Path p = manifestPath(version);
    try (InputStream in = fs.open(p)) {
      return JSON.readValue(in, DatasetManifest.class);
    } catch (IOException e) {
      throw new IOException("dataset manifest " + p + " cannot be read: " + e.getMessage(), e);
    }
  }

  public Path manifestPath(long version) {
    return new Path(new Path(root, MANIFESTS), String.format("v-%06d.json", version));
  }

  /**
   * A fresh run directory (relative path {@code runs/run-NNNNNN-xxxxxxxx}) for manifest version N.
   */
  public String newRunPath(long version) {
    return RUNS
        + "/"
        + String.format("run-%06d-%s", version, UUID.randomUUID().toString().substring(0, 8));
  }

  public Path resolve(String relative) {
    return new Path(root, relative);
  }

  /**
   * Publishes {@code manifest} as version {@code manifest.version()}: temp file, then a rename that
   * fails if that version exists.
   *
   * @throws IOException naming the dataset if another writer committed that version first
   */
  public void commit(DatasetManifest manifest) throws IOException {
    Path target = manifestPath(manifest.version());
    writeAtomically(target, JSON.writeValueAsBytes(manifest));
  }

  /** Writes a small file atomically: temporary sibling, then a rename that refuses to overwrite. */
  public void writeAtomically(Path target, byte[] content) throws IOException {
    fs.mkdirs(target.getParent());
    Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
    try (OutputStream out = fs.create(tmp, false)) {
      out.write(content);
    }
    try {
      FileContext.getFileContext(root.toUri(), conf).rename(tmp, target, Options.Rename.NONE);
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      fs.delete(tmp, false);
      throw new IOException(
          target
              + " already exists: another run committed to dataset "
              + root
              + " at the same time; re-run to pick up its result",
          e);
    }
  }

  /** Writes the failures of manifest version N as CSV (subject,file,reason). */
  public void writeFailures(long version, List<Failure> failures) throws IOException {
    StringBuilder sb = new StringBuilder("subject,file,reason\n");
    for (Failure f : failures) {
      sb.append(csv(f.subject()))
          .append(',')
          .append(csv(f.file()))
          .append(',')
          .append(csv(f.reason()))
          .append('\n');
    }
    writeAtomically(failuresPath(version), sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** {@code _failures/v-N.csv} of manifest version N. */
  public Path failuresPath(long version) {
    return new Path(new Path(root, FAILURES), String.format("v-%06d.csv", version));
  }

  private static String csv(String s) {
    return '"' + s.replace("\"", "\"\"").replace('\n', ' ') + '"';
  }

  /**
   * Deletes what no committed manifest can see: run directories referenced by no committed manifest
   * (the latest or an older one that {@code dataset gc} has kept, so readers of kept versions are
   * never disturbed) and temporary files of dead runs. Returns the number of paths deleted.
   */
  public int collectGarbage(Optional<DatasetManifest> latest) throws IOException {
    Set<String> live = new HashSet<>();
    latest.ifPresent(m -> m.runs().forEach(r -> live.add(r.path())));
    for (long v : versions()) {
      if (latest.isEmpty() || v != latest.get().version()) {
        readManifest(v).runs().forEach(r -> live.add(r.path()));
      }
    }
    int deleted = 0;
    for (String dir : List.of(RUNS, MANIFESTS, FAILURES)) {
      FileStatus[] entries;
      try {
        entries = fs.listStatus(new Path(root, dir));
      } catch (FileNotFoundException e) {
        continue;
      }
      for (FileStatus f : entries) {
        String name = f.getPath().getName();
        boolean dead =
            dir.equals(RUNS)
                ? !live.contains(RUNS + "/" + name)
                : name.startsWith(".") && name.contains(".tmp-");
        if (dead && fs.delete(f.getPath(), true)) {
          deleted++;
        }
      }
    }
    return deleted;
  }
}

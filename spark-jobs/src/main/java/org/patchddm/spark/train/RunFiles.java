package org.patchddm.spark.train;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;

/**
 * The files of a run directory on any Hadoop file system (file://, hdfs://). Small files are
 * replaced atomically: a temporary sibling {@code .NAME.tmp-UUID} is written, then renamed over the
 * target (a rename that replaces the old file in one step on HDFS and POSIX file systems), so a
 * reader sees the old or the new file, never a partial one.
 */
public final class RunFiles {

  private final Path root;
  private final FileSystem fs;
  private final Configuration conf;

  public RunFiles(String runDir, Configuration conf) throws IOException {
    Path p = new Path(runDir);
    this.fs = p.getFileSystem(conf);
    this.root = fs.makeQualified(p);
    this.conf = conf;
  }

  public Path root() {
    return root;
  }

  public FileSystem fs() {
    return fs;
  }

  public Configuration conf() {
    return conf;
  }

  public Path resolve(String name) {
    return new Path(root, name);
  }

  /** Replaces {@code name} under the run directory with {@code content}, atomically. */
  public void replace(String name, byte[] content) throws IOException {
    Path target = resolve(name);
    fs.mkdirs(target.getParent());
    Path tmp = tempSibling(target);
    try (OutputStream out = fs.create(tmp, false)) {
      out.write(content);
    }
    rename(tmp, target, true);
  }

  /** The content of {@code name}, or empty when it does not exist. */
  public Optional<byte[]> read(String name) throws IOException {
    try (InputStream in = fs.open(resolve(name))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      return Optional.of(out.toByteArray());
    } catch (FileNotFoundException e) {
      return Optional.empty();
    }
  }

  /** A fresh temporary sibling name of {@code target}; readers skip names that start with a dot. */
  public static Path tempSibling(Path target) {
    return new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
  }

  /**
   * Renames {@code from} to {@code to}; with {@code overwrite} false it fails if {@code to} exists.
   */
  public void rename(Path from, Path to, boolean overwrite) throws IOException {
    FileContext.getFileContext(root.toUri(), conf)
        .rename(from, to, overwrite ? Options.Rename.OVERWRITE : Options.Rename.NONE);
  }
}

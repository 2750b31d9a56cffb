package org.patchddm.spark.prep;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.patchddm.prep.Checksums;

/**
 * Executor-side file access: everything goes through Hadoop's {@link FileSystem}, so the same code
 * reads file:// and hdfs:// inputs.
 */
public final class SubjectInputs {
  private SubjectInputs() {}

  /** SHA-256 (lower-case hex) of every input file of the subject, keyed by file name. */
  public static Map<String, String> checksums(SubjectFiles s, Configuration conf)
      throws FileProblem {
    Map<String, String> out = SubjectFiles.newChecksumMap();
    for (String p : s.all()) {
      try (InputStream in = open(p, conf)) {
        out.put(SubjectFiles.fileName(p), Checksums.sha256(in));
      } catch (IOException | RuntimeException e) {
        throw new FileProblem(p, "cannot read: " + HadoopPaths.withoutPath(e, p), e);
      }
    }
    return out;
  }

  /**
   * Opens an input file. On a checksummed file system (Hadoop's local one) the raw file system is
   * used: input files have no {@code .crc} siblings to verify, and the {@code .crc} name Hadoop
   * derives from a file name such as {@code sub:3_t1.nii.gz} is not a valid path.
   */
  static InputStream open(String p, Configuration conf) throws IOException {
    Path path = new Path(p);
    FileSystem fs = path.getFileSystem(conf);
    return (fs instanceof ChecksumFileSystem c ? c.getRawFileSystem() : fs).open(path);
  }

  /** Length of an input file, read the same way as {@link #open}. */
  static long length(String p, Configuration conf) throws IOException {
    Path path = new Path(p);
    FileSystem fs = path.getFileSystem(conf);
    return (fs instanceof ChecksumFileSystem c ? c.getRawFileSystem() : fs)
        .getFileStatus(path)
        .getLen();
  }

  /** A problem with one input file; the failures table records the file. */
  public static final class FileProblem extends Exception {
    private static final long serialVersionUID = 1L;
    private final String file;

    public FileProblem(String file, String message, Throwable cause) {
      super(message, cause);
      this.file = file;
    }

    public String file() {
      return file;
    }
  }
}

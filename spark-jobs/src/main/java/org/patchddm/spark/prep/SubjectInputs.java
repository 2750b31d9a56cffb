package org.patchddm.spark.prep;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.patchddm.prep.Checksums;

/**
 * Executor-side file access: everything goes through Hadoop's {@link FileSystem}, so the same code
 * reads file:// and hdfs:// inputs.
 */
public final class SubjectInputs {
  private SubjectInputs() {}

  /** SHA-256 (lower-case hex) of every input file of the subject, keyed by file name. */
  public static Map<String, String> checksums(SubjectFiles s, Configuration conf) throws FileProblem {
    Map<String, String> out = SubjectFiles.newChecksumMap();
    for (String p : s.all()) {
      Path path = new Path(p);
      try (InputStream in = path.getFileSystem(conf).open(path)) {
        out.put(SubjectFiles.fileName(p), Checksums.sha256(in));
      } catch (IOException e) {
        throw new FileProblem(p, "cannot read: " + e.getMessage(), e);
      }
    }
    return out;
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

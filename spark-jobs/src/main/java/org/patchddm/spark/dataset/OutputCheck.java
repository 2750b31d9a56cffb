package org.patchddm.spark.dataset;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.UnsupportedFileSystemException;
import org.apache.hadoop.fs.permission.FsAction;
import org.apache.hadoop.security.AccessControlException;

/**
 * Checks a dataset output path before any work, so that a path that cannot work fails in seconds
 * with one line instead of after hashing the cohort: an unknown file system scheme, an unreachable
 * file system (HDFS name node down or unknown host: one connection attempt, no retries), a path
 * that is a regular file or lies under one, and a location that cannot be created or written.
 */
public final class OutputCheck {
  private OutputCheck() {}

  /** The output cannot be used; the message is one line naming the path and the reason. */
  public static final class BadOutputException extends IOException {
    private static final long serialVersionUID = 1L;

    public BadOutputException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * @param create create the output directory (a real run); false only checks (a dry run writes
   *     nothing)
   * @throws BadOutputException naming the output and what is wrong with it
   */
  public static void check(String output, Configuration conf, boolean create)
      throws BadOutputException {
    Path path;
    try {
      path = new Path(output);
    } catch (IllegalArgumentException e) {
      throw new BadOutputException(
          "output " + output + " is not a valid path: " + e.getMessage(), e);
    }
    URI uri = path.toUri();
    String scheme =
        uri.getScheme() != null ? uri.getScheme() : FileSystem.getDefaultUri(conf).getScheme();
    try {
      FileSystem.getFileSystemClass(scheme, conf);
    } catch (UnsupportedFileSystemException e) {
      throw new BadOutputException(
          "output "
              + output
              + ": unknown file system scheme '"
              + scheme
              + "' (use a plain path, file:// or hdfs://)",
          e);
    } catch (IOException e) {
      throw new BadOutputException("output " + output + ": " + e.getMessage(), e);
    }
    Configuration probe = new Configuration(conf);
    probe.setInt("ipc.client.connect.max.retries", 0);
    probe.setInt("ipc.client.connect.max.retries.on.timeouts", 0);
    probe.setInt("ipc.client.connect.timeout", 5000);
    try (FileSystem fs = FileSystem.newInstance(path.toUri(), probe)) {
      Path target = fs.makeQualified(path);
      Path existing = target;
      FileStatus status = null;
      while (existing != null && status == null) {
        try {
          status = fs.getFileStatus(existing);
        } catch (FileNotFoundException e) {
          existing = existing.getParent();
        }
      }
      if (status == null) {
        throw new BadOutputException(
            "output " + output + ": no part of the path exists, not even the root", null);
      }
      if (!status.isDirectory()) {
        throw new BadOutputException(
            existing.equals(target)
                ? "output " + output + " is a regular file, not a dataset directory"
                : "output " + output + " cannot be created: " + existing + " is a regular file",
            null);
      }
      fs.access(existing, FsAction.WRITE);
      if (create && !existing.equals(target) && !fs.mkdirs(target)) {
        throw new BadOutputException(
            "output " + output + " cannot be created under " + existing, null);
      }
    } catch (BadOutputException e) {
      throw e;
    } catch (AccessControlException e) {
      throw new BadOutputException(
          "output " + output + ": permission denied (" + firstLine(e) + ")", e);
    } catch (IOException | RuntimeException e) {
      String where = uri.getAuthority() == null ? "" : " on " + scheme + "://" + uri.getAuthority();
      throw new BadOutputException(
          "output "
              + output
              + " cannot be reached or created"
              + where
              + ": "
              + e.getClass().getSimpleName()
              + ": "
              + firstLine(e),
          e);
    }
  }

  private static String firstLine(Throwable e) {
    String m = e.getMessage() == null ? "" : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}

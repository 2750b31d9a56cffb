package org.patchddm.brats;

import java.io.IOException;
import java.io.InputStream;

/**
 * Opens the paths of a {@link BratsSubject}: the local file system ({@link BratsLoader#local()})
 * or, in the Spark job, a Hadoop {@code FileSystem}. Must be serialisable only if the caller ships
 * it to executors.
 */
public interface FileOpener {

  /** Opens {@code path} for reading; the caller closes the stream. */
  InputStream open(String path) throws IOException;

  /** The file's length in bytes, or -1 when unknown (the reader then grows its buffer). */
  default long length(String path) throws IOException {
    return -1;
  }
}

package org.patchddm.spark.prep;

import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.patchddm.brats.FileOpener;

/** Opens cohort files through Hadoop's FileSystem (file://, hdfs://, ...) for the BraTS loader. */
final class HadoopFileOpener implements FileOpener {
  private final Configuration conf;

  HadoopFileOpener(Configuration conf) {
    this.conf = conf;
  }

  @Override
  public InputStream open(String path) throws IOException {
    try {
      return SubjectInputs.open(path, conf);
    } catch (IllegalArgumentException e) { // a name the Hadoop path syntax cannot carry
      throw new IOException(e.getMessage(), e);
    }
  }

  @Override
  public long length(String path) throws IOException {
    try {
      return SubjectInputs.length(path, conf);
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
  }
}

package org.patchddm.spark.prep;

import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.patchddm.brats.FileOpener;

/** Opens cohort files through Hadoop's FileSystem (file://, hdfs://, ...) for the BraTS loader. */
final class HadoopFileOpener implements FileOpener {
  private final Configuration conf;

  HadoopFileOpener(Configuration conf) {
    this.conf = conf;
  }

  @Override
  public InputStream open(String path) throws IOException {
    Path p = new Path(path);
    return p.getFileSystem(conf).open(p);
  }

  @Override
  public long length(String path) throws IOException {
    Path p = new Path(path);
    return p.getFileSystem(conf).getFileStatus(p).getLen();
  }
}

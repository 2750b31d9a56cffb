package org.patchddm.spark.prep;

/** Message helpers for Hadoop file errors. */
final class HadoopPaths {
  private HadoopPaths() {}

  /**
   * The exception's message without a leading copy of {@code path} (Hadoop's messages often start
   * with it), so that "cannot read P: ..." names the path once.
   */
  static String withoutPath(Throwable e, String path) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    String bare = path.startsWith("file:") ? path.substring(5) : path;
    for (String p : new String[] {path, bare}) {
      if (m.startsWith(p)) {
        return m.substring(p.length()).replaceFirst("^[:\\s]+", "");
      }
    }
    return m;
  }
}

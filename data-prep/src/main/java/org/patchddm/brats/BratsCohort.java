package org.patchddm.brats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Local-disk convenience over {@link BratsLayout}: lists a cohort directory and groups it. */
public final class BratsCohort {

  private BratsCohort() {}

  /**
   * Lists the regular files up to two levels below {@code root} (the subject directories and their
   * files) and groups them with {@link BratsLayout#group}. Paths in the result are {@code
   * root.resolve(...)} strings, so {@link BratsLoader#local()} can open them.
   *
   * @throws IOException if {@code root} is not a readable directory
   */
  public static CohortListing scan(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      throw new IOException("BraTS cohort root " + root + " is not a directory");
    }
    List<String> files;
    try (Stream<Path> s = Files.walk(root, 2)) {
      files = s.filter(Files::isRegularFile).map(Path::toString).sorted().toList();
    } catch (UncheckedIOException e) {
      throw new IOException(
          "cannot list BraTS cohort " + root + ": " + e.getCause().getMessage(), e.getCause());
    }
    return BratsLayout.group(files);
  }
}

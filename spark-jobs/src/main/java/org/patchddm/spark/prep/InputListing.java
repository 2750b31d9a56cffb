package org.patchddm.spark.prep;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.patchddm.brats.BratsLayout;
import org.patchddm.brats.CohortListing;
import org.patchddm.spark.dataset.Failure;

/**
 * The input cohort as listed on the driver through Hadoop's FileSystem and grouped by {@link
 * BratsLayout}: complete subjects, subjects that cannot be processed (incomplete, empty folders),
 * ignored files and warnings. Paths in failures, warnings and {@code ignored} are relative to the
 * input root.
 *
 * @param root the qualified input root
 * @param subjects complete subjects, sorted by id
 * @param problems subjects present but not processable, one failure each
 * @param ignored files that belong to no subject
 * @param warnings subjects formed with a guess (e.g. a label file with a non-standard name)
 */
public record InputListing(
    String root,
    List<SubjectFiles> subjects,
    List<Failure> problems,
    List<String> ignored,
    List<Failure> warnings) {

  /** How many ignored files are named in the log without {@code --verbose}. */
  static final int NAMED_IGNORED = 10;

  /**
   * Lists {@code root} recursively.
   *
   * @throws IOException when the root is not a directory
   */
  public static InputListing list(FileSystem fs, Path root) throws IOException {
    if (!fs.exists(root) || !fs.getFileStatus(root).isDirectory()) {
      throw new IOException("input " + root + " is not a directory");
    }
    String qualified = fs.makeQualified(root).toString();
    List<String> files = new ArrayList<>();
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
    while (it.hasNext()) {
      files.add(it.next().getPath().toString());
    }
    files.sort(null);
    CohortListing l = BratsLayout.group(files);
    List<Failure> problems = new ArrayList<>();
    l.problems().forEach(p -> problems.add(new Failure(p.subjectId(), "", p.reason())));
    Set<String> withFiles = new TreeSet<>();
    for (String f : files) {
      String rel = relative(f, qualified);
      if (rel.indexOf('/') > 0) {
        withFiles.add(rel.substring(0, rel.indexOf('/')));
      }
    }
    for (FileStatus s : fs.listStatus(root)) {
      String name = s.getPath().getName();
      if (s.isDirectory()
          && !name.startsWith(".")
          && !name.startsWith("_")
          && !withFiles.contains(name)) {
        problems.add(new Failure(name, name, "subject folder " + name + " is empty (no files)"));
      }
    }
    problems.sort(java.util.Comparator.comparing(Failure::subject));
    List<Failure> warnings = new ArrayList<>();
    for (CohortListing.Problem w : l.warnings()) {
      String seg =
          l.subjects().stream()
              .filter(b -> b.id().equals(w.subjectId()))
              .findFirst()
              .map(b -> relative(b.seg(), qualified))
              .orElse("");
      warnings.add(new Failure(w.subjectId(), seg, w.reason()));
    }
    return new InputListing(
        qualified,
        l.subjects().stream().map(SubjectFiles::of).toList(),
        List.copyOf(problems),
        l.ignored().stream().map(p -> relative(p, qualified)).toList(),
        List.copyOf(warnings));
  }

  /** True when the input holds no subject at all, complete or not. */
  public boolean isEmpty() {
    return subjects.isEmpty() && problems.isEmpty();
  }

  /** Prints the listing: counts, the ignored files (all with {@code verbose}) and the warnings. */
  public void print(PrintStream log, boolean verbose) {
    log.printf(
        Locale.ROOT,
        "input %s: %d complete subject(s), %d incomplete, %d other file(s) ignored%s%n",
        root,
        subjects.size(),
        problems.size(),
        ignored.size(),
        ignored.isEmpty() ? "" : ":");
    int shown = verbose ? ignored.size() : Math.min(NAMED_IGNORED, ignored.size());
    for (String f : ignored.subList(0, shown)) {
      log.println("  ignored: " + f);
    }
    if (shown < ignored.size()) {
      log.println("  ... and " + (ignored.size() - shown) + " more (--verbose lists all)");
    }
    for (Failure w : warnings) {
      log.println("warning: subject " + w.subject() + ": " + w.reason());
    }
  }

  /** {@code path} relative to the qualified root (unchanged when it lies elsewhere). */
  static String relative(String path, String qualifiedRoot) {
    if (path != null && path.startsWith(qualifiedRoot)) {
      return path.substring(qualifiedRoot.length()).replaceFirst("^/+", "");
    }
    return path == null ? "" : path;
  }
}

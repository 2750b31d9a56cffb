package org.patchddm.brats;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Groups a flat list of file paths into BraTS subjects. A pure function: it never touches a file
 * system, so a Spark job can pass paths it listed through Hadoop's {@code FileSystem} and local
 * code passes paths from {@link BratsCohort#scan}.
 *
 * <p>Layout: {@code <root>/<ID>/<ID>_{t1,t1ce,t2,flair,seg}.nii[.gz]}, e.g. {@code
 * BraTS20_Training_001/BraTS20_Training_001_t1ce.nii.gz}. Only the last two path components are
 * looked at, with either '/' or '\' as separator, so relative paths, absolute paths and URIs
 * ({@code hdfs://nn/brats/...}) all work.
 *
 * <ul>
 *   <li>A directory with at least one {@code <ID>_<kind>.nii[.gz]} file is a subject.
 *   <li>A subject without {@code seg} is a validation-style subject (not an error).
 *   <li>A missing sequence, a sequence present twice (.nii and .nii.gz) or a file whose prefix is
 *       not its directory's name makes the subject a {@link CohortListing.Problem} with the reason.
 *   <li>A subject without {@code <ID>_seg} whose directory holds exactly one other NIfTI file with
 *       "seg" or "label" in its name takes that file as its label, with a warning (real BraTS 2020
 *       names subject 355's label {@code W39_1998.09.19_Segm.nii}). Two or more such files make the
 *       subject a problem: a label is never dropped or guessed silently.
 *   <li>Other files (CSV tables, files directly under the root, names starting with '.' or '_',
 *       such as temporary and {@code _SUCCESS} files) are returned as ignored.
 * </ul>
 */
public final class BratsLayout {

  private static final Pattern FILE = Pattern.compile("(.+)_(t1|t1ce|t2|flair|seg)\\.nii(\\.gz)?");
  private static final Pattern LABEL_LIKE = Pattern.compile("(?i).*(seg|label).*\\.nii(\\.gz)?");

  private BratsLayout() {}

  /** Groups {@code paths} (files only) into subjects, problems and ignored paths. */
  public static CohortListing group(Collection<String> paths) {
    Map<String, Entry> byDir = new TreeMap<>();
    Map<String, List<String>> labelLike = new TreeMap<>();
    List<String> ignored = new ArrayList<>();
    for (String path : paths) {
      String[] parts = path.split("[/\\\\]");
      if (parts.length < 2) {
        ignored.add(path);
        continue;
      }
      String file = parts[parts.length - 1];
      String dir = parts[parts.length - 2];
      Matcher m = FILE.matcher(file);
      String parent = path.substring(0, path.length() - file.length() - 1);
      if (dir.isEmpty() || hidden(dir) || hidden(file) || !m.matches()) {
        if (!dir.isEmpty() && !hidden(dir) && !hidden(file) && LABEL_LIKE.matcher(file).matches()) {
          labelLike.computeIfAbsent(parent, p -> new ArrayList<>()).add(path);
        }
        ignored.add(path);
        continue;
      }
      Entry e = byDir.computeIfAbsent(parent, p -> new Entry(dir));
      if (!m.group(1).equals(dir)) {
        e.errors.add(
            "file "
                + file
                + " is named for subject "
                + m.group(1)
                + " but lies in directory "
                + dir);
        continue;
      }
      String kind = m.group(2);
      String previous = e.files.put(kind, path);
      if (previous != null) {
        e.errors.add(
            "sequence " + kind + " is present twice (" + lastPart(previous) + " and " + file + ")");
      }
    }
    List<BratsSubject> subjects = new ArrayList<>();
    List<CohortListing.Problem> problems = new ArrayList<>();
    List<CohortListing.Problem> warnings = new ArrayList<>();
    for (Map.Entry<String, Entry> d : byDir.entrySet()) {
      Entry e = d.getValue();
      List<String> extra = labelLike.getOrDefault(d.getKey(), List.of());
      if (e.files.containsKey("seg") || extra.isEmpty()) {
        continue;
      }
      if (extra.size() == 1) {
        e.files.put("seg", extra.get(0));
        ignored.remove(extra.get(0));
        warnings.add(
            new CohortListing.Problem(
                e.id,
                e.id
                    + ": label taken from "
                    + lastPart(extra.get(0))
                    + ", whose name does not follow "
                    + e.id
                    + "_seg.nii[.gz]"));
      } else {
        e.errors.add(
            "no "
                + e.id
                + "_seg.nii[.gz] but "
                + extra.size()
                + " label-like files ("
                + String.join(", ", extra.stream().map(BratsLayout::lastPart).toList())
                + "); cannot tell which is the label: rename it to "
                + e.id
                + "_seg.nii.gz");
      }
    }
    Map<String, Integer> idCount = new TreeMap<>();
    for (Entry e : byDir.values()) idCount.merge(e.id, 1, Integer::sum);
    for (Entry e : byDir.values()) {
      if (idCount.get(e.id) > 1) {
        e.errors.add("the subject id occurs in " + idCount.get(e.id) + " directories");
      }
      for (Sequence q : Sequence.values()) {
        if (!e.files.containsKey(q.suffix())) {
          e.errors.add(
              "missing sequence "
                  + q.suffix()
                  + " (expected "
                  + e.id
                  + "_"
                  + q.suffix()
                  + ".nii[.gz])");
        }
      }
      if (!e.errors.isEmpty()) {
        problems.add(new CohortListing.Problem(e.id, e.id + ": " + String.join("; ", e.errors)));
        continue;
      }
      Map<Sequence, String> seqs = new EnumMap<>(Sequence.class);
      for (Sequence q : Sequence.values()) seqs.put(q, e.files.get(q.suffix()));
      subjects.add(new BratsSubject(e.id, seqs, e.files.get("seg")));
    }
    subjects.sort(java.util.Comparator.comparing(BratsSubject::id));
    problems.sort(java.util.Comparator.comparing(CohortListing.Problem::subjectId));
    warnings.sort(java.util.Comparator.comparing(CohortListing.Problem::subjectId));
    return new CohortListing(subjects, problems, ignored, warnings);
  }

  private static boolean hidden(String name) {
    return name.startsWith(".") || name.startsWith("_");
  }

  private static String lastPart(String path) {
    String[] parts = path.split("[/\\\\]");
    return parts[parts.length - 1];
  }

  private static final class Entry {
    final String id;
    final Map<String, String> files = new TreeMap<>();
    final List<String> errors = new ArrayList<>();

    Entry(String id) {
      this.id = id;
    }
  }
}

package org.patchddm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The embedded default pipeline: a synthetic cohort made on the spot, preprocessed with local
 * Spark on the CPU backend, then summarised. Each stage is the ordinary subcommand, run in this
 * JVM, so the quickstart exercises exactly what users run by hand.
 */
@Command(
    name = "quickstart",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the main job on the embedded default: synth -> preprocess -> dataset summary,",
      "with local Spark and the CPU backend. Re-running reuses what is already there",
      "(the preprocess step is incremental)."
    })
public final class QuickstartCommand implements Callable<Integer> {

  @Option(names = "--workdir", defaultValue = "work/quickstart",
      description = "Where the cohort and the dataset go (default: ${DEFAULT-VALUE}).")
  Path workdir;

  @Option(names = "--subjects", defaultValue = "20",
      description = "Synthetic subjects (default: ${DEFAULT-VALUE}; with the default split seed that gives"
          + " 17 train, 2 val, 1 test).")
  int subjects;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the synthetic cohort (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--shape", description = "Synthetic volume shape X,Y,Z (default: synth's small CPU shape).")
  String shape;

  @Option(names = "--conf", description = "Config profile (default: conf/local.conf of this installation).")
  Path conf;

  @Override
  public Integer call() {
    Path raw = workdir.resolve("raw");
    Path dataset = workdir.resolve("dataset");
    Path profile = conf != null ? conf : defaultProfile();

    List<String> synth = new ArrayList<>(List.of("synth", "--out", raw.toString(),
        "--subjects", Integer.toString(subjects), "--seed", Long.toString(seed)));
    if (shape != null) {
      synth.addAll(List.of("--shape", shape));
    }
    List<String> prep = new ArrayList<>(List.of("preprocess", "--input", raw.toString(),
        "--output", dataset.toString()));
    if (profile != null) {
      prep.addAll(List.of("--conf", profile.toString()));
    }

    int rc;
    if (hasSubjects(raw)) {
      // synth refuses to overwrite subjects; re-runs reuse the cohort (the preprocess step is incremental).
      System.out.printf("== 1/3 synthetic cohort: reusing %s (delete it to make a new one)%n", raw);
    } else {
      rc = stage("1/3 synthetic cohort", synth);
      if (rc != 0) {
        return rc;
      }
    }
    rc = stage("2/3 preprocess", prep);
    if (rc != 0) {
      return rc;
    }
    rc = stage("3/3 dataset summary", List.of("dataset-info", "--dataset", dataset.toString()));
    if (rc == 0) {
      System.out.printf("quickstart: done. Look at a subject as the model sees it with:%n"
          + "  submit/patchddm export --dataset %s --subject %s --out %s%n",
          dataset, firstSubject(raw), workdir.resolve("export"));
    }
    return rc;
  }

  private static boolean hasSubjects(Path raw) {
    return !"<ID>".equals(firstSubject(raw));
  }

  /** The first subject directory of the cohort, for the hint printed at the end. */
  private static String firstSubject(Path raw) {
    try (var dirs = Files.list(raw)) {
      return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString())
          .filter(n -> !n.startsWith(".")).sorted().findFirst().orElse("<ID>");
    } catch (java.io.IOException e) {
      return "<ID>";
    }
  }

  private static int stage(String title, List<String> args) {
    System.out.printf("== %s: patchddm %s%n", title, String.join(" ", args));
    long t0 = System.nanoTime();
    int rc = PatchDdm.commandLine().execute(args.toArray(String[]::new));
    System.out.printf("== %s: %s in %.1f s%n", title, rc == 0 ? "ok" : "FAILED (exit " + rc + ")",
        (System.nanoTime() - t0) / 1e9);
    return rc;
  }

  /** conf/local.conf next to the launcher ({@code -Dpatchddm.home}), or in the working directory. */
  static Path defaultProfile() {
    String home = System.getProperty("patchddm.home");
    Path p = home != null ? Path.of(home, "conf", "local.conf") : Path.of("conf", "local.conf");
    return Files.isRegularFile(p) ? p : null;
  }
}

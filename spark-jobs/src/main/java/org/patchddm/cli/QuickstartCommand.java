package org.patchddm.cli;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.patchddm.model.diffusion.DiffusionSettings;
import org.patchddm.spark.config.ConfigLoader;
import org.patchddm.spark.dataset.DatasetStore;
import org.patchddm.spark.infer.InferSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The embedded default pipeline: a synthetic cohort made on the spot, preprocessed with local Spark
 * on the CPU backend, a PatchDDM model trained on it, the test split segmented by an ensemble, and
 * the report. Each stage is the ordinary subcommand, run in this JVM, so the quickstart exercises
 * exactly what users run by hand, and each reuses what a previous run completed (synth keeps the
 * cohort, preprocess is incremental, train resumes from its latest checkpoint, infer skips complete
 * subjects). The last line printed is one JSON object with the test scores.
 */
@Command(
    name = "quickstart",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the main job on the embedded default: synth -> preprocess -> train -> infer (test split) -> report,",
      "with local Spark and the CPU backend. Re-running reuses what is complete at every stage.",
      "The last line is a JSON object: test_dice, test_hd95_mm, test_dice_single, ensemble, steps, subjects,",
      "report, elapsed_s."
    })
public final class QuickstartCommand implements Callable<Integer> {

  /** The fewest test subjects the quickstart accepts, for a meaningful mean. */
  static final int MIN_TEST_SUBJECTS = 4;

  @Option(
      names = "--workdir",
      defaultValue = "work/quickstart",
      description = "Where the cohort, dataset, run and outputs go (default: ${DEFAULT-VALUE}).")
  Path workdir;

  @Option(
      names = "--subjects",
      defaultValue = "24",
      description =
          "Synthetic subjects (default: ${DEFAULT-VALUE}; with the local profile's 70/10/20 split and"
              + " seed 42 that gives 18 train, 2 val, 4 test).")
  int subjects;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Seed of the synthetic cohort (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--shape",
      description = "Synthetic volume shape X,Y,Z (default: synth's small CPU shape).")
  String shape;

  @Option(
      names = "--conf",
      description = "Config profile (default: conf/local.conf of this installation).")
  Path conf;

  @Override
  public Integer call() {
    long t0 = System.nanoTime();
    Path raw = workdir.resolve("raw");
    Path dataset = workdir.resolve("dataset");
    Path run = workdir.resolve("run");
    Path out = workdir.resolve("infer");
    Path profile = conf != null ? conf : defaultProfile();
    List<String> confArgs = profile == null ? List.of() : List.of("--conf", profile.toString());

    List<String> synth =
        new ArrayList<>(
            List.of(
                "synth",
                "--out",
                raw.toString(),
                "--subjects",
                Integer.toString(subjects),
                "--seed",
                Long.toString(seed)));
    if (shape != null) {
      synth.addAll(List.of("--shape", shape));
    }
    int rc;
    if (hasSubjects(raw)) {
      // synth refuses to overwrite subjects; re-runs reuse the cohort (the preprocess step is
      // incremental).
      System.out.printf("== 1/4 synthetic cohort: reusing %s (delete it to make a new one)%n", raw);
    } else {
      rc = stage("1/4 synthetic cohort", synth);
      if (rc != 0) {
        return rc;
      }
    }
    rc =
        stage(
            "2/4 preprocess",
            concat(
                List.of("preprocess", "--input", raw.toString(), "--output", dataset.toString()),
                confArgs));
    if (rc != 0) {
      return rc;
    }
    long tests = testSubjects(dataset);
    if (tests < MIN_TEST_SUBJECTS) {
      System.err.printf(
          "quickstart: the dataset has %d test subject(s), at least %d are needed for a meaningful"
              + " mean; use more --subjects (or other split fractions in the profile)%n",
          tests, MIN_TEST_SUBJECTS);
      return 1;
    }
    rc =
        stage(
            "3/4 train (PatchDDM)",
            concat(
                List.of(
                    "train",
                    "--data",
                    dataset.toString(),
                    "--out",
                    run.toString(),
                    "--mode",
                    "patchddm",
                    "--resume"),
                confArgs));
    if (rc != 0) {
      return rc;
    }
    rc =
        stage(
            "4/4 infer on the test split + report",
            concat(
                List.of(
                    "infer",
                    "--model",
                    run.toString(),
                    "--data",
                    dataset.toString(),
                    "--out",
                    out.toString(),
                    "--split",
                    "test"),
                confArgs));
    if (rc != 0) {
      return rc;
    }
    return summary(profile, out, tests, (System.nanoTime() - t0) / 1e9);
  }

  /**
   * Prints the closing JSON line from OUT_DIR/metrics.csv: the mean scores of the full ensemble at
   * S steps, and the mean Dice of a single sample (the first member).
   */
  private static int summary(Path profile, Path out, long subjects, double elapsed) {
    Config config =
        ConfigLoader.load(profile == null ? null : profile.toString(), List.of(), Map.of());
    InferSettings s = InferSettings.fromConfig(config);
    int steps = s.steps() > 0 ? s.steps() : DiffusionSettings.fromConfig(config).samplingSteps();
    List<Double> dice = new ArrayList<>();
    List<Double> hd = new ArrayList<>();
    List<Double> single = new ArrayList<>();
    try {
      List<String> lines = Files.readAllLines(out.resolve("metrics.csv"));
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split(",");
        if (Integer.parseInt(f[1]) != steps) {
          continue;
        }
        if (Integer.parseInt(f[2]) == s.ensemble()) {
          dice.add(Double.parseDouble(f[3]));
          hd.add(Double.parseDouble(f[4]));
        }
        if (Integer.parseInt(f[2]) == 1) {
          single.add(Double.parseDouble(f[3]));
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      System.err.println("quickstart: cannot read " + out.resolve("metrics.csv") + ": " + e);
      return 1;
    }
    JsonObject j = new JsonObject();
    j.addProperty("what", "quickstart");
    j.addProperty("test_dice", round(mean(dice), 4));
    j.addProperty("test_hd95_mm", round(mean(hd), 2));
    // the first member alone: one DDIM sample per subject
    j.addProperty("test_dice_single", round(mean(single), 4));
    j.addProperty("ensemble", s.ensemble());
    j.addProperty("steps", steps);
    j.addProperty("subjects", dice.size());
    j.addProperty("report", out.resolve("report.html").toAbsolutePath().toString());
    j.addProperty("elapsed_s", round(elapsed, 1));
    if (dice.size() != subjects) {
      System.err.printf("quickstart: %d of %d test subjects were scored%n", dice.size(), subjects);
    }
    System.out.println(new Gson().toJson(j));
    return dice.size() == subjects ? 0 : 2;
  }

  private static double mean(List<Double> v) {
    return v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }

  private static double round(double v, int decimals) {
    double f = Math.pow(10, decimals);
    return Math.round(v * f) / f;
  }

  private static long testSubjects(Path dataset) {
    try {
      return new DatasetStore(dataset.toString(), new Configuration())
          .latest()
          .map(m -> m.splitCounts().getOrDefault("test", 0L))
          .orElse(0L);
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static boolean hasSubjects(Path raw) {
    return !"<ID>".equals(firstSubject(raw));
  }

  /** The first subject directory of the cohort, for the hint printed at the end. */
  private static String firstSubject(Path raw) {
    try (var dirs = Files.list(raw)) {
      return dirs.filter(Files::isDirectory)
          .map(d -> d.getFileName().toString())
          .filter(n -> !n.startsWith("."))
          .sorted()
          .findFirst()
          .orElse("<ID>");
    } catch (java.io.IOException e) {
      return "<ID>";
    }
  }

  private static int stage(String title, List<String> args) {
    System.out.printf("== %s: patchddm %s%n", title, String.join(" ", args));
    long t0 = System.nanoTime();
    int rc = PatchDdm.commandLine().execute(args.toArray(String[]::new));
    System.out.printf(
        "== %s: %s in %.1f s%n",
        title, rc == 0 ? "ok" : "FAILED (exit " + rc + ")", (System.nanoTime() - t0) / 1e9);
    return rc;
  }

  /**
   * conf/local.conf next to the launcher ({@code -Dpatchddm.home}), or in the working directory.
   */
  static Path defaultProfile() {
    String home = System.getProperty("patchddm.home");
    Path p = home != null ? Path.of(home, "conf", "local.conf") : Path.of("conf", "local.conf");
    return Files.isRegularFile(p) ? p : null;
  }
}

package org.patchddm.cli;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.patchddm.model.bench.ResourceBenchRunner;
import org.patchddm.model.bench.ResourceBenchSettings;
import org.patchddm.model.patch.TrainingMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code patchddm bench resources}: the paper's resource table (training memory and time per
 * iteration, inference memory and time per network evaluation, for FullRes, HalfRes and PatchDDM)
 * at a scale this machine runs. Each measurement runs in a fresh JVM; prints one JSON line per
 * measurement, then a table with the ratios to FullRes. A benchmark, not a test. Exit codes: 0
 * done, 1 usage error, 2 a measurement failed or ran past its time limit.
 */
@Command(
    name = "resources",
    mixinStandardHelpOptions = true,
    description =
        "Memory and time of FullRes, HalfRes and PatchDDM (training step and inference"
            + " evaluation), each in a fresh JVM: JSON lines (what, mode, size, patch, peak_mb,"
            + " s_per_iter, ...) and a table with ratios to FullRes.")
public final class BenchResourcesCommand implements Callable<Integer> {

  @Option(
      names = "--size",
      description = "Edge of the whole volume, the paper's 256" + " (default ${DEFAULT-VALUE}).")
  int size = 128;

  @Option(
      names = "--patch",
      description =
          "Edge of PatchDDM's training patch, the paper's 128" + " (default ${DEFAULT-VALUE}).")
  int patch = 64;

  @Option(
      names = "--channels",
      description =
          "Model channels, the paper's 29 (default"
              + " ${DEFAULT-VALUE}: the paper width takes about 10 s per 64^3 step on 2 cores).")
  int channels = 8;

  @Option(
      names = "--mult",
      split = ",",
      description = "Channel multipliers (default" + " 1,3,4,4,4,4,4, the paper's).")
  List<Integer> mult = List.of(1, 3, 4, 4, 4, 4, 4);

  @Option(names = "--mr-channels", description = "MR channels (default ${DEFAULT-VALUE}).")
  int mrChannels = 4;

  @Option(names = "--reps", description = "Timed repetitions (default ${DEFAULT-VALUE}).")
  int reps = 3;

  @Option(names = "--warmup", description = "Untimed repetitions first (default ${DEFAULT-VALUE}).")
  int warmup = 1;

  @Option(
      names = "--modes",
      split = ",",
      description = "Any of fullres, halfres, patchddm" + " (default: all).")
  List<String> modes = List.of("fullres", "halfres", "patchddm");

  @Option(names = "--what", split = ",", description = "Any of train, infer (default: both).")
  List<String> what = List.of("train", "infer");

  @Option(
      names = "--fullres-unsplit",
      description =
          "FullRes as one graph instead of split over"
              + " two devices as in the paper (default: split, both parts on this machine).")
  boolean unsplit;

  @Option(names = "--timeout", description = "Seconds per measurement (default ${DEFAULT-VALUE}).")
  int timeout = 1800;

  @Override
  public Integer call() {
    String memoryWarning = org.patchddm.model.runtime.NativeMemory.warningIfUnset();
    if (memoryWarning != null) {
      System.err.println("bench resources: " + memoryWarning);
    }
    ResourceBenchSettings settings;
    try {
      List<TrainingMode> m = modes.stream().map(ResourceBenchSettings::mode).distinct().toList();
      Set<ResourceBenchSettings.Kind> kinds = EnumSet.noneOf(ResourceBenchSettings.Kind.class);
      for (String w : what) {
        switch (w.trim().toLowerCase(java.util.Locale.ROOT)) {
          case "train" -> kinds.add(ResourceBenchSettings.Kind.TRAIN);
          case "infer" -> kinds.add(ResourceBenchSettings.Kind.INFER);
          default ->
              throw new IllegalArgumentException("--what accepts train, infer; got '" + w + "'");
        }
      }
      settings =
          new ResourceBenchSettings(
              size, patch, channels, mult, mrChannels, reps, warmup, m, kinds, !unsplit, timeout);
    } catch (IllegalArgumentException e) {
      System.err.println("bench resources: " + e.getMessage());
      return 1;
    }
    try {
      ResourceBenchRunner.run(settings, System.out::println);
    } catch (IllegalStateException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    return 0;
  }
}

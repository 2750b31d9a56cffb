package org.patchddm.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.patchddm.model.bench.Bench;
import org.patchddm.model.bench.BenchSettings;
import org.patchddm.model.net.ConvImpl;
import org.patchddm.model.net.UNetSettings;
import org.patchddm.model.runtime.NativeMemory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code patchddm bench}: times the U-Net (train step, inference forward) on random data and prints
 * one JSON line per measurement. A benchmark, not a test. Exit code 1 for a bad option value.
 * {@code patchddm bench resources} ({@link BenchResourcesCommand}) measures the paper's resource
 * table, {@code patchddm bench spark-train} ({@link BenchSparkTrainCommand}) the averaging rounds.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Time the diffusion U-Net: one JSON line per measurement (params, infer_forward,"
            + " train_step).",
    subcommands = {
      BenchResourcesCommand.class,
      BenchSparkTrainCommand.class,
      BenchInferCommand.class
    })
public final class BenchCommand implements Callable<Integer> {

  @Option(names = "--size", description = "Edge of the cubic input (default ${DEFAULT-VALUE}).")
  int size = 64;

  @Option(names = "--channels", description = "Model channels (default ${DEFAULT-VALUE}).")
  int channels = 29;

  @Option(
      names = "--mult",
      split = ",",
      description = "Channel multipliers (default 1,3,4,4,4,4,4).")
  List<Integer> mult = List.of(1, 3, 4, 4, 4, 4, 4);

  @Option(names = "--in-channels", description = "Input channels (default ${DEFAULT-VALUE}).")
  int inChannels = 8;

  @Option(names = "--batch", description = "Batch size (default ${DEFAULT-VALUE}).")
  int batch = 1;

  @Option(names = "--reps", description = "Timed repetitions (default ${DEFAULT-VALUE}).")
  int reps = 3;

  @Option(names = "--warmup", description = "Untimed repetitions first (default ${DEFAULT-VALUE}).")
  int warmup = 1;

  @Option(
      names = "--conv-impl",
      description = "Convolution layer: AUTO, ONEDNN or DL4J (default: patchddm.model.conv-impl).")
  String convImpl;

  @Mixin ConfigOptions config;

  @Option(
      names = "--what",
      split = ",",
      description = "Any of train, infer, params (default: all).")
  List<String> what = List.of("train", "infer", "params");

  @Override
  public Integer call() {
    Config conf;
    try {
      conf = config.load(Map.of());
    } catch (ConfigException | IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      return 1;
    }
    String memoryWarning = NativeMemory.warningIfUnset();
    if (memoryWarning != null) {
      System.err.println("bench: " + memoryWarning);
    }
    Set<BenchSettings.What> set = EnumSet.noneOf(BenchSettings.What.class);
    for (String w : what) {
      try {
        set.add(BenchSettings.What.valueOf(w.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        System.err.println("bench: --what accepts train, infer, params; got '" + w + "'");
        return 1;
      }
    }
    ConvImpl impl = UNetSettings.fromConfig(conf).convImpl();
    if (convImpl != null) {
      try {
        impl = ConvImpl.valueOf(convImpl.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        System.err.println("bench: --conv-impl accepts AUTO, ONEDNN, DL4J; got '" + convImpl + "'");
        return 1;
      }
    }
    BenchSettings settings;
    try {
      settings =
          new BenchSettings(size, channels, mult, inChannels, batch, reps, warmup, set, impl);
      settings.network();
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return 1;
    }
    Bench.run(settings, System.out::println);
    return 0;
  }
}

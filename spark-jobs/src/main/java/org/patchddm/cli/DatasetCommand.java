package org.patchddm.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.patchddm.spark.dataset.DatasetStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code patchddm dataset}: maintenance of a preprocessed dataset. Subcommands {@code info} (the
 * same as the top-level {@code dataset-info}), {@code compact} and {@code gc}.
 */
@Command(
    name = "dataset",
    mixinStandardHelpOptions = true,
    description = "Inspect and maintain a preprocessed dataset: info, compact, gc.",
    subcommands = {DatasetCommand.Info.class, DatasetCompactCommand.class, DatasetGcCommand.class})
public final class DatasetCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** {@code patchddm dataset info}: {@link DatasetInfoCommand} under its new name. */
  @Command(
      name = "info",
      mixinStandardHelpOptions = true,
      description =
          "Print the summary of a preprocessed dataset (subjects per split, shape, failures, versions).")
  static final class Info implements Callable<Integer> {
    @Option(names = "--dataset", required = true, paramLabel = "DIR")
    String dataset;

    @Override
    public Integer call() {
      try {
        DatasetInfoCommand.print(new DatasetStore(dataset, new Configuration()), System.out);
        return 0;
      } catch (IOException e) {
        System.err.println("patchddm dataset info: " + e.getMessage());
        return 1;
      }
    }
  }
}

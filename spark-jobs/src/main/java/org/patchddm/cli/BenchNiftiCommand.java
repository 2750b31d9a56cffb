package org.patchddm.cli;

import java.util.concurrent.Callable;
import org.patchddm.nifti.NiftiBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code patchddm bench-nifti}: times NIfTI writing and reading of a BraTS-sized volume, one JSON
 * line per run.
 */
@Command(
    name = "bench-nifti",
    mixinStandardHelpOptions = true,
    description =
        "Time writing and reading a 240x240x155 int16 NIfTI volume (gzipped and plain): one JSON line"
            + " per run.")
public final class BenchNiftiCommand implements Callable<Integer> {

  @Option(names = "--runs", description = "Timed runs (default ${DEFAULT-VALUE}).")
  int runs = 5;

  @Override
  public Integer call() throws Exception {
    if (runs <= 0) {
      System.err.println("bench-nifti: --runs must be positive, got " + runs);
      return 1;
    }
    NiftiBench.run(runs, System.out::println);
    return 0;
  }
}

package org.patchddm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code submit/patchddm} and of the shaded jar. Each subcommand is its own class
 * in this package; this class only wires them together.
 */
@Command(
    name = "patchddm",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "PatchDDM on Spark: preprocess BraTS cohorts, train and run 3D diffusion segmentation.",
    subcommands = {
      QuickstartCommand.class,
      SynthCommand.class,
      PreprocessCommand.class,
      TrainCommand.class,
      InferCommand.class,
      DatasetInfoCommand.class,
      ExportCommand.class,
      NiftiInfoCommand.class,
      BenchCommand.class,
      BenchPreprocessCommand.class,
      BenchNiftiCommand.class,
      CommandLine.HelpCommand.class
    })
public final class PatchDdm implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Builds the command line; tests call this to run subcommands in-process. */
  public static CommandLine commandLine() {
    // "bench --what infer" takes "infer" as a value although "bench infer" is also a subcommand
    return new CommandLine(new PatchDdm()).setCaseInsensitiveEnumValuesAllowed(true)
        .setAllowSubcommandsAsOptionParameters(true);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}

package org.patchddm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code submit/patchddm} and of the shaded jar. Each subcommand is its own class in
 * this package; this class only wires them together.
 */
@Command(
    name = "patchddm",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description =
        "PatchDDM on Spark: preprocess BraTS cohorts, train and run 3D diffusion segmentation.",
    subcommands = {
      QuickstartCommand.class,
      SynthCommand.class,
      PreprocessCommand.class,
      TrainCommand.class,
      InferCommand.class,
      DatasetInfoCommand.class,
      DatasetCommand.class,
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
    return configure(new CommandLine(new PatchDdm()));
  }

  /**
   * The settings every command line shares: case-insensitive enums, and exit code 1 for usage
   * errors (a missing or unknown option, an unknown command) and uncaught exceptions, since 2 means
   * "some subjects failed" (README, Exit codes).
   */
  public static CommandLine configure(CommandLine cl) {
    // "bench --what infer" takes "infer" as a value although "bench infer" is also a subcommand
    return cl.setCaseInsensitiveEnumValuesAllowed(true)
        .setAllowSubcommandsAsOptionParameters(true)
        .setExitCodeExceptionMapper(e -> 1);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}

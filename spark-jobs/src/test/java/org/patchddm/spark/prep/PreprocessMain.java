package org.patchddm.spark.prep;

import org.patchddm.cli.PreprocessCommand;
import picocli.CommandLine;

/** Test main run in a child JVM: {@code patchddm preprocess ARGS}. */
public final class PreprocessMain {
  private PreprocessMain() {}

  public static void main(String[] args) {
    System.exit(org.patchddm.cli.PatchDdm.configure(new CommandLine(new PreprocessCommand())).execute(args));
  }
}

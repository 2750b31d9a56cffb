package org.patchddm.spark;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Runs a picocli command in-process and captures what it prints. */
public final class CommandRunner {
  /** Exit code and captured output of one command. */
  public record Result(int exitCode, String out, String err) {}

  private CommandRunner() {}

  public static synchronized Result run(Object command, String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      code = org.patchddm.cli.PatchDdm.configure(new CommandLine(command)).execute(args);
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    Result r =
        new Result(
            code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    oldOut.print(r.out());
    oldErr.print(r.err());
    return r;
  }
}

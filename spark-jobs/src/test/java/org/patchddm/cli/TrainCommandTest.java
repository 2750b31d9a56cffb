package org.patchddm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code patchddm train}'s help and usage errors, through the real entry point's command line. */
class TrainCommandTest {

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    CommandLine cl = PatchDdm.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void helpAnswersWithEveryOption() {
    Run r = run("train", "--help");
    assertEquals(0, r.code());
    for (String option :
        new String[] {"--data", "--out", "--mode", "--resume", "--conf", "--set"}) {
      assertTrue(r.out().contains(option), option + " missing from:\n" + r.out());
    }
    assertTrue(
        r.out().contains("patchddm, fullres or halfres") || r.out().contains("patchddm ("),
        r.out());
  }

  @Test
  void missingRequiredOptionsAreAUsageErrorWithExitCode1() {
    Run r = run("train", "--out", "/tmp/never-written");
    assertEquals(1, r.code());
    assertTrue(r.err().contains("--data"), r.err());
  }

  @Test
  void anUnknownModeIsAConfigurationErrorBeforeSparkStarts() {
    Run r =
        run(
            "train",
            "--data",
            "/nonexistent",
            "--out",
            "/tmp/never-written",
            "--mode",
            "quarterres");
    assertEquals(1, r.code());
  }
}

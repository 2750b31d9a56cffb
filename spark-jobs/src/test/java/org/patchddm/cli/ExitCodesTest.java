package org.patchddm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Usage and configuration errors exit 1 for every command; 2 is reserved for "some subjects
 * failed".
 */
class ExitCodesTest {
  @TempDir Path dir;

  private record Run(int code, String err) {}

  private static Run run(String... args) {
    CommandLine cl = PatchDdm.commandLine();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    cl.setOut(new PrintWriter(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    int code = cl.execute(args);
    return new Run(code, err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void usageErrorsExitOneForEveryCommand() {
    Run unknownCommand = run("preprocesss", "--input", "x");
    assertEquals(1, unknownCommand.code());
    assertTrue(unknownCommand.err().contains("preprocesss"), unknownCommand.err());
    assertEquals(1, run("preprocess", "--input", dir.toString()).code(), "missing --output");
    assertEquals(
        1, run("preprocess", "--input", "a", "--output", "b", "--bogus").code(), "unknown option");
    assertEquals(1, run("dataset-info").code(), "missing --dataset");
    assertEquals(1, run("export", "--dataset", "d").code(), "missing --subject and --out");
    assertEquals(1, run("nifti-info").code(), "no file");
    assertEquals(1, run("synth", "--out", dir.resolve("s").toString(), "--subjects", "-1").code());
    assertEquals(1, run("synth", "--out", dir.resolve("s").toString(), "--shape", "1,2").code());
    assertEquals(1, run("bench", "--what", "nothing").code(), "bench: bad --what (issue 10 too)");
    assertEquals(1, run("bench", "--size", "x").code(), "bench: not a number");
    assertEquals(1, run("quickstart", "--no-such-option").code());
    assertEquals(
        1,
        run("dataset-info", "--dataset", dir.resolve("none").toString()).code(),
        "no dataset there");
  }
}

package org.patchddm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SynthCommandTest {

  private static int run(StringWriter out, String... args) {
    CommandLine cl = new CommandLine(new SynthCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(out, true));
    return cl.execute(args);
  }

  private static List<String> files(Path root) throws Exception {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile)
          .map(p -> root.relativize(p).toString())
          .sorted()
          .toList();
    }
  }

  @Test
  void writesTheBratsLayoutDeterministicallyAndIndependentlyOfN(@TempDir Path tmp)
      throws Exception {
    StringWriter log = new StringWriter();
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    assertEquals(
        0,
        run(
            log,
            "--out",
            a.toString(),
            "--subjects",
            "2",
            "--seed",
            "5",
            "--shape",
            "32,32,20",
            "--validation-subjects",
            "1"));
    assertEquals(
        0,
        run(log, "--out", b.toString(), "--subjects", "3", "--seed", "5", "--shape", "32,32,20"));
    List<String> fa = files(a);
    assertEquals(
        List.of(
            "BraTS20_Training_001/BraTS20_Training_001_flair.nii.gz",
            "BraTS20_Training_001/BraTS20_Training_001_seg.nii.gz",
            "BraTS20_Training_001/BraTS20_Training_001_t1.nii.gz",
            "BraTS20_Training_001/BraTS20_Training_001_t1ce.nii.gz",
            "BraTS20_Training_001/BraTS20_Training_001_t2.nii.gz",
            "BraTS20_Training_002/BraTS20_Training_002_flair.nii.gz",
            "BraTS20_Training_002/BraTS20_Training_002_seg.nii.gz",
            "BraTS20_Training_002/BraTS20_Training_002_t1.nii.gz",
            "BraTS20_Training_002/BraTS20_Training_002_t1ce.nii.gz",
            "BraTS20_Training_002/BraTS20_Training_002_t2.nii.gz",
            "BraTS20_Validation_001/BraTS20_Validation_001_flair.nii.gz",
            "BraTS20_Validation_001/BraTS20_Validation_001_t1.nii.gz",
            "BraTS20_Validation_001/BraTS20_Validation_001_t1ce.nii.gz",
            "BraTS20_Validation_001/BraTS20_Validation_001_t2.nii.gz"),
        fa);
    for (String f : fa) {
      if (f.startsWith("BraTS20_Training")) {
        assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f);
      }
    }
    String text = log.toString();
    assertTrue(text.contains("[2/3] BraTS20_Training_002"), text);
    assertTrue(text.contains("[3/3] BraTS20_Validation_001 (no seg)"), text);
    assertTrue(text.contains("wrote 2 training"), text);

    // existing subjects are refused before anything is written; --overwrite replaces them
    StringWriter err = new StringWriter();
    assertEquals(1, run(err, "--out", a.toString(), "--subjects", "1", "--shape", "32,32,20"));
    assertTrue(
        err.toString().contains("BraTS20_Training_001: subject directory already exists"),
        err.toString());
    assertEquals(
        0,
        run(
            log,
            "--out",
            a.toString(),
            "--subjects",
            "1",
            "--seed",
            "6",
            "--shape",
            "32,32,20",
            "--overwrite"));
    String f = "BraTS20_Training_001/BraTS20_Training_001_t1.nii.gz";
    assertFalse(
        java.util.Arrays.equals(
            Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f))));
  }

  @Test
  void withSegFalseWritesNoSeg(@TempDir Path tmp) throws Exception {
    assertEquals(
        0,
        run(
            new StringWriter(),
            "--out",
            tmp.toString(),
            "--subjects",
            "1",
            "--shape",
            "24,24,16",
            "--with-seg=false"));
    assertEquals(4, files(tmp).size());
  }

  @Test
  void helpAndBadArguments(@TempDir Path tmp) {
    StringWriter out = new StringWriter();
    assertEquals(0, run(out, "--help"));
    assertTrue(out.toString().contains("--validation-subjects"), out.toString());
    assertTrue(out.toString().contains("BraTS20_Training_NNN"), out.toString());
    assertEquals(2, run(new StringWriter(), "--out", tmp.toString(), "--shape", "8,8,8"));
    assertEquals(2, run(new StringWriter(), "--out", tmp.toString(), "--subjects", "0"));
    assertEquals(2, run(new StringWriter(), "--subjects", "1"));
  }
}

package org.patchddm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patchddm.nifti.NiftiVolume;
import org.patchddm.nifti.NiftiWriter;
import picocli.CommandLine;

class NiftiInfoCommandTest {
  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new NiftiInfoCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  /**
   * 2x2x1 int16 volume with values 0, 10, 20, 30 (scaled by 0.5 + 1), 2 mm voxels, offset (-5, 6,
   * 7).
   */
  private Path knownVolume() throws Exception {
    double[][] affine = {{2, 0, 0, -5}, {0, 2, 0, 6}, {0, 0, 2, 7}, {0, 0, 0, 1}};
    NiftiVolume v =
        NiftiVolume.ofShorts(new int[] {2, 2, 1}, new short[] {0, 10, 20, 30}, null, affine)
            .withScaling(0.5, 1);
    Path f = dir.resolve("known.nii.gz");
    NiftiWriter.write(f, v);
    return f;
  }

  @Test
  void jsonFieldNamesAndValues() throws Exception {
    Path f = knownVolume();
    Run r = run(f.toString(), "--json");
    assertEquals(0, r.exit(), r.err());
    String[] lines = r.out().strip().split("\\R");
    assertEquals(1, lines.length);
    JsonObject o = JsonParser.parseString(lines[0]).getAsJsonObject();
    assertEquals(
        List.of(
            "path",
            "format",
            "shape",
            "datatype",
            "pixdim",
            "scl_slope",
            "scl_inter",
            "qform_code",
            "sform_code",
            "affine",
            "min",
            "max",
            "mean",
            "sum",
            "nan_count"),
        new ArrayList<>(o.keySet()));
    assertEquals(f.toString(), o.get("path").getAsString());
    assertEquals("nifti1", o.get("format").getAsString());
    assertEquals("[2,2,1]", o.get("shape").toString());
    assertEquals("int16", o.get("datatype").getAsString());
    assertEquals(2.0, o.getAsJsonArray("pixdim").get(0).getAsDouble(), 1e-6);
    assertEquals(0.5, o.get("scl_slope").getAsDouble(), 0);
    assertEquals(1.0, o.get("scl_inter").getAsDouble(), 0);
    assertEquals(1, o.get("qform_code").getAsInt());
    assertEquals(1, o.get("sform_code").getAsInt());
    JsonArray affine = o.getAsJsonArray("affine");
    assertEquals(4, affine.size());
    assertEquals(-5.0, affine.get(0).getAsJsonArray().get(3).getAsDouble(), 1e-6);
    assertEquals(2.0, affine.get(2).getAsJsonArray().get(2).getAsDouble(), 1e-6);
    // scaled values: 1, 6, 11, 16
    assertEquals(1.0, o.get("min").getAsDouble(), 1e-9);
    assertEquals(16.0, o.get("max").getAsDouble(), 1e-9);
    assertEquals(8.5, o.get("mean").getAsDouble(), 1e-9);
    assertEquals(34.0, o.get("sum").getAsDouble(), 1e-9);
    assertEquals(0, o.get("nan_count").getAsLong());
  }

  @Test
  void imagesAboveTheConfiguredReadLimitAreRejectedBeforeReadingNamingFileAndSizes()
      throws Exception {
    // 128^3 float32 zeros: 8 MiB of voxels from a few kB of gzip
    Path bomb = dir.resolve("bomb.nii.gz");
    NiftiWriter.write(
        bomb,
        NiftiVolume.ofFloats(
            new int[] {128, 128, 128},
            new float[128 * 128 * 128],
            null,
            new double[][] {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}}));
    assertTrue(Files.size(bomb) < 100_000, "the file is small: " + Files.size(bomb));
    Run r = run("--set", "patchddm.nifti.max-data-bytes=1MiB", bomb.toString());
    assertEquals(1, r.exit());
    assertTrue(
        r.err()
            .contains(
                bomb
                    + ": header declares 128x128x128 float32 voxels = 8388608 bytes (8.0 MiB) of voxel"
                    + " data, above the limit of 1048576 bytes (1.0 MiB)"),
        r.err());
    assertEquals(0, run(bomb.toString()).exit(), "within the default limit");
  }

  @Test
  void badFileAmongGoodOnesIsReportedAndExitIsNonZero() throws Exception {
    Path good = knownVolume();
    Path bad = dir.resolve("broken.nii");
    Files.write(bad, new byte[100]);
    Path missing = dir.resolve("missing.nii.gz");
    Run r = run("--json", good.toString(), bad.toString(), missing.toString(), good.toString());
    assertEquals(1, r.exit());
    String[] lines = r.out().strip().split("\\R");
    assertEquals(4, lines.length, r.out());
    Set<String> paths = new TreeSet<>();
    for (String line : lines) {
      JsonObject o = JsonParser.parseString(line).getAsJsonObject();
      paths.add(o.get("path").getAsString());
      if (o.has("error")) {
        assertEquals(Set.of("path", "error"), o.keySet());
      } else {
        assertEquals(34.0, o.get("sum").getAsDouble(), 1e-9);
      }
    }
    assertEquals(Set.of(good.toString(), bad.toString(), missing.toString()), paths);
    assertTrue(r.err().contains("broken.nii: wrong sizeof_hdr: 0"), r.err());
    assertTrue(r.err().contains("missing.nii.gz: file not found"), r.err());
  }

  @Test
  void humanReadableByDefault() throws Exception {
    Path f = knownVolume();
    Path bad = dir.resolve("bad.nii");
    Files.write(bad, new byte[0]);
    Run r = run(f.toString(), bad.toString());
    assertEquals(1, r.exit());
    assertTrue(r.out().contains("datatype: int16") && r.out().contains("sum: 34.0"), r.out());
    assertTrue(r.err().contains("bad.nii: empty file"), r.err());
  }

  @Test
  void registeredNameIsNiftiInfo() {
    assertEquals("nifti-info", new CommandLine(new NiftiInfoCommand()).getCommandName());
  }
}

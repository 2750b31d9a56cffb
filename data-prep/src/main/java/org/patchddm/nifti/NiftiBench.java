package org.patchddm.nifti;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The NIfTI benchmark ({@code patchddm bench-nifti}): times writing and reading a BraTS-sized
 * volume (240 x 240 x 155 int16, brain-like content: a noisy ellipsoid in zeros), gzipped and
 * plain, and emits one JSON line per run.
 */
public final class NiftiBench {
  private NiftiBench() {}

  /** Runs the benchmark {@code runs} times, passing each run's JSON line to {@code out}. */
  public static void run(int runs, Consumer<String> out) throws IOException {
    int nx = 240, ny = 240, nz = 155;
    short[] data = new short[nx * ny * nz];
    SplittableRandom r = new SplittableRandom(7);
    for (int z = 0; z < nz; z++) {
      for (int y = 0; y < ny; y++) {
        for (int x = 0; x < nx; x++) {
          double dx = (x - 120) / 80.0, dy = (y - 120) / 100.0, dz = (z - 77) / 65.0;
          if (dx * dx + dy * dy + dz * dz < 1) {
            data[x + nx * (y + ny * z)] = (short) (400 + r.nextInt(600));
          }
        }
      }
    }
    double[][] affine = {{-1, 0, 0, 0}, {0, -1, 0, 239}, {0, 0, 1, 0}, {0, 0, 0, 1}};
    NiftiVolume v = NiftiVolume.ofShorts(new int[] {nx, ny, nz}, data, null, affine);
    Path dir = Files.createTempDirectory("nifti-bench");
    Path gz = dir.resolve("bench.nii.gz");
    Path plain = dir.resolve("bench.nii");
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      NiftiWriter.write(gz, v);
      long t1 = System.nanoTime();
      NiftiVolume back = NiftiReader.read(gz);
      long t2 = System.nanoTime();
      float[] f = back.toFloatArray();
      long t3 = System.nanoTime();
      NiftiWriter.write(plain, v);
      long t4 = System.nanoTime();
      NiftiReader.read(plain);
      long t5 = System.nanoTime();
      NiftiSummary s = NiftiSummary.of("bench", back);
      long t6 = System.nanoTime();
      out.accept(
          String.format(
                  java.util.Locale.ROOT,
                  "{\"bench\":\"nifti-brats-int16\",\"run\":%d,\"voxels\":%d,\"gz_bytes\":%d,\"write_gz_ms\":%.1f,"
                      + "\"read_gz_ms\":%.1f,\"to_float_ms\":%.1f,\"write_nii_ms\":%.1f,\"read_nii_ms\":%.1f,"
                      + "\"summary_ms\":%.1f,\"check\":%d}%n",
                  i,
                  data.length,
                  Files.size(gz),
                  (t1 - t0) / 1e6,
                  (t2 - t1) / 1e6,
                  (t3 - t2) / 1e6,
                  (t4 - t3) / 1e6,
                  (t5 - t4) / 1e6,
                  (t6 - t5) / 1e6,
                  (long) (s.sum() + f.length))
              .trim());
    }
    Files.deleteIfExists(gz);
    Files.deleteIfExists(plain);
    Files.deleteIfExists(dir);
  }
}

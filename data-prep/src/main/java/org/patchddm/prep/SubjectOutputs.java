package org.patchddm.prep;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.patchddm.nifti.NiftiDataType;
import org.patchddm.nifti.NiftiVolume;
import org.patchddm.nifti.NiftiWriter;

/**
 * Writes one subject's ensemble outputs on the input's grid and tells whether they are complete:
 *
 * <pre>
 * OUT_DIR/&lt;subject&gt;/&lt;subject&gt;_seg.nii.gz    uint8 0/1, the ensemble mask
 * OUT_DIR/&lt;subject&gt;/&lt;subject&gt;_mean.nii.gz   float32, the mean of the soft samples
 * OUT_DIR/&lt;subject&gt;/&lt;subject&gt;_var.nii.gz    float32, their voxel-wise variance
 * </pre>
 *
 * <p>Atomic per subject: the three files are written into a hidden sibling directory {@code
 * .tmp-<subject>-<nanos>}, which is then renamed to {@code <subject>}. A subject directory
 * therefore exists only with all its files; readers ignore names starting with a dot. An older
 * subject directory is replaced (moved aside, then deleted). {@link #removeLeftovers()} clears what
 * an interrupted run left behind.
 *
 * <p>Inputs are on the padded network grid (flat, x fastest) and go back to the input grid through
 * a {@link GridMap}, usually {@link PaddedToOriginal} (possibly chained with further inverses).
 */
public final class SubjectOutputs {

  /** File name suffixes of the three outputs. */
  public static final List<String> SUFFIXES = List.of("_seg.nii.gz", "_mean.nii.gz", "_var.nii.gz");

  private final Path outDir;

  /**
   * @param outDir the job's output directory (created when needed)
   */
  public SubjectOutputs(Path outDir) {
    this.outDir = outDir;
  }

  /** {@code OUT_DIR/<subject>}. */
  public Path subjectDir(String subjectId) {
    return outDir.resolve(checkId(subjectId));
  }

  /** The three output files of a subject, in {@link #SUFFIXES} order. */
  public List<Path> files(String subjectId) {
    Path dir = subjectDir(subjectId);
    return SUFFIXES.stream().map(s -> dir.resolve(subjectId + s)).toList();
  }

  /**
   * Whether a subject's outputs are complete: its directory holds all three files, each non-empty.
   * A re-run skips such subjects.
   */
  public boolean isComplete(String subjectId) {
    for (Path f : files(subjectId)) {
      try {
        if (!Files.isRegularFile(f) || Files.size(f) == 0) {
          return false;
        }
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }

  /**
   * Maps the padded-grid outputs to the input grid and writes them atomically.
   *
   * @param toOriginal padded grid -> input grid; its target shape must be {@code header.shape()}
   * @param mask the ensemble mask, 0/1
   * @param mean the mean of the soft samples
   * @param variance the voxel-wise variance of the soft samples
   * @return the subject directory
   */
  public Path write(
      String subjectId,
      GridMap toOriginal,
      OutputHeader header,
      byte[] mask,
      float[] mean,
      float[] variance)
      throws IOException {
    checkId(subjectId);
    if (!java.util.Arrays.equals(toOriginal.targetShape(), header.shape())) {
      throw new PrepException(
          subjectId,
          "outputs map to "
              + PadCrop.shapeString(toOriginal.targetShape())
              + " but the input grid is "
              + PadCrop.shapeString(header.shape()));
    }
    for (byte b : mask) {
      if (b != 0 && b != 1) {
        throw new PrepException(subjectId, "mask value " + b + " is not 0 or 1");
      }
    }
    NiftiVolume seg =
        NiftiVolume.of(
            header.forOutput(NiftiDataType.UINT8, "PatchDDM ensemble mask"),
            toOriginal.apply(mask));
    NiftiVolume meanVol =
        NiftiVolume.of(
            header.forOutput(NiftiDataType.FLOAT32, "PatchDDM ensemble mean"),
            toOriginal.apply(mean));
    NiftiVolume varVol =
        NiftiVolume.of(
            header.forOutput(NiftiDataType.FLOAT32, "PatchDDM ensemble variance"),
            toOriginal.apply(variance));
    NiftiWriter.Options options = NiftiWriter.Options.defaults().withHeaderGeometry(header.exact());

    Files.createDirectories(outDir);
    Path tmp = outDir.resolve(".tmp-" + subjectId + "-" + System.nanoTime());
    Files.createDirectory(tmp);
    try {
      List<Path> names = files(subjectId);
      NiftiVolume[] vols = {seg, meanVol, varVol};
      for (int i = 0; i < vols.length; i++) {
        NiftiWriter.write(tmp.resolve(names.get(i).getFileName()), vols[i], options);
      }
      Path dir = subjectDir(subjectId);
      if (Files.exists(dir)) {
        Path old = outDir.resolve(".old-" + subjectId + "-" + System.nanoTime());
        Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(old);
      } else {
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
      }
      return dir;
    } catch (IOException | RuntimeException e) {
      deleteTree(tmp);
      throw e;
    }
  }

  /**
   * Removes the hidden leftovers ({@code .tmp-*}, {@code .old-*}) of interrupted writes. Call it
   * once before the writers start (not while any subject is being written), e.g. from the driver.
   *
   * @return how many were removed
   */
  public int removeLeftovers() throws IOException {
    if (!Files.isDirectory(outDir)) {
      return 0;
    }
    int n = 0;
    try (DirectoryStream<Path> ds =
        Files.newDirectoryStream(
            outDir,
            p ->
                p.getFileName().toString().startsWith(".tmp-")
                    || p.getFileName().toString().startsWith(".old-"))) {
      for (Path p : ds) {
        deleteTree(p);
        n++;
      }
    }
    return n;
  }

  private static String checkId(String id) {
    if (id == null || id.isEmpty() || id.startsWith(".") || id.contains("/") || id.contains("\\")) {
      throw new IllegalArgumentException("subject id " + id + " cannot name an output directory");
    }
    return id;
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder())
          .forEach(
              q -> {
                try {
                  Files.deleteIfExists(q);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }
}

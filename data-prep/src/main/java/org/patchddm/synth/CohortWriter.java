package org.patchddm.synth;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
import org.patchddm.brats.Sequence;
import org.patchddm.nifti.NiftiVolume;
import org.patchddm.nifti.NiftiWriter;

/**
 * Writes {@link SyntheticSubject}s in the BraTS layout: {@code
 * <out>/<ID>/<ID>_{t1,t1ce,t2,flair}.nii.gz} as int16 and {@code <ID>_seg.nii.gz} as uint8.
 *
 * <p>Atomic per subject: the files are written into a hidden sibling directory {@code
 * .tmp-<ID>-<nanos>} (ignored by {@link org.patchddm.brats.BratsLayout}) which is then renamed to
 * {@code <ID>}, so a crash never leaves a complete-looking subject with missing files.
 */
public final class CohortWriter {

  private final Path out;
  private final boolean overwrite;

  /**
   * @param out cohort root (created if missing)
   * @param overwrite replace subject directories that already exist; otherwise they are an error
   */
  public CohortWriter(Path out, boolean overwrite) {
    this.out = out;
    this.overwrite = overwrite;
  }

  /** Fails early if {@code id} exists and overwriting is off. */
  public void checkWritable(String id) throws IOException {
    Path dir = out.resolve(id);
    if (!overwrite && Files.exists(dir)) {
      throw new FileAlreadyExistsException(
          dir.toString(), null, "subject directory already exists (use --overwrite to replace it)");
    }
  }

  /**
   * Writes one subject and returns its directory.
   *
   * @param withSeg whether to write {@code <ID>_seg.nii.gz} (false gives a validation-style
   *     subject)
   */
  public Path write(SyntheticSubject s, boolean withSeg) throws IOException {
    checkWritable(s.id());
    Files.createDirectories(out);
    Path tmp = out.resolve(".tmp-" + s.id() + "-" + System.nanoTime());
    Files.createDirectory(tmp);
    try {
      double[] pixdim = {1, 1, 1};
      for (Sequence q : Sequence.values()) {
        NiftiVolume v = NiftiVolume.ofShorts(s.shape(), s.image(q), pixdim, s.affine());
        NiftiWriter.write(tmp.resolve(s.id() + "_" + q.suffix() + ".nii.gz"), v);
      }
      if (withSeg) {
        NiftiVolume seg = NiftiVolume.ofBytes(s.shape(), s.labels(), pixdim, s.affine());
        NiftiWriter.write(tmp.resolve(s.id() + "_seg.nii.gz"), seg);
      }
      Path dir = out.resolve(s.id());
      if (Files.exists(dir)) {
        Path old = out.resolve(".old-" + s.id() + "-" + System.nanoTime());
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

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) return;
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }
}

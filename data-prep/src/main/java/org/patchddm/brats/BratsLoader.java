package org.patchddm.brats;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.patchddm.nifti.NiftiException;
import org.patchddm.nifti.NiftiReader;
import org.patchddm.nifti.NiftiVolume;
import org.patchddm.nifti.ReadLimits;
import org.patchddm.prep.Checksums;

/**
 * Reads a {@link BratsSubject}'s files through a {@link FileOpener}, computing each file's SHA-256
 * on the way, and checks that all sequences (and the segmentation) share one grid: the same 3-D
 * shape and the same affine within {@link #AFFINE_TOLERANCE} (absolute, per matrix entry, in mm).
 */
public final class BratsLoader {

  /** Largest allowed difference between two files' affine entries. */
  public static final double AFFINE_TOLERANCE = 1e-4;

  private final FileOpener opener;
  private final ReadLimits limits;

  public BratsLoader(FileOpener opener) {
    this(opener, ReadLimits.DEFAULT);
  }

  /** A loader whose images must fit {@code limits} (checked before their voxels are allocated). */
  public BratsLoader(FileOpener opener, ReadLimits limits) {
    this.opener = opener;
    this.limits = limits;
  }

  /** A loader for local paths (as produced by {@link BratsCohort#scan}). */
  public static BratsLoader local() {
    return new BratsLoader(
        new FileOpener() {
          @Override
          public InputStream open(String path) throws IOException {
            return Files.newInputStream(Paths.get(path));
          }

          @Override
          public long length(String path) throws IOException {
            return Files.size(Paths.get(path));
          }
        });
  }

  /**
   * Loads and checks one subject.
   *
   * @throws BratsException naming the subject and file when a file cannot be read, is not 3-D, or
   *     disagrees with the t1 volume in shape or affine
   */
  public LoadedSubject load(BratsSubject s) throws BratsException {
    Map<Sequence, NiftiVolume> images = new EnumMap<>(Sequence.class);
    Map<String, String> sums = new LinkedHashMap<>();
    for (Sequence q : Sequence.values()) {
      images.put(q, read(s.id(), s.path(q), sums));
    }
    NiftiVolume seg = s.hasSeg() ? read(s.id(), s.seg(), sums) : null;
    String refPath = s.path(Sequence.T1);
    NiftiVolume ref = images.get(Sequence.T1);
    for (Sequence q : Sequence.values()) {
      checkSameGrid(s.id(), refPath, ref, s.path(q), images.get(q));
    }
    if (seg != null) checkSameGrid(s.id(), refPath, ref, s.seg(), seg);
    return new LoadedSubject(s, images, seg, sums);
  }

  private NiftiVolume read(String id, String path, Map<String, String> sums) throws BratsException {
    MessageDigest md = Checksums.newSha256();
    try (InputStream raw = opener.open(path);
        DigestInputStream in = new DigestInputStream(raw, md)) {
      NiftiVolume v = NiftiReader.read(path, in, opener.length(path), limits);
      in.transferTo(OutputStream.nullOutputStream()); // digest the whole file, trailer included
      sums.put(fileName(path), Checksums.hex(md.digest()));
      int[] shape = v.spatialShape();
      if ((long) shape[0] * shape[1] * shape[2] != v.voxelCount()) {
        throw new BratsException(
            id,
            path,
            fileName(path) + " is not a 3-D volume (dims " + Arrays.toString(v.shape()) + ")",
            null);
      }
      return v;
    } catch (BratsException e) {
      throw e;
    } catch (NiftiException e) {
      throw new BratsException(id, path, "cannot read " + path + ": " + e.problem(), e);
    } catch (IOException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      // Hadoop's messages often start with the path already; do not print it twice
      throw new BratsException(
          id,
          path,
          "cannot read "
              + path
              + ": "
              + (why.startsWith(path)
                  ? why.substring(path.length()).replaceFirst("^[:\\s]+", "")
                  : why),
          e);
    }
  }

  private static void checkSameGrid(
      String id, String refPath, NiftiVolume ref, String path, NiftiVolume v)
      throws BratsException {
    int[] a = ref.spatialShape();
    int[] b = v.spatialShape();
    if (!Arrays.equals(a, b)) {
      throw new BratsException(
          id,
          path,
          fileName(path)
              + " has shape "
              + shape(b)
              + " but "
              + fileName(refPath)
              + " has "
              + shape(a),
          null);
    }
    double[][] ma = ref.affine();
    double[][] mb = v.affine();
    for (int r = 0; r < 4; r++) {
      for (int c = 0; c < 4; c++) {
        if (Math.abs(ma[r][c] - mb[r][c]) > AFFINE_TOLERANCE) {
          throw new BratsException(
              id,
              path,
              fileName(path)
                  + " has a different affine than "
                  + fileName(refPath)
                  + ": entry ["
                  + r
                  + "]["
                  + c
                  + "] is "
                  + mb[r][c]
                  + " vs "
                  + ma[r][c]
                  + " (tolerance "
                  + AFFINE_TOLERANCE
                  + "); affines "
                  + Arrays.deepToString(mb)
                  + " vs "
                  + Arrays.deepToString(ma),
              null);
        }
      }
    }
  }

  private static String shape(int[] s) {
    return s[0] + "x" + s[1] + "x" + s[2];
  }

  static String fileName(String path) {
    String[] parts = path.split("[/\\\\]");
    return parts[parts.length - 1];
  }
}

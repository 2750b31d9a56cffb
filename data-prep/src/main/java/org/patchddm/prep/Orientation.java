package org.patchddm.prep;

import java.util.Locale;

/**
 * A voxel axis order in RAS+ world space, written as three axis codes in the nibabel convention:
 * each letter names the world direction in which that voxel index grows. {@code R}/{@code L} is
 * world +x/-x, {@code A}/{@code P} is +y/-y, {@code S}/{@code I} is +z/-z. BraTS files are {@code
 * LPS}: their affine is diag(-1, -1, 1) (x grows to the left, y to the back, z up).
 *
 * @param codes three upper-case letters, one from each of the pairs R/L, A/P, S/I
 */
public record Orientation(String codes) implements java.io.Serializable {

  /** The orientation of the BraTS files. */
  public static final Orientation BRATS = new Orientation("LPS");

  public Orientation {
    codes = codes == null ? "" : codes.trim().toUpperCase(Locale.ROOT);
    boolean[] seen = new boolean[3];
    if (codes.length() != 3) {
      throw new IllegalArgumentException(
          "orientation '" + codes + "' must have 3 axis codes, e.g. LPS or RAS");
    }
    for (int i = 0; i < 3; i++) {
      int axis = worldAxis(codes.charAt(i));
      if (axis < 0 || seen[axis]) {
        throw new IllegalArgumentException(
            "orientation '"
                + codes
                + "' must use one letter of each pair R/L, "
                + "A/P, S/I, e.g. LPS or RAS");
      }
      seen[axis] = true;
    }
  }

  /** World axis (0 = x, 1 = y, 2 = z) of a code letter, or -1. */
  private static int worldAxis(char c) {
    return switch (c) {
      case 'R', 'L' -> 0;
      case 'A', 'P' -> 1;
      case 'S', 'I' -> 2;
      default -> -1;
    };
  }

  /** World axis that voxel axis {@code i} runs along (0 = x, 1 = y, 2 = z). */
  public int worldAxisOf(int i) {
    return worldAxis(codes.charAt(i));
  }

  /** +1 when voxel axis {@code i} grows towards R, A or S, -1 towards L, P or I. */
  public int signOf(int i) {
    char c = codes.charAt(i);
    return c == 'R' || c == 'A' || c == 'S' ? 1 : -1;
  }

  /**
   * The upper 3x3 of a voxel-to-world affine with this orientation and voxel size {@code spacing}
   * (mm per voxel axis): column {@code i} is {@code signOf(i) * spacing[i]} on world row {@code
   * worldAxisOf(i)}.
   */
  public double[][] linearPart(double[] spacing) {
    double[][] m = new double[3][3];
    for (int i = 0; i < 3; i++) {
      m[worldAxisOf(i)][i] = signOf(i) * spacing[i];
    }
    return m;
  }

  /**
   * The axis codes closest to an affine: each voxel axis takes the world axis of its column's
   * largest entry (greedily, largest first, so an oblique affine still gets three distinct axes).
   */
  public static Orientation of(double[][] affine) {
    char[][] letters = {{'L', 'R'}, {'P', 'A'}, {'I', 'S'}};
    char[] out = new char[3];
    boolean[] columnDone = new boolean[3];
    boolean[] rowDone = new boolean[3];
    for (int k = 0; k < 3; k++) {
      int br = -1;
      int bc = -1;
      double best = -1;
      for (int r = 0; r < 3; r++) {
        for (int c = 0; c < 3; c++) {
          if (!rowDone[r] && !columnDone[c] && Math.abs(affine[r][c]) > best) {
            best = Math.abs(affine[r][c]);
            br = r;
            bc = c;
          }
        }
      }
      rowDone[br] = true;
      columnDone[bc] = true;
      out[bc] = letters[br][affine[br][bc] >= 0 ? 1 : 0];
    }
    return new Orientation(new String(out));
  }

  @Override
  public String toString() {
    return codes;
  }
}

package org.patchddm.nifti;

/** The on-disk header flavour of an image. */
public enum NiftiFormat {
  /** NIfTI-1: 348-byte header, magic {@code n+1} (single file) or {@code ni1} (.hdr/.img pair). */
  NIFTI1,
  /** NIfTI-2: 540-byte header with 64-bit dims and offset, magic {@code n+2} or {@code ni2}. */
  NIFTI2,
  /** Analyze 7.5: 348-byte header with no magic, always a .hdr/.img pair; read-only. */
  ANALYZE;

  /** Lower-case name used in reports ({@code nifti1}, {@code nifti2}, {@code analyze}). */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}

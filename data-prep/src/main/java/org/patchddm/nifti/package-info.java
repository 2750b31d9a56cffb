/**
 * NIfTI-1, NIfTI-2 and Analyze 7.5 image I/O in plain Java.
 *
 * <ul>
 *   <li>{@link org.patchddm.nifti.NiftiReader}: {@code .nii}, {@code .nii.gz}, {@code .hdr}/{@code
 *       .img} pairs (also gzipped), either byte order, from files or streams (HDFS).
 *   <li>{@link org.patchddm.nifti.NiftiWriter}: NIfTI-1 {@code .nii.gz} by default (sform +
 *       matching qform), NIfTI-2, big-endian, plain and pair output as options; atomic file writes.
 *   <li>{@link org.patchddm.nifti.NiftiVolume}: header + voxels in their native datatype; flat
 *       index {@code x + nx*(y + ny*z)} (x fastest), values scaled by scl_slope/scl_inter on
 *       access.
 *   <li>{@link org.patchddm.nifti.NiftiHeader#affine()}: the voxel-to-world matrix (sform, else
 *       qform, else pixdim), see {@link org.patchddm.nifti.NiftiAffine}.
 *   <li>{@link org.patchddm.nifti.NiftiSummary}: the per-file report behind {@code patchddm
 *       nifti-info}.
 * </ul>
 *
 * <p>Malformed input always fails with a {@link org.patchddm.nifti.NiftiException} whose message
 * starts with the file name, before any large allocation.
 */
package org.patchddm.nifti;

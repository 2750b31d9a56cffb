package org.patchddm.nifti;

import java.io.IOException;

/**
 * A NIfTI/Analyze file that cannot be read or is malformed. The message always starts with the file
 * name followed by the specific problem, e.g. {@code "t1.nii.gz: truncated voxel data: header
 * declares 17856000 bytes at offset 352 but only 1200 follow"}.
 */
public final class NiftiException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final String problem;

  public NiftiException(String file, String problem) {
    super(file + ": " + problem);
    this.file = file;
    this.problem = problem;
  }

  public NiftiException(String file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
    this.file = file;
    this.problem = problem;
  }

  /** The file (or stream) name the problem was found in. */
  public String file() {
    return file;
  }

  /** The problem, without the file name. */
  public String problem() {
    return problem;
  }
}

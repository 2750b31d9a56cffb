package org.patchddm.nifti;

/**
 * The voxel datatypes this package reads and writes, with their NIfTI {@code datatype} codes.
 *
 * <p>In memory the raw values live in the smallest matching Java array: {@code byte[]} for UINT8
 * and INT8, {@code short[]} for INT16 and UINT16, {@code int[]} for INT32 and UINT32, {@code
 * long[]} for INT64, {@code float[]} for FLOAT32 and {@code double[]} for FLOAT64. Unsigned types
 * are stored with the same bits and reinterpreted on access.
 */
public enum NiftiDataType {
  UINT8(2, 1, 0, 255),
  INT8(256, 1, Byte.MIN_VALUE, Byte.MAX_VALUE),
  INT16(4, 2, Short.MIN_VALUE, Short.MAX_VALUE),
  UINT16(512, 2, 0, 65535),
  INT32(8, 4, Integer.MIN_VALUE, Integer.MAX_VALUE),
  UINT32(768, 4, 0, 4294967295.0),
  INT64(1024, 8, Long.MIN_VALUE, Long.MAX_VALUE),
  FLOAT32(16, 4, -Float.MAX_VALUE, Float.MAX_VALUE),
  FLOAT64(64, 8, -Double.MAX_VALUE, Double.MAX_VALUE);

  private final int code;
  private final int bytes;
  private final double min;
  private final double max;

  NiftiDataType(int code, int bytes, double min, double max) {
    this.code = code;
    this.bytes = bytes;
    this.min = min;
    this.max = max;
  }

  /** The NIfTI {@code datatype} header code. */
  public int code() {
    return code;
  }

  /** Bytes per voxel on disk. */
  public int bytesPerVoxel() {
    return bytes;
  }

  /** The NIfTI {@code bitpix} value. */
  public int bitpix() {
    return 8 * bytes;
  }

  /** True for the two floating-point types. */
  public boolean isFloat() {
    return this == FLOAT32 || this == FLOAT64;
  }

  /** Smallest representable value (as a double). */
  public double minValue() {
    return min;
  }

  /** Largest representable value (as a double). */
  public double maxValue() {
    return max;
  }

  /** Lower-case name used in reports ({@code int16}, {@code float32}, ...). */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * Looks up a datatype code.
   *
   * @throws IllegalArgumentException for codes that are unknown or that this package does not
   *     support (complex, RGB, uint64, float128, binary); the message names the code and its
   *     meaning
   */
  public static NiftiDataType fromCode(int code) {
    for (NiftiDataType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    String known =
        switch (code) {
          case 1 -> "binary (1 bit)";
          case 32 -> "complex64";
          case 128 -> "rgb24";
          case 1280 -> "uint64";
          case 1536 -> "float128";
          case 1792 -> "complex128";
          case 2048 -> "complex256";
          case 2304 -> "rgba32";
          default -> null;
        };
    if (known != null) {
      throw new IllegalArgumentException("unsupported datatype " + code + " (" + known + ")");
    }
    throw new IllegalArgumentException("unknown datatype code " + code);
  }
}

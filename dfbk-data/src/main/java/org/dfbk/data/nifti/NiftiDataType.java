package org.dfbk.data.nifti;

import java.nio.file.Path;
import org.dfbk.core.error.DataException;

/**
 * The NIfTI voxel data types dfbk reads and writes, with their header {@code datatype} codes and
 * sizes in bytes. Complex, RGB, 64-bit integer, uint32 and float128 files are rejected with a
 * {@link DataException} naming the code.
 */
public enum NiftiDataType {
  UINT8(2, 1, 0, 255),
  INT8(256, 1, Byte.MIN_VALUE, Byte.MAX_VALUE),
  INT16(4, 2, Short.MIN_VALUE, Short.MAX_VALUE),
  UINT16(512, 2, 0, 65535),
  INT32(8, 4, Integer.MIN_VALUE, Integer.MAX_VALUE),
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

  /** The NIfTI header {@code datatype} code (e.g. 16 for float32). */
  public int code() {
    return code;
  }

  /** Bytes per voxel ({@code bitpix / 8}). */
  public int bytes() {
    return bytes;
  }

  /** Smallest representable value. */
  public double minValue() {
    return min;
  }

  /** Largest representable value. */
  public double maxValue() {
    return max;
  }

  /** True for the integer types (written with rounding and clamping). */
  public boolean isInteger() {
    return this != FLOAT32 && this != FLOAT64;
  }

  /** Lower-case numpy-style name ("int16", "float32"). */
  public String numpyName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** True when {@code code} is one of the supported types. */
  public static boolean isSupported(int code) {
    for (NiftiDataType t : values()) {
      if (t.code == code) {
        return true;
      }
    }
    return false;
  }

  /**
   * The type with header code {@code code}.
   *
   * @throws DataException naming the code, its NIfTI name, the file and the supported types
   */
  public static NiftiDataType fromCode(int code, Path file) {
    for (NiftiDataType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    throw new DataException("NIfTI file " + file + " has datatype code " + code + " ("
        + describeCode(code) + "), which dfbk does not read. Supported: uint8 (2), int8 (256), "
        + "int16 (4), uint16 (512), int32 (8), float32 (16), float64 (64). Fix: convert the "
        + "image to float32, e.g. with nibabel: nib.save(nib.Nifti1Image(img.get_fdata()"
        + ".astype('float32'), img.affine, img.header), 'out.nii.gz')");
  }

  /** The NIfTI-1 name of any datatype code, supported or not. */
  public static String describeCode(int code) {
    return switch (code) {
      case 0 -> "unknown";
      case 1 -> "binary";
      case 2 -> "uint8";
      case 4 -> "int16";
      case 8 -> "int32";
      case 16 -> "float32";
      case 32 -> "complex64";
      case 64 -> "float64";
      case 128 -> "rgb24";
      case 255 -> "all";
      case 256 -> "int8";
      case 512 -> "uint16";
      case 768 -> "uint32";
      case 1024 -> "int64";
      case 1280 -> "uint64";
      case 1536 -> "float128";
      case 1792 -> "complex128";
      case 2048 -> "complex256";
      case 2304 -> "rgba32";
      default -> "not a NIfTI datatype";
    };
  }
}

package org.dfbk.data.transform;

import org.dfbk.data.volume.Volume;

/**
 * 2-D slices of a volume along one axis. A slice is a row-major H × W image whose columns run
 * along the first remaining volume axis and rows along the second:
 *
 * <ul>
 *   <li>axis 2 (z, axial for RAS data): W = nx, H = ny, pixel (row y, column x)
 *   <li>axis 1 (y, coronal): W = nx, H = nz, pixel (row z, column x)
 *   <li>axis 0 (x, sagittal): W = ny, H = nz, pixel (row z, column y)
 * </ul>
 *
 * No flips are applied: slices keep the voxel order of the file.
 */
public final class Slicing {
  private Slicing() {}

  /** {H, W} of slices along {@code axis}. */
  public static int[] sliceShape(int[] volumeShape, int axis) {
    checkAxis(axis);
    switch (axis) {
      case 0:
        return new int[] {volumeShape[2], volumeShape[1]};
      case 1:
        return new int[] {volumeShape[2], volumeShape[0]};
      default:
        return new int[] {volumeShape[1], volumeShape[0]};
    }
  }

  /**
   * In-plane pixel size of slices along {@code axis}: the geometric mean of the voxel sizes of the
   * two other axes (millimetres for NIfTI volumes).
   */
  public static double inPlanePixelMm(double[] voxelSize, int axis) {
    checkAxis(axis);
    double a = voxelSize[axis == 0 ? 1 : 0];
    double b = voxelSize[axis == 2 ? 1 : 2];
    return Math.sqrt(Math.abs(a * b));
  }

  /** Slice {@code index} along {@code axis}, row-major H × W. */
  public static float[] extract(Volume v, int axis, int index) {
    int[] hw = sliceShape(v.shape(), axis);
    checkIndex(v, axis, index);
    float[] out = new float[hw[0] * hw[1]];
    float[] d = v.data();
    for (int r = 0; r < hw[0]; r++) {
      for (int c = 0; c < hw[1]; c++) {
        out[r * hw[1] + c] = d[voxel(v, axis, index, r, c)];
      }
    }
    return out;
  }

  /** Writes a row-major H × W slice into {@code v}'s data at {@code index} along {@code axis}. */
  public static void insert(Volume v, int axis, int index, float[] slice) {
    int[] hw = sliceShape(v.shape(), axis);
    checkIndex(v, axis, index);
    if (slice.length != hw[0] * hw[1]) {
      throw new IllegalArgumentException("slice has " + slice.length + " pixels, axis " + axis
          + " of a " + v.nx() + "x" + v.ny() + "x" + v.nz() + " volume needs " + hw[0] + "x"
          + hw[1]);
    }
    float[] d = v.data();
    for (int r = 0; r < hw[0]; r++) {
      for (int c = 0; c < hw[1]; c++) {
        d[voxel(v, axis, index, r, c)] = slice[r * hw[1] + c];
      }
    }
  }

  private static int voxel(Volume v, int axis, int index, int r, int c) {
    switch (axis) {
      case 0:
        return v.index(index, c, r);
      case 1:
        return v.index(c, index, r);
      default:
        return v.index(c, r, index);
    }
  }

  static void checkAxis(int axis) {
    if (axis < 0 || axis > 2) {
      throw new IllegalArgumentException("slice axis must be 0 (x), 1 (y) or 2 (z), got " + axis);
    }
  }

  private static void checkIndex(Volume v, int axis, int index) {
    int n = v.shape()[axis];
    if (index < 0 || index >= n) {
      throw new IllegalArgumentException("slice index " + index + " outside [0, " + n
          + ") along axis " + axis);
    }
  }
}

package org.dfbk.data.volume;

import java.util.Arrays;

/**
 * A 3-D scalar volume in voxel order x fastest (Fortran order, as NIfTI stores it), with the
 * voxel-to-world affine (4x4, row-major, millimetres) and voxel sizes.
 *
 * <p>Index of voxel (x, y, z) in {@link #data()}: {@code x + nx * (y + ny * z)}.
 */
public record Volume(int nx, int ny, int nz, float[] data, double[] voxelSize, double[][] affine) {

  public Volume {
    if (nx <= 0 || ny <= 0 || nz <= 0) {
      throw new IllegalArgumentException(
          "volume dimensions must be positive, got " + nx + "x" + ny + "x" + nz);
    }
    if ((long) nx * ny * nz != data.length) {
      throw new IllegalArgumentException(
          "volume " + nx + "x" + ny + "x" + nz + " needs " + ((long) nx * ny * nz)
              + " voxels, data has " + data.length);
    }
    if (voxelSize.length != 3) {
      throw new IllegalArgumentException("voxelSize must have 3 entries, got " + voxelSize.length);
    }
    if (affine.length != 4 || Arrays.stream(affine).anyMatch(r -> r.length != 4)) {
      throw new IllegalArgumentException("affine must be 4x4");
    }
  }

  public int index(int x, int y, int z) {
    return x + nx * (y + ny * z);
  }

  public float get(int x, int y, int z) {
    return data[index(x, y, z)];
  }

  public int[] shape() {
    return new int[] {nx, ny, nz};
  }

  /** A copy with other voxel values on the same grid. */
  public Volume withData(float[] newData) {
    return new Volume(nx, ny, nz, newData, voxelSize, affine);
  }

  /** True when both volumes have the same shape and their affines agree to {@code tol} mm. */
  public boolean sameGrid(Volume other, double tol) {
    if (nx != other.nx || ny != other.ny || nz != other.nz) {
      return false;
    }
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        if (Math.abs(affine[i][j] - other.affine[i][j]) > tol) {
          return false;
        }
      }
    }
    return true;
  }
}

package org.dfbk.train.metrics;

/**
 * The shape of a 2-D image or 3-D volume stored flat in a {@code float[]} with x fastest, the
 * same order as {@link org.dfbk.data.volume.Volume}: the element (x, y, z) sits at
 * {@code x + nx * (y + ny * z)}. A 2-D image (width nx, height ny) has {@code nz == 1} and
 * {@link #is3d()} false; a 3-D grid is filtered along all three axes even when nz is 1.
 *
 * <p>A numpy array of shape (H, W) in C order is the 2-D grid nx = W, ny = H; a numpy array of
 * shape (D, H, W) is the 3-D grid nx = W, ny = H, nz = D.
 */
public record Grid(int nx, int ny, int nz, boolean is3d) {

  public Grid {
    if (nx <= 0 || ny <= 0 || nz <= 0) {
      throw new IllegalArgumentException(
          "grid dimensions must be positive, got " + nx + "x" + ny + "x" + nz);
    }
    if (!is3d && nz != 1) {
      throw new IllegalArgumentException("a 2-D grid has nz = 1, got nz = " + nz);
    }
  }

  /** A 2-D image of {@code width} x {@code height} pixels (x fastest). */
  public static Grid of2d(int width, int height) {
    return new Grid(width, height, 1, false);
  }

  /** A 3-D volume of nx x ny x nz voxels (x fastest). */
  public static Grid of3d(int nx, int ny, int nz) {
    return new Grid(nx, ny, nz, true);
  }

  /** Number of elements. */
  public int size() {
    long n = (long) nx * ny * nz;
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("grid " + this + " has more than 2^31-1 elements");
    }
    return (int) n;
  }

  /** Throws when {@code length} (of the array named {@code what}) does not fit this grid. */
  public void requireLength(int length, String what) {
    if (length != size()) {
      throw new IllegalArgumentException(
          what + " has " + length + " elements but the grid " + describe() + " needs " + size());
    }
  }

  /** "W x H" for 2-D, "nx x ny x nz" for 3-D. */
  public String describe() {
    return is3d ? nx + "x" + ny + "x" + nz : nx + "x" + ny;
  }
}

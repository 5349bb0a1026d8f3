package org.dfbk.data.volume;

/**
 * Voxel-axis orientation of a voxel-to-world affine (4x4, row-major, RAS+ world as in NIfTI).
 *
 * <p>{@link #axisCodes} follows nibabel's {@code aff2axcodes}: the 3x3 part with its columns
 * divided by their norms is replaced by the nearest orthogonal matrix (polar factor); then for
 * voxel axis 0, 1, 2 in turn the world axis with the largest |entry| in its column is taken
 * (that world axis is not reused) and named by the direction in which the voxel index grows:
 * R/L for world x, A/P for world y, S/I for world z. Examples: identity gives "RAS",
 * diag(-1, 1, 1) "LAS", diag(-1, -1, 1) "LPS".
 */
public final class Orientation {
  private static final char[][] LABELS = {{'L', 'R'}, {'P', 'A'}, {'I', 'S'}};

  private Orientation() {}

  /** Three-letter axis codes, e.g. "RAS"; '?' for a voxel axis with a zero column. */
  public static String axisCodes(double[][] affine) {
    double[][] rs = new double[3][3];
    double[] zoom = voxelSizes(affine);
    for (int j = 0; j < 3; j++) {
      double z = zoom[j] == 0 ? 1 : zoom[j];
      for (int i = 0; i < 3; i++) {
        rs[i][j] = affine[i][j] / z;
      }
    }
    double[][] r = polar(rs);
    StringBuilder codes = new StringBuilder();
    for (int in = 0; in < 3; in++) {
      int best = -1;
      double bestAbs = 1e-8;
      for (int out = 0; out < 3; out++) {
        if (Math.abs(r[out][in]) > bestAbs) {
          bestAbs = Math.abs(r[out][in]);
          best = out;
        }
      }
      if (best < 0) {
        codes.append('?');
        continue;
      }
      codes.append(LABELS[best][r[best][in] < 0 ? 0 : 1]);
      for (int j = 0; j < 3; j++) {
        r[best][j] = 0;
      }
    }
    return codes.toString();
  }

  /** Voxel sizes as the norms of the affine's first three columns (nibabel voxel_sizes). */
  public static double[] voxelSizes(double[][] affine) {
    double[] z = new double[3];
    for (int j = 0; j < 3; j++) {
      z[j] = Math.sqrt(affine[0][j] * affine[0][j] + affine[1][j] * affine[1][j]
          + affine[2][j] * affine[2][j]);
    }
    return z;
  }

  /**
   * Orthogonal polar factor of a 3x3 matrix by Newton iteration X <- (X + X^-T) / 2; a
   * singular matrix is returned unchanged (the greedy axis choice then works on it directly).
   */
  static double[][] polar(double[][] m) {
    double[][] x = {m[0].clone(), m[1].clone(), m[2].clone()};
    for (int it = 0; it < 100; it++) {
      double det = det(x);
      if (Math.abs(det) < 1e-12) {
        return x;
      }
      double[][] invT = new double[3][3];
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
          // (X^-1)^T = cofactor(X) / det
          int i1 = (i + 1) % 3;
          int i2 = (i + 2) % 3;
          int j1 = (j + 1) % 3;
          int j2 = (j + 2) % 3;
          invT[i][j] = (x[i1][j1] * x[i2][j2] - x[i1][j2] * x[i2][j1]) / det;
        }
      }
      double change = 0;
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
          double next = 0.5 * (x[i][j] + invT[i][j]);
          change = Math.max(change, Math.abs(next - x[i][j]));
          x[i][j] = next;
        }
      }
      if (change < 1e-14) {
        break;
      }
    }
    return x;
  }

  private static double det(double[][] m) {
    return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
        - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
        + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  }
}

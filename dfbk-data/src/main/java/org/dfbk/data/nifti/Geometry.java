package org.dfbk.data.nifti;

/** Quaternion and affine helpers for the NIfTI qform (package-private). */
final class Geometry {
  /** Largest |R^T R - I| entry for a matrix to count as a rotation (after removing zooms). */
  static final double ORTHOGONAL_TOL = 1e-4;

  private Geometry() {}

  /** Rotation matrix of the quaternion (a, b, c, d) = (w, x, y, z), normalised. */
  static double[][] quaternionToRotation(double w, double x, double y, double z) {
    double nq = w * w + x * x + y * y + z * z;
    if (nq < 1e-300) {
      return new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    }
    double s = 2.0 / nq;
    double xs = x * s;
    double ys = y * s;
    double zs = z * s;
    double wx = w * xs;
    double wy = w * ys;
    double wz = w * zs;
    double xx = x * xs;
    double xy = x * ys;
    double xz = x * zs;
    double yy = y * ys;
    double yz = y * zs;
    double zz = z * zs;
    return new double[][] {
        {1.0 - (yy + zz), xy - wz, xz + wy},
        {xy + wz, 1.0 - (xx + zz), yz - wx},
        {xz - wy, yz + wx, 1.0 - (xx + yy)}};
  }

  /**
   * Decomposes a 4x4 affine into qform parameters when its 3x3 part is a rotation times a
   * positive diagonal scaling (with an optional flip of the third axis, qfac = -1).
   *
   * @return {b, c, d, qoffsetX, qoffsetY, qoffsetZ, dx, dy, dz, qfac}, or null when the matrix
   *     has shears or a zero column
   */
  static double[] affineToQform(double[][] aff) {
    double[][] r = new double[3][3];
    double[] zoom = new double[3];
    for (int j = 0; j < 3; j++) {
      zoom[j] = Math.sqrt(aff[0][j] * aff[0][j] + aff[1][j] * aff[1][j] + aff[2][j] * aff[2][j]);
      if (!(zoom[j] > 0) || !Double.isFinite(zoom[j])) {
        return null;
      }
      for (int i = 0; i < 3; i++) {
        r[i][j] = aff[i][j] / zoom[j];
      }
    }
    double qfac = 1;
    if (det3(r) < 0) {
      qfac = -1;
      for (int i = 0; i < 3; i++) {
        r[i][2] = -r[i][2];
      }
    }
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        double dot = r[0][i] * r[0][j] + r[1][i] * r[1][j] + r[2][i] * r[2][j];
        if (Math.abs(dot - (i == j ? 1 : 0)) > ORTHOGONAL_TOL) {
          return null;
        }
      }
    }
    double a;
    double b;
    double c;
    double d;
    double trace = r[0][0] + r[1][1] + r[2][2];
    if (trace > 0) {
      double s = 0.5 / Math.sqrt(trace + 1.0);
      a = 0.25 / s;
      b = (r[2][1] - r[1][2]) * s;
      c = (r[0][2] - r[2][0]) * s;
      d = (r[1][0] - r[0][1]) * s;
    } else if (r[0][0] > r[1][1] && r[0][0] > r[2][2]) {
      double s = 2.0 * Math.sqrt(1.0 + r[0][0] - r[1][1] - r[2][2]);
      a = (r[2][1] - r[1][2]) / s;
      b = 0.25 * s;
      c = (r[0][1] + r[1][0]) / s;
      d = (r[0][2] + r[2][0]) / s;
    } else if (r[1][1] > r[2][2]) {
      double s = 2.0 * Math.sqrt(1.0 + r[1][1] - r[0][0] - r[2][2]);
      a = (r[0][2] - r[2][0]) / s;
      b = (r[0][1] + r[1][0]) / s;
      c = 0.25 * s;
      d = (r[1][2] + r[2][1]) / s;
    } else {
      double s = 2.0 * Math.sqrt(1.0 + r[2][2] - r[0][0] - r[1][1]);
      a = (r[1][0] - r[0][1]) / s;
      b = (r[0][2] + r[2][0]) / s;
      c = (r[1][2] + r[2][1]) / s;
      d = 0.25 * s;
    }
    if (a < 0) {
      b = -b;
      c = -c;
      d = -d;
    }
    return new double[] {b, c, d, aff[0][3], aff[1][3], aff[2][3], zoom[0], zoom[1], zoom[2],
        qfac};
  }

  static double det3(double[][] m) {
    return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
        - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
        + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  }

  /** Largest absolute entry difference of two 4x4 matrices. */
  static double maxAbsDiff(double[][] x, double[][] y) {
    double m = 0;
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        m = Math.max(m, Math.abs(x[i][j] - y[i][j]));
      }
    }
    return m;
  }
}

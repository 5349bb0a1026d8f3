package org.dfbk.data.volume;

import java.util.Arrays;

/**
 * The voxel-axis permutation and flips that bring a volume to the orientation closest to RAS
 * (nibabel's {@code as_closest_canonical}, without resampling): canonical voxel axis 0 grows to
 * the right, 1 to the front, 2 upwards, so that axis 2 slices are axial whatever order the scanner
 * stored. Training slices and translated slices are cut from the canonical volume, and a
 * translation is mapped back onto the source's own voxel order ({@link #restore}).
 *
 * <p>Derived from {@link Orientation#axisCodes}: the world axis each voxel axis follows most
 * closely, and its direction. An affine with a degenerate axis ('?') is left as stored.
 *
 * @param from for canonical axis i, the stored voxel axis that runs along world axis i
 * @param flip for canonical axis i, whether that stored axis runs the other way (L, P or I)
 */
public record Canonical(int[] from, boolean[] flip) {
  private static final Canonical IDENTITY =
      new Canonical(new int[] {0, 1, 2}, new boolean[] {false, false, false});

  /** The reorientation of a volume with this voxel-to-world affine. */
  public static Canonical of(double[][] affine) {
    String codes = Orientation.axisCodes(affine);
    if (codes.indexOf('?') >= 0) {
      return IDENTITY;
    }
    int[] from = new int[3];
    boolean[] flip = new boolean[3];
    for (int j = 0; j < 3; j++) {
      char c = codes.charAt(j);
      int world = "LR".indexOf(c) >= 0 ? 0 : "PA".indexOf(c) >= 0 ? 1 : 2;
      from[world] = j;
      flip[world] = c == 'L' || c == 'P' || c == 'I';
    }
    return new Canonical(from, flip);
  }

  /** True when the stored order is already canonical (RAS). */
  public boolean isIdentity() {
    return Arrays.equals(from, IDENTITY.from) && Arrays.equals(flip, IDENTITY.flip);
  }

  /** {@code v} with its voxels reordered to the canonical orientation (affine updated). */
  public Volume apply(Volume v) {
    if (isIdentity()) {
      return v;
    }
    int[] n = v.shape();
    int[] m = {n[from[0]], n[from[1]], n[from[2]]};
    int[] stored = storedIndex(n, m);
    float[] out = new float[stored.length];
    for (int k = 0; k < stored.length; k++) {
      out[k] = v.data()[stored[k]];
    }
    // canonical index k -> stored index: s[from[i]] = flip[i] ? m[i] - 1 - k[i] : k[i]
    double[][] t = new double[4][4];
    t[3][3] = 1;
    for (int i = 0; i < 3; i++) {
      t[from[i]][i] = flip[i] ? -1 : 1;
      t[from[i]][3] = flip[i] ? m[i] - 1 : 0;
    }
    double[][] affine = multiply(v.affine(), t);
    double[] vs = v.voxelSize();
    return new Volume(m[0], m[1], m[2], out, new double[] {vs[from[0]], vs[from[1]], vs[from[2]]},
        affine);
  }

  /**
   * A canonical-orientation volume's values put back in the voxel order of {@code original} (the
   * volume that {@link #apply} reoriented): the result is on {@code original}'s grid.
   */
  public Volume restore(Volume canonical, Volume original) {
    if (isIdentity()) {
      return original.withData(canonical.data());
    }
    int[] n = original.shape();
    int[] m = canonical.shape();
    if (m[0] != n[from[0]] || m[1] != n[from[1]] || m[2] != n[from[2]]) {
      throw new IllegalArgumentException("canonical shape " + Arrays.toString(m)
          + " does not match the original " + Arrays.toString(n) + " reordered by " + this);
    }
    int[] stored = storedIndex(n, m);
    float[] out = new float[stored.length];
    for (int k = 0; k < stored.length; k++) {
      out[stored[k]] = canonical.data()[k];
    }
    return original.withData(out);
  }

  /** For every canonical voxel (x fastest, shape m), its index in the stored order (shape n). */
  private int[] storedIndex(int[] n, int[] m) {
    int[] out = new int[m[0] * m[1] * m[2]];
    int[] src = new int[3];
    int k = 0;
    for (int c = 0; c < m[2]; c++) {
      for (int b = 0; b < m[1]; b++) {
        for (int a = 0; a < m[0]; a++) {
          src[from[0]] = flip[0] ? m[0] - 1 - a : a;
          src[from[1]] = flip[1] ? m[1] - 1 - b : b;
          src[from[2]] = flip[2] ? m[2] - 1 - c : c;
          out[k++] = src[0] + n[0] * (src[1] + n[1] * src[2]);
        }
      }
    }
    return out;
  }

  private static double[][] multiply(double[][] a, double[][] b) {
    double[][] c = new double[4][4];
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        double s = 0;
        for (int k = 0; k < 4; k++) {
          s += a[i][k] * b[k][j];
        }
        c[i][j] = s;
      }
    }
    return c;
  }

  @Override
  public String toString() {
    return "Canonical" + Arrays.toString(from) + Arrays.toString(flip);
  }
}

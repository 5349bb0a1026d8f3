package org.dfbk.data.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CanonicalTest {
  /** Voxel values 0, 1, 2, … so that every voxel can be followed through the reordering. */
  private static Volume numbered(int nx, int ny, int nz, double[][] affine) {
    float[] d = new float[nx * ny * nz];
    for (int i = 0; i < d.length; i++) {
      d[i] = i;
    }
    return new Volume(nx, ny, nz, d, Orientation.voxelSizes(affine), affine);
  }

  private static double[] world(double[][] a, double i, double j, double k) {
    double[] w = new double[3];
    for (int r = 0; r < 3; r++) {
      w[r] = a[r][0] * i + a[r][1] * j + a[r][2] * k + a[r][3];
    }
    return w;
  }

  /** Every canonical voxel sits at the world position of the stored voxel whose value it holds. */
  private static void assertSameWorld(Volume stored, Volume canon) {
    for (int c = 0; c < canon.nz(); c++) {
      for (int b = 0; b < canon.ny(); b++) {
        for (int a = 0; a < canon.nx(); a++) {
          int idx = (int) canon.get(a, b, c);
          int x = idx % stored.nx();
          int y = (idx / stored.nx()) % stored.ny();
          int z = idx / (stored.nx() * stored.ny());
          assertArrayEquals(world(stored.affine(), x, y, z), world(canon.affine(), a, b, c), 1e-9,
              "voxel (" + a + ", " + b + ", " + c + ")");
        }
      }
    }
  }

  @Test
  void lasVolumeIsMirroredAlongXOnly() {
    double[][] las = {{-1, 0, 0, 90}, {0, 1, 0, -126}, {0, 0, 1, -72}, {0, 0, 0, 1}};
    Volume v = numbered(4, 5, 3, las);
    Canonical c = Canonical.of(las);
    Volume r = c.apply(v);
    assertEquals("RAS", Orientation.axisCodes(r.affine()));
    assertArrayEquals(new int[] {4, 5, 3}, r.shape());
    assertEquals(3f, r.get(0, 0, 0), "x reversed: first canonical voxel is the last stored one");
    assertSameWorld(v, r);
    assertArrayEquals(v.data(), c.restore(r, v).data());
  }

  @Test
  void sagittallyStoredVolumeGetsAxialSlicesOnAxis2() {
    // stored axis 0 runs posterior, 1 superior, 2 right: "PSR" (a sagittal acquisition)
    double[][] psr = {{0, 0, 1.2, -50}, {-0.9, 0, 0, 60}, {0, 1.1, 0, -40}, {0, 0, 0, 1}};
    Volume v = numbered(6, 4, 5, psr);
    assertEquals("PSR", Orientation.axisCodes(psr));
    Canonical c = Canonical.of(psr);
    Volume r = c.apply(v);
    assertEquals("RAS", Orientation.axisCodes(r.affine()));
    assertArrayEquals(new int[] {5, 6, 4}, r.shape());
    assertArrayEquals(new double[] {1.2, 0.9, 1.1}, r.voxelSize(), 1e-12);
    assertSameWorld(v, r);
    assertArrayEquals(v.data(), c.restore(r, v).data());
  }

  @Test
  void rasVolumeIsLeftAlone() {
    double[][] ras = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}};
    Volume v = numbered(3, 3, 3, ras);
    Canonical c = Canonical.of(ras);
    assertTrue(c.isIdentity());
    assertSame(v, c.apply(v));
  }
}

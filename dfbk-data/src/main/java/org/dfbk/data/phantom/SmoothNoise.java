package org.dfbk.data.phantom;

/**
 * Seeded, smooth, band-limited 3-D value noise in [-1, 1]: pseudo-random values at the points of
 * a cubic lattice of spacing {@code cellMm}, blended with a C1-continuous (smoothstep) trilinear
 * interpolation. The value at a lattice point depends only on the seed and the lattice
 * coordinates, so the field is defined everywhere without storage and is reproducible.
 */
final class SmoothNoise {
  private final long seed;
  private final double cellMm;

  SmoothNoise(long seed, double cellMm) {
    if (!(cellMm > 0)) {
      throw new IllegalArgumentException("noise cell size must be > 0 mm, got " + cellMm);
    }
    this.seed = seed;
    this.cellMm = cellMm;
  }

  /** Noise value at a point given in millimetres. */
  double at(double x, double y, double z) {
    double gx = x / cellMm;
    double gy = y / cellMm;
    double gz = z / cellMm;
    long ix = (long) Math.floor(gx);
    long iy = (long) Math.floor(gy);
    long iz = (long) Math.floor(gz);
    double fx = smooth(gx - ix);
    double fy = smooth(gy - iy);
    double fz = smooth(gz - iz);
    double c00 = lerp(lattice(ix, iy, iz), lattice(ix + 1, iy, iz), fx);
    double c10 = lerp(lattice(ix, iy + 1, iz), lattice(ix + 1, iy + 1, iz), fx);
    double c01 = lerp(lattice(ix, iy, iz + 1), lattice(ix + 1, iy, iz + 1), fx);
    double c11 = lerp(lattice(ix, iy + 1, iz + 1), lattice(ix + 1, iy + 1, iz + 1), fx);
    return lerp(lerp(c00, c10, fy), lerp(c01, c11, fy), fz);
  }

  private static double smooth(double t) {
    return t * t * (3 - 2 * t);
  }

  private static double lerp(double a, double b, double t) {
    return a + (b - a) * t;
  }

  private double lattice(long ix, long iy, long iz) {
    long h = seed;
    h = mix(h ^ (ix * 0x9E3779B97F4A7C15L));
    h = mix(h ^ (iy * 0xC2B2AE3D27D4EB4FL));
    h = mix(h ^ (iz * 0x165667B19E3779F9L));
    return ((h >>> 11) * 0x1.0p-53) * 2 - 1;
  }

  /** SplitMix64 finaliser. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}

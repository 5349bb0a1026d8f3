package org.dfbk.data.transform;

import java.nio.file.Path;
import java.util.Locale;
import org.dfbk.core.error.DataException;
import org.dfbk.data.volume.Volume;

/** Input checks every volume passes before preprocessing. */
public final class VolumeChecks {
  /** Largest affine difference (mm) between two volumes still considered on one grid. */
  public static final double GRID_TOLERANCE_MM = 1e-3;

  private VolumeChecks() {}

  /**
   * Requires a 3-D volume (every axis longer than 1), without NaN or infinite voxels, and not all
   * zero.
   *
   * @throws DataException naming the file and, for non-finite voxels, their count
   */
  public static void requireUsable(Volume v, Path file) {
    if (v.nx() < 2 || v.ny() < 2 || v.nz() < 2) {
      throw new DataException(file + " is a 2-D image (" + v.nx() + "x" + v.ny() + "x" + v.nz()
          + ") where a 3-D volume is expected. Fix: give the whole volume, or stack the slices"
          + " into one 3-D NIfTI file");
    }
    long nonFinite = 0;
    boolean anyNonZero = false;
    for (float f : v.data()) {
      if (!Float.isFinite(f)) {
        nonFinite++;
      } else if (f != 0) {
        anyNonZero = true;
      }
    }
    if (nonFinite > 0) {
      throw new DataException(file + " contains " + nonFinite + " NaN or infinite voxel(s) of "
          + v.data().length + ". Fix: replace them (e.g. numpy.nan_to_num) before preprocessing");
    }
    if (!anyNonZero) {
      throw new DataException(file + " is empty: all " + v.data().length + " voxels are 0 ("
          + v.nx() + "x" + v.ny() + "x" + v.nz() + "). Fix: check the file or remove the subject");
    }
  }

  /**
   * Requires two paired volumes on one grid: same shape and affines equal within
   * {@link #GRID_TOLERANCE_MM} per element.
   *
   * @throws DataException naming both files, shapes and affines
   */
  public static void requireSameGrid(Path fileA, Volume a, Path fileB, Volume b) {
    if (a.sameGrid(b, GRID_TOLERANCE_MM)) {
      return;
    }
    throw new DataException("paired images are not on one grid: " + fileA + " is "
        + shape(a) + " with affine " + affine(a) + ", " + fileB + " is " + shape(b)
        + " with affine " + affine(b) + " (tolerance " + GRID_TOLERANCE_MM + " mm). Fix: resample"
        + " one onto the other's grid (e.g. with ANTs or FSL flirt -applyxfm) before preparing");
  }

  private static String shape(Volume v) {
    return v.nx() + "x" + v.ny() + "x" + v.nz();
  }

  private static String affine(Volume v) {
    StringBuilder sb = new StringBuilder("[");
    for (int r = 0; r < 3; r++) {
      sb.append(r == 0 ? "[" : ", [");
      for (int c = 0; c < 4; c++) {
        sb.append(c == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4f", v.affine()[r][c]));
      }
      sb.append("]");
    }
    return sb.append("]").toString();
  }
}

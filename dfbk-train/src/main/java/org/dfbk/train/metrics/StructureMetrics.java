package org.dfbk.train.metrics;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * The image-structure metrics that need nothing but the two images: MS-SSIM ({@link MsSsim}),
 * GMSD ({@link Gmsd}) and the Haar band errors ({@link BandError}), for one 2-D slice or a whole
 * volume. Images are on a fixed scale with data range R (MR on [0, 1] with R = 1; CT clipped to
 * [−1024, 3000] HU and shifted by +1024 with R = 4024, see {@link #ctScale}).
 */
public final class StructureMetrics {
  private StructureMetrics() {}

  /** MS-SSIM (2-D), GMSD and the four band errors of one 2-D slice. */
  public static Map<Metric, Double> ofSlice(float[] target, float[] prediction, Grid grid,
      double dataRange) {
    if (grid.is3d()) {
      throw new IllegalArgumentException("ofSlice needs a 2-D grid, got " + grid);
    }
    Map<Metric, Double> out = gradientAndBands(target, prediction, grid, dataRange);
    out.put(Metric.MS_SSIM, MsSsim.compute(target, prediction, grid, dataRange).msSsim());
    return out;
  }

  /**
   * GMSD and the four band errors of one 2-D slice, or pooled over the axial slices of a
   * volume: the structure metrics besides MS-SSIM, which {@link ImageQuality} and
   * {@link CtMetrics} compute with the SSIM pass they share.
   */
  public static Map<Metric, Double> gradientAndBands(float[] target, float[] prediction,
      Grid grid, double dataRange) {
    Map<Metric, Double> out = new EnumMap<>(Metric.class);
    if (!grid.is3d()) {
      out.put(Metric.GMSD, Gmsd.gmsd(target, prediction, grid, dataRange));
      out.putAll(BandError.slice(target, prediction, grid));
      return out;
    }
    Grid plane = Grid.of2d(grid.nx(), grid.ny());
    int n = grid.nx() * grid.ny();
    Gmsd.Accumulator gmsd = new Gmsd.Accumulator(dataRange);
    BandError.Accumulator bands = new BandError.Accumulator();
    for (int z = 0; z < grid.nz(); z++) {
      float[] t = Arrays.copyOfRange(target, z * n, (z + 1) * n);
      float[] p = Arrays.copyOfRange(prediction, z * n, (z + 1) * n);
      gmsd.add(t, p, plane);
      bands.add(t, p, plane);
    }
    out.put(Metric.GMSD, gmsd.value());
    out.putAll(bands.values());
    return out;
  }

  /**
   * MS-SSIM of the whole 3-D volume, and GMSD and band errors pooled over all its axial slices
   * (the x-y planes).
   */
  public static Map<Metric, Double> ofVolume(float[] target, float[] prediction, Grid grid,
      double dataRange) {
    if (!grid.is3d()) {
      throw new IllegalArgumentException("ofVolume needs a 3-D grid, got " + grid);
    }
    Map<Metric, Double> out = gradientAndBands(target, prediction, grid, dataRange);
    out.put(Metric.MS_SSIM, MsSsim.compute(target, prediction, grid, dataRange).msSsim());
    return out;
  }

  /** CT in HU on the structure metrics' scale: clipped to [−1024, 3000], shifted by +1024. */
  public static float[] ctScale(float[] hu) {
    return CtMetrics.clipAndShift(hu);
  }
}

package org.dfbk.train.metrics;

import java.util.EnumMap;
import java.util.Map;

/**
 * Lesion contrast: how well a prediction keeps the visibility of lesions against the tissue
 * around them. With L the lesion voxels (lesion mask &gt; 0) and S the surrounding shell,
 *
 * <pre>
 *   C(image) = mean(image over L) / mean(image over S)
 *   error    = |C(prediction) − C(truth)|
 * </pre>
 *
 * <p><b>Surrounding shell.</b> S holds the voxels at a Chebyshev distance of 1 to
 * {@value #SHELL_VOXELS} voxels from the lesion mask (three 26-neighbour dilations of L, minus L;
 * 8-neighbour in 2-D) that lie inside the foreground mask (so background outside the brain never
 * counts as surrounding tissue). Distances are in voxels, not millimetres (1 mm isotropic data
 * gives a 3 mm shell). C is NaN when L or S is empty or the shell mean is 0; so is the error.
 *
 * <p>The ratio is taken on the evaluation's intensities: MR on [0, 1], CT clipped to
 * [−1024, 3000] HU and shifted by +1024 (so that it is positive).
 */
public final class LesionContrast {
  /** Thickness of the surrounding shell in voxels. */
  public static final int SHELL_VOXELS = 3;

  private LesionContrast() {}

  /**
   * The lesion-contrast metrics of one volume (or 2-D image).
   *
   * @param lesion lesion mask on {@code grid}
   * @param foreground foreground mask on {@code grid} (null = everything)
   */
  public static Map<Metric, Double> evaluate(float[] truth, float[] prediction, boolean[] lesion,
      boolean[] foreground, Grid grid) {
    grid.requireLength(truth.length, "lesion-contrast truth");
    grid.requireLength(prediction.length, "lesion-contrast prediction");
    grid.requireLength(lesion.length, "lesion mask");
    return ofRegions(truth, prediction, lesion, shell(lesion, foreground, grid));
  }

  /**
   * The lesion-contrast metrics over given lesion and shell voxels (e.g. one slice of a volume's
   * regions from {@link #shell}).
   */
  public static Map<Metric, Double> ofRegions(float[] truth, float[] prediction,
      boolean[] lesion, boolean[] shell) {
    if (truth.length != prediction.length || lesion.length != truth.length
        || shell.length != truth.length) {
      throw new IllegalArgumentException("lesion contrast: truth, prediction, lesion and shell"
          + " have " + truth.length + ", " + prediction.length + ", " + lesion.length + " and "
          + shell.length + " elements; they must be equal");
    }
    double ct = ratio(truth, lesion, shell);
    double cp = ratio(prediction, lesion, shell);
    Map<Metric, Double> out = new EnumMap<>(Metric.class);
    out.put(Metric.LESION_CONTRAST_TRUTH, ct);
    out.put(Metric.LESION_CONTRAST_PRED, cp);
    out.put(Metric.LESION_CONTRAST_ERROR, Math.abs(cp - ct));
    return out;
  }

  /** mean over {@code lesion} / mean over {@code shell}; NaN when undefined. */
  static double ratio(float[] image, boolean[] lesion, boolean[] shell) {
    double sl = 0;
    double ss = 0;
    long nl = 0;
    long ns = 0;
    for (int i = 0; i < image.length; i++) {
      if (lesion[i]) {
        sl += image[i];
        nl++;
      } else if (shell[i]) {
        ss += image[i];
        ns++;
      }
    }
    if (nl == 0 || ns == 0 || ss == 0) {
      return Double.NaN;
    }
    return (sl / nl) / (ss / ns);
  }

  /** The surrounding shell of the class comment. */
  public static boolean[] shell(boolean[] lesion, boolean[] foreground, Grid grid) {
    if (foreground != null) {
      grid.requireLength(foreground.length, "foreground mask");
    }
    boolean[] grown = lesion.clone();
    grown = dilate(grown, grid.nx(), grid.ny(), grid.nz(), 1, grid.nx());
    grown = dilate(grown, grid.nx(), grid.ny(), grid.nz(), grid.nx(), grid.ny());
    if (grid.nz() > 1) {
      grown = dilate(grown, grid.nx(), grid.ny(), grid.nz(), grid.nx() * grid.ny(), grid.nz());
    }
    boolean[] shell = new boolean[lesion.length];
    for (int i = 0; i < shell.length; i++) {
      shell[i] = grown[i] && !lesion[i] && (foreground == null || foreground[i]);
    }
    return shell;
  }

  /**
   * Max filter of radius {@link #SHELL_VOXELS} along one axis (stride {@code stride}, length
   * {@code len}); three such passes are the cube dilation, i.e. Chebyshev distance ≤ 3.
   */
  private static boolean[] dilate(boolean[] in, int nx, int ny, int nz, int stride, int len) {
    boolean[] out = new boolean[in.length];
    int total = nx * ny * nz;
    for (int start = 0; start < total; start++) {
      // each line is visited once, from its first element (coordinate 0 along the axis)
      if ((start / stride) % len != 0) {
        continue;
      }
      int last = -SHELL_VOXELS - 1; // position of the last true element seen
      int next = 0; // position of the next true element at or after k
      for (int k = 0; k < len; k++) {
        if (in[start + k * stride]) {
          last = k;
        }
        if (next < k) {
          next = k;
        }
        while (next < len && next <= k + SHELL_VOXELS && !in[start + next * stride]) {
          next++;
        }
        boolean ahead = next < len && next <= k + SHELL_VOXELS;
        out[start + k * stride] = k - last <= SHELL_VOXELS || ahead;
      }
    }
    return out;
  }
}

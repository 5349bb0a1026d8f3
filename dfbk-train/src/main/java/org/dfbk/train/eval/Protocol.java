package org.dfbk.train.eval;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.dfbk.train.metrics.Metric;

/**
 * The evaluation protocol: which metrics headline the summary and at which level.
 *
 * <ul>
 *   <li>{@link #PAPER}: the paper's PSNR and SSIM per 2-D slice (images on [0, 1]; CT clipped,
 *       data range 4024), with the structure metrics beside them.
 *   <li>{@link #SYNTHRAD_2023}: the SynthRAD 2023 challenge's MAE, PSNR and SSIM per patient on
 *       the whole CT volume with its body mask ({@link org.dfbk.train.metrics.SynthRad2023}).
 * </ul>
 */
public enum Protocol {
  PAPER("paper", Metric.PAPER, false),
  SYNTHRAD_2023("synthrad2023", Metric.SYNTHRAD_2023, true);

  private final String key;
  private final List<Metric> headline;
  private final boolean perVolume;

  Protocol(String key, List<Metric> headline, boolean perVolume) {
    this.key = key;
    this.headline = headline;
    this.perVolume = perVolume;
  }

  /** The name on the command line, e.g. "synthrad2023". */
  public String key() {
    return key;
  }

  /** The metrics of the summary table. */
  public List<Metric> headline() {
    return headline;
  }

  /** True when the summary is over whole volumes (one value per subject), false per slice. */
  public boolean perVolume() {
    return perVolume;
  }

  /** The protocol named {@code key} (case-insensitive). */
  public static Protocol byKey(String key) {
    for (Protocol p : values()) {
      if (p.key.equals(key.toLowerCase(Locale.ROOT))) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown protocol '" + key + "'; allowed: "
        + Arrays.stream(values()).map(Protocol::key).toList());
  }
}

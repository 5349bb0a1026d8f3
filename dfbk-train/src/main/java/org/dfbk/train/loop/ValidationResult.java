package org.dfbk.train.loop;

import java.util.Map;
import java.util.TreeMap;

/**
 * The outcome of one validation.
 *
 * @param psnr mean PSNR in dB; the {@code best} checkpoint keeps the highest
 * @param metrics further named values for the metrics files (for example "ssim")
 */
public record ValidationResult(double psnr, Map<String, Double> metrics) {
  public ValidationResult {
    if (Double.isNaN(psnr)) {
      throw new IllegalArgumentException("validation PSNR is NaN");
    }
    metrics = metrics == null ? Map.of() : Map.copyOf(new TreeMap<>(metrics));
  }

  public ValidationResult(double psnr) {
    this(psnr, Map.of());
  }
}

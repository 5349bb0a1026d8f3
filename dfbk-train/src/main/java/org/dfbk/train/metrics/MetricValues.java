package org.dfbk.train.metrics;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * The metrics of one prediction against its target (a slice or a volume), one value per
 * {@link Metric}: the six pixel metrics (PSNR in dB, SSIM and MAE over the whole image and over
 * the foreground mask) and whichever structure or protocol metrics were computed. The units of
 * MAE are those of the images handed in (HU for {@link CtMetrics}). A value is NaN when it was
 * not computed or is undefined (no mask, an empty mask, no lesion); PSNR is +Infinity for
 * identical images. Immutable.
 */
public final class MetricValues {
  private final double[] values;

  private MetricValues(double[] values) {
    this.values = values;
  }

  /** The six pixel metrics; every other metric NaN. */
  public MetricValues(double psnr, double ssim, double mae, double maskedPsnr,
      double maskedSsim, double maskedMae) {
    this(nan());
    values[Metric.PSNR.ordinal()] = psnr;
    values[Metric.SSIM.ordinal()] = ssim;
    values[Metric.MAE.ordinal()] = mae;
    values[Metric.MASKED_PSNR.ordinal()] = maskedPsnr;
    values[Metric.MASKED_SSIM.ordinal()] = maskedSsim;
    values[Metric.MASKED_MAE.ordinal()] = maskedMae;
  }

  /** Every metric NaN (nothing computed). */
  public static MetricValues none() {
    return new MetricValues(nan());
  }

  /** The given metrics; the others NaN. */
  public static MetricValues of(Map<Metric, Double> values) {
    return none().with(values);
  }

  private static double[] nan() {
    double[] v = new double[Metric.values().length];
    Arrays.fill(v, Double.NaN);
    return v;
  }

  /** A copy with {@code metric} set to {@code value}. */
  public MetricValues with(Metric metric, double value) {
    double[] v = values.clone();
    v[metric.ordinal()] = value;
    return new MetricValues(v);
  }

  /** A copy with every metric of {@code more} set to its value there. */
  public MetricValues with(Map<Metric, Double> more) {
    double[] v = values.clone();
    more.forEach((m, x) -> v[m.ordinal()] = x);
    return new MetricValues(v);
  }

  /** The value of {@code metric} (NaN when not computed). */
  public double get(Metric metric) {
    return values[metric.ordinal()];
  }

  /** The value of the metric whose key is {@code key} ({@link Metric#byKey}). */
  public double get(String key) {
    return get(Metric.byKey(key));
  }

  /** Every value as a map in column order. */
  public Map<Metric, Double> asMap() {
    Map<Metric, Double> m = new EnumMap<>(Metric.class);
    for (Metric k : Metric.values()) {
      m.put(k, values[k.ordinal()]);
    }
    return m;
  }

  public double psnr() {
    return get(Metric.PSNR);
  }

  public double ssim() {
    return get(Metric.SSIM);
  }

  public double mae() {
    return get(Metric.MAE);
  }

  public double maskedPsnr() {
    return get(Metric.MASKED_PSNR);
  }

  public double maskedSsim() {
    return get(Metric.MASKED_SSIM);
  }

  public double maskedMae() {
    return get(Metric.MASKED_MAE);
  }

  @Override
  public boolean equals(Object o) {
    // Bitwise equality (Double.compare semantics: NaN equals NaN), as a record's would be.
    return o instanceof MetricValues other && Arrays.equals(values, other.values);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("MetricValues[");
    boolean first = true;
    for (Metric m : Metric.values()) {
      double v = values[m.ordinal()];
      if (Double.isNaN(v) && !Metric.PIXEL.contains(m)) {
        continue;
      }
      sb.append(first ? "" : ", ").append(m.key()).append('=').append(v);
      first = false;
    }
    return sb.append(']').toString();
  }
}

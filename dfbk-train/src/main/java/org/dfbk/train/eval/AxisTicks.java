package org.dfbk.train.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The ticks of one chart axis: round values that span the data, the axis range they bound, and
 * their labels.
 *
 * <p>Linear axes step by 1, 2 or 5 × 10^k, the smallest such step that covers [min, max] with at
 * most {@code maxTicks} ticks; the axis runs from the last tick at or below min to the first at or
 * above max, so every value lies on the axis. Log axes (base 10) place ticks at m × 10^e with the
 * richest mantissa set that stays within {@code maxTicks} — every m in 1..9, then {1, 2, 5}, then
 * {1}, then every second, third, … decade — and likewise run from the last tick at or below min to
 * the first at or above max.
 *
 * <p>Tick values are computed as an integer times 10^k, or an integer divided by 10^−k, so each is
 * the double nearest its decimal value (0.3, not 0.30000000000000004).
 *
 * @param low the axis start (the first tick), @param high the axis end (the last tick)
 * @param values the ticks, ascending, from low to high
 * @param log whether the axis is logarithmic
 * @param exponent for a linear axis the k of the step m × 10^k (it fixes the decimals printed);
 *     unused on a log axis
 */
public record AxisTicks(double low, double high, double[] values, boolean log, int exponent) {
  private static final int[][] LOG_MANTISSAS = {{1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 5}, {1}};
  private static final int[] LINEAR_MANTISSAS = {1, 2, 5};

  public AxisTicks {
    values = values.clone();
  }

  @Override
  public double[] values() {
    return values.clone();
  }

  /** Ticks for a linear axis over [min, max]; a single value gets a small range around it. */
  public static AxisTicks linear(double min, double max, int maxTicks) {
    check(min, max, maxTicks);
    if (min == max) {
      double pad = min == 0 ? 1 : Math.abs(min) * 0.05;
      min = min == 0 ? 0 : min - pad;
      max = max + pad;
    }
    double raw = (max - min) / (maxTicks - 1);
    for (int k = (int) Math.floor(Math.log10(raw)) - 1; ; k++) {
      for (int m : LINEAR_MANTISSAS) {
        double step = scaled(m, k);
        if (step < raw) {
          continue;
        }
        // the tolerance keeps a value that lies on a tick (0.3 / 0.1 = 2.9999999999999996) there
        long first = (long) Math.floor(min / step + 1e-9);
        long last = (long) Math.ceil(max / step - 1e-9);
        if (last - first + 1 <= maxTicks) {
          double[] v = new double[(int) (last - first + 1)];
          for (int i = 0; i < v.length; i++) {
            v[i] = scaled((first + i) * m, k);
          }
          return new AxisTicks(v[0], v[v.length - 1], v, false, k);
        }
      }
    }
  }

  /**
   * Ticks for a base-10 log axis over [min, max], both positive; a single value gets the ticks
   * on either side of it.
   */
  public static AxisTicks log(double min, double max, int maxTicks) {
    check(min, max, maxTicks);
    if (!(min > 0)) {
      throw new IllegalArgumentException("a log axis needs positive values, got min " + min);
    }
    int e0 = (int) Math.floor(Math.log10(min)) - 1;
    int e1 = (int) Math.ceil(Math.log10(max)) + 1;
    for (int[] mantissas : LOG_MANTISSAS) {
      AxisTicks t = logTicks(min, max, maxTicks, mantissas, e0, e1, 1);
      if (t != null) {
        return t;
      }
    }
    for (int stride = 2; ; stride++) {
      AxisTicks t = logTicks(min, max, maxTicks, new int[] {1},
          Math.floorDiv(e0, stride) * stride, e1 + stride, stride);
      if (t != null) {
        return t;
      }
    }
  }

  private static AxisTicks logTicks(double min, double max, int maxTicks, int[] mantissas,
      int e0, int e1, int stride) {
    List<Double> all = new ArrayList<>();
    for (int e = e0; e <= e1; e += stride) {
      for (int m : mantissas) {
        all.add(scaled(m, e));
      }
    }
    int first = -1;
    int last = -1;
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i) <= min) {
        first = i;
      }
      if (last < 0 && all.get(i) >= max) {
        last = i;
      }
    }
    if (last == first) {
      last++;
    }
    if (last - first + 1 > maxTicks) {
      return null;
    }
    double[] v = all.subList(first, last + 1).stream().mapToDouble(Double::doubleValue).toArray();
    return new AxisTicks(v[0], v[v.length - 1], v, true, 0);
  }

  private static void check(double min, double max, int maxTicks) {
    if (!Double.isFinite(min) || !Double.isFinite(max) || min > max) {
      throw new IllegalArgumentException("axis range needs finite min <= max, got [" + min + ", "
          + max + "]");
    }
    if (maxTicks < 3) {
      // a range around zero needs a tick below, at and above it
      throw new IllegalArgumentException("an axis needs room for at least 3 ticks, got "
          + maxTicks);
    }
  }

  /** m × 10^k as the double nearest that decimal (one correctly rounded operation). */
  private static double scaled(long m, int k) {
    return k >= 0 ? m * Math.pow(10, k) : m / Math.pow(10, -k);
  }

  /**
   * Where {@code v} lies on the axis: 0 at low, 1 at high (in log10 units on a log axis); values
   * outside the axis give fractions outside [0, 1].
   */
  public double fraction(double v) {
    if (log) {
      return (Math.log10(v) - Math.log10(low)) / (Math.log10(high) - Math.log10(low));
    }
    return (v - low) / (high - low);
  }

  /** The printed form of each tick. */
  public List<String> labels() {
    List<String> out = new ArrayList<>(values.length);
    for (double v : values) {
      out.add(label(v));
    }
    return out;
  }

  /**
   * The printed form of tick {@code v}: on a linear axis with as many decimals as the step needs,
   * thousands as "k" and millions as "M" when the step is a multiple of them and the axis reaches
   * 10 000 (10 000 000); on a log axis plain decimals from 0.001 to 10 000, otherwise as "2e-5".
   */
  public String label(double v) {
    if (log) {
      int e = (int) Math.floor(Math.log10(v) + 1e-9);
      if (e >= -3 && e <= 4) {
        return String.format(Locale.ROOT, "%." + Math.max(0, -e) + "f", v);
      }
      String s = String.format(Locale.ROOT, "%.0e", v);
      return s.replace("e+0", "e").replace("e+", "e").replace("e-0", "e-");
    }
    double reach = Math.max(Math.abs(low), Math.abs(high));
    if (exponent >= 6 && reach >= 1e7) {
      return v == 0 ? "0" : String.format(Locale.ROOT, "%.0fM", v / 1e6);
    }
    if (exponent >= 3 && reach >= 1e4) {
      return v == 0 ? "0" : String.format(Locale.ROOT, "%.0fk", v / 1e3);
    }
    return String.format(Locale.ROOT, "%." + Math.max(0, -exponent) + "f", v);
  }

  @Override
  public String toString() {
    return (log ? "log " : "linear ") + Arrays.toString(values);
  }
}

package org.dfbk.train.eval;

import java.util.Locale;

/** Number and CSV formatting shared by the writers (locale independent). */
final class Formats {
  private Formats() {}

  /** Full precision for data files: "inf", "-inf", "nan" for the non-finite values. */
  static String number(double v) {
    if (Double.isNaN(v)) {
      return "nan";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    return Double.toString(v);
  }

  /** Fixed decimals for tables: "inf", "-inf", "nan" for the non-finite values. */
  static String fixed(double v, int decimals) {
    if (Double.isNaN(v)) {
      return "nan";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  /** A CSV field, quoted when it holds a comma, quote or line break. */
  static String csv(String s) {
    if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
      return "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return s;
  }

  /** Parses what {@link #number} writes. */
  static double parse(String s) {
    return switch (s) {
      case "nan", "" -> Double.NaN;
      case "inf" -> Double.POSITIVE_INFINITY;
      case "-inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(s);
    };
  }
}

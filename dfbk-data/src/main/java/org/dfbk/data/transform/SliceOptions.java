package org.dfbk.data.transform;

import org.dfbk.core.error.ConfigException;

/**
 * Slice selection and geometry settings.
 *
 * @param slicesPerSubject N slices per subject, evenly spaced over the non-empty range
 * @param axis slice axis (0 x, 1 y, 2 z = axial, the default)
 * @param imageSize model image side S in pixels
 * @param square how the slice is made square before resizing
 * @param minForegroundFraction a slice is non-empty when at least this fraction of its pixels is
 *     foreground in both source and target (see {@link SliceSelector})
 */
public record SliceOptions(int slicesPerSubject, int axis, int imageSize, SquareMode square,
    double minForegroundFraction) {

  /** Default fraction of foreground pixels for a non-empty slice: 5 %. */
  public static final double DEFAULT_MIN_FOREGROUND = 0.05;

  public SliceOptions {
    if (slicesPerSubject < 1) {
      throw new ConfigException("slices per subject must be >= 1, got " + slicesPerSubject);
    }
    if (axis < 0 || axis > 2) {
      throw new ConfigException("slice axis must be 0 (x), 1 (y) or 2 (z, axial), got " + axis);
    }
    if (imageSize < 8 || imageSize > 4096) {
      throw new ConfigException("image size must be in [8, 4096] pixels, got " + imageSize);
    }
    if (square == null) {
      throw new ConfigException("square mode must be CROP or PAD, got null");
    }
    if (!(minForegroundFraction > 0 && minForegroundFraction <= 1)) {
      throw new ConfigException("minimum foreground fraction must be in (0, 1], got "
          + minForegroundFraction);
    }
  }

  /** Axial slices (axis 2), centre crop, 5 % foreground. */
  public static SliceOptions axial(int slicesPerSubject, int imageSize) {
    return new SliceOptions(slicesPerSubject, 2, imageSize, SquareMode.CROP,
        DEFAULT_MIN_FOREGROUND);
  }
}

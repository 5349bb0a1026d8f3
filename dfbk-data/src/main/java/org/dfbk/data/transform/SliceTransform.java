package org.dfbk.data.transform;

import java.util.Arrays;

/**
 * The invertible mapping between one source-grid slice and its model-size image, kept per slice
 * so that a prediction maps back to source units on the source slice grid.
 *
 * <p>Forward ({@link #toModel}): normalise each pixel ({@link Normalization#forward}), take the
 * square box of side L = {@code boxSide} whose top-left pixel is ({@code boxRow},
 * {@code boxCol}) in the H × W slice (pixels outside the slice are padding, −1), then bilinear
 * resize L × L → S × S ({@link Bilinear}; identity when L = S). Inverse ({@link #toSource}):
 * bilinear resize S × S → L × L, put the box back into an H × W image whose pixels outside the box
 * (cropped away) are −1, then {@link Normalization#inverse}. The inverse is exact when L = S and
 * for values inside the normalisation window; otherwise it is the bilinear re-interpolation.
 *
 * @param axis slice axis of the volume (0 x, 1 y, 2 z)
 * @param sliceIndex index of the slice along {@code axis}
 * @param sourceHeight H of the source slice (see {@link Slicing})
 * @param sourceWidth W of the source slice
 * @param boxRow first row of the square box (negative when padding)
 * @param boxCol first column of the square box (negative when padding)
 * @param boxSide side L of the square box
 * @param size model image side S
 * @param source normalisation of the source modality's volume
 * @param target normalisation of the target modality's volume
 */
public record SliceTransform(int axis, int sliceIndex, int sourceHeight, int sourceWidth,
    int boxRow, int boxCol, int boxSide, int size, Normalization source, Normalization target) {

  public SliceTransform {
    Slicing.checkAxis(axis);
    if (sourceHeight < 1 || sourceWidth < 1 || boxSide < 1 || size < 1) {
      throw new IllegalArgumentException("slice transform sizes must be positive: source "
          + sourceHeight + "x" + sourceWidth + ", box " + boxSide + ", size " + size);
    }
  }

  /**
   * The transform of an H × W slice: centred square box by {@code mode}, resized to {@code size}.
   */
  public static SliceTransform of(int axis, int sliceIndex, int h, int w, SquareMode mode,
      int size, Normalization source, Normalization target) {
    int side = mode == SquareMode.CROP ? Math.min(h, w) : Math.max(h, w);
    return new SliceTransform(axis, sliceIndex, h, w, Math.floorDiv(h - side, 2),
        Math.floorDiv(w - side, 2), side, size, source, target);
  }

  /**
   * {@link #coveringCrops(int, int, int, int, int, Normalization, Normalization, int, int)} of the
   * whole long side.
   */
  public static SliceTransform[] coveringCrops(int axis, int sliceIndex, int h, int w, int size,
      Normalization source, Normalization target) {
    return coveringCrops(axis, sliceIndex, h, w, size, source, target, 0, Math.max(h, w));
  }

  /**
   * Square crops of side min(H, W) that together cover the pixels [from, to) along the long side
   * of an H × W slice (the whole short side): one box centred on that range when it fits, else
   * ⌈(to − from)/min⌉ boxes spread evenly over it (overlapping where the range is not a multiple
   * of the short side). Translating every crop keeps the training scale of
   * {@link SquareMode#CROP} without dropping what lies in the range.
   *
   * @param from first pixel to cover along the long side (clamped to the slice)
   * @param to one past the last pixel to cover; an empty range gives the centred crop
   */
  public static SliceTransform[] coveringCrops(int axis, int sliceIndex, int h, int w, int size,
      Normalization source, Normalization target, int from, int to) {
    int side = Math.min(h, w);
    int along = Math.max(h, w);
    int lo = Math.max(0, Math.min(from, along));
    int hi = Math.max(lo, Math.min(to, along));
    if (hi == lo) {
      lo = 0;
      hi = along;
    }
    int count = Math.max(1, (hi - lo + side - 1) / side);
    SliceTransform[] out = new SliceTransform[count];
    for (int i = 0; i < count; i++) {
      int start = count == 1 ? (lo + hi - side) / 2
          : lo + (int) Math.round((double) i * (hi - lo - side) / (count - 1));
      start = Math.max(0, Math.min(start, along - side));
      out[i] = h >= w
          ? new SliceTransform(axis, sliceIndex, h, w, start, 0, side, size, source, target)
          : new SliceTransform(axis, sliceIndex, h, w, 0, start, side, size, source, target);
    }
    return out;
  }

  /**
   * Blend weight of source pixel (r, c) for this box: 0 outside it; inside, a tent along the box
   * rows and columns that is highest in the middle and 1 at the edges, so that overlapping crops
   * meet without a seam.
   */
  public double weight(int r, int c) {
    int br = r - boxRow;
    int bc = c - boxCol;
    if (br < 0 || bc < 0 || br >= boxSide || bc >= boxSide) {
      return 0;
    }
    return (double) Math.min(br + 1, boxSide - br) * Math.min(bc + 1, boxSide - bc);
  }

  /**
   * Millimetres one model pixel covers for a source slice of in-plane pixel size
   * {@code sourcePixelMm}: the pixel size × box side L / model size S.
   */
  public double modelPixelMm(double sourcePixelMm) {
    return sourcePixelMm / resizeFactor();
  }

  /** Resize factor S / L applied after cropping or padding. */
  public double resizeFactor() {
    return (double) size / boxSide;
  }

  /** Source-unit H × W slice to the normalised S × S model image. */
  public float[] toModel(float[] slice, Normalization norm) {
    checkLength(slice, sourceHeight * sourceWidth, "source slice");
    float[] box = new float[boxSide * boxSide];
    Arrays.fill(box, -1f);
    for (int r = 0; r < boxSide; r++) {
      int sr = boxRow + r;
      if (sr < 0 || sr >= sourceHeight) {
        continue;
      }
      for (int c = 0; c < boxSide; c++) {
        int sc = boxCol + c;
        if (sc >= 0 && sc < sourceWidth) {
          box[r * boxSide + c] = norm.forward(slice[sr * sourceWidth + sc]);
        }
      }
    }
    return boxSide == size ? box : Bilinear.resize(box, boxSide, boxSide, size, size);
  }

  /** Normalised S × S model image back to an H × W slice in source units. */
  public float[] toSource(float[] model, Normalization norm) {
    checkLength(model, size * size, "model image");
    float[] box = boxSide == size ? model : Bilinear.resize(model, size, size, boxSide, boxSide);
    float[] out = new float[sourceHeight * sourceWidth];
    Arrays.fill(out, norm.inverse(-1f));
    for (int r = 0; r < boxSide; r++) {
      int sr = boxRow + r;
      if (sr < 0 || sr >= sourceHeight) {
        continue;
      }
      for (int c = 0; c < boxSide; c++) {
        int sc = boxCol + c;
        if (sc >= 0 && sc < sourceWidth) {
          out[sr * sourceWidth + sc] = norm.inverse(box[r * boxSide + c]);
        }
      }
    }
    return out;
  }

  /** A predicted target image (S × S, model units) back to target units on the source grid. */
  public float[] targetToSource(float[] model) {
    return toSource(model, target);
  }

  private static void checkLength(float[] a, int expected, String what) {
    if (a.length != expected) {
      throw new IllegalArgumentException(what + " has " + a.length + " pixels, expected "
          + expected);
    }
  }
}

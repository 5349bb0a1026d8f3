package org.dfbk.data.transform;

/** How a rectangular slice becomes square before resizing. */
public enum SquareMode {
  /** Centre crop to min(H, W): keeps the middle, drops the borders of the long side. */
  CROP,
  /** Centre pad to max(H, W) with the background value (−1 in model units): keeps everything. */
  PAD
}

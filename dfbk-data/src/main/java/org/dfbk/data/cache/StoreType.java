package org.dfbk.data.cache;

/** Element type of the slice store: IEEE binary16 (half the disk and page cache) or binary32. */
public enum StoreType {
  /** 2 bytes per value; absolute error ≤ 2.45e-4 on [−1, 1] (half a unit in the last place). */
  FLOAT16(2),
  /** 4 bytes per value; exact. */
  FLOAT32(4);

  private final int bytes;

  StoreType(int bytes) {
    this.bytes = bytes;
  }

  public int bytes() {
    return bytes;
  }
}

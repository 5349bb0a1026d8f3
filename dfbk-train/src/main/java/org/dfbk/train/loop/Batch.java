package org.dfbk.train.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * One training batch of paired slices.
 *
 * @param x0 the target images (the modality to synthesise), float [B, C, H, W] in [−1, 1]
 * @param y0 the source images, float [B, C, H, W] in [−1, 1]
 * @param context optional per-sample conditioning (for example text token embeddings [B, L, D]
 *     and their mask [B, L]); every array is split along axis 0 with the batch; empty for none
 */
public record Batch(NDArray x0, NDArray y0, NDList context) {
  public Batch {
    if (x0 == null || y0 == null) {
      throw new IllegalArgumentException("x0 and y0 are required");
    }
    if (context == null) {
      context = new NDList();
    }
  }

  /** A batch without conditioning arrays. */
  public Batch(NDArray x0, NDArray y0) {
    this(x0, y0, new NDList());
  }
}

package org.dfbk.train.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import org.dfbk.core.error.DataException;

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

  /**
   * Checks the shapes against the configured batch size.
   *
   * @throws DataException naming the shapes, the step and the fix
   */
  void check(int batchSize, long step) {
    Shape s = x0.getShape();
    if (s.dimension() != 4 || s.get(0) != batchSize) {
      throw new DataException("batch x0 must be [B = " + batchSize + ", C, H, W], found " + s
          + " at step " + step + "; the batch source must return TrainerConfig.batchSize samples");
    }
    if (!y0.getShape().equals(s)) {
      throw new DataException("batch y0 " + y0.getShape() + " differs from x0 " + s + " at step "
          + step + "; source and target slices must have the same shape");
    }
    for (NDArray c : context) {
      if (c.getShape().dimension() == 0 || c.getShape().get(0) != batchSize) {
        throw new DataException("batch context array " + c.getShape() + " must have the batch "
            + "size " + batchSize + " as its first axis");
      }
    }
  }

  /** A batch without conditioning arrays. */
  public Batch(NDArray x0, NDArray y0) {
    this(x0, y0, new NDList());
  }
}

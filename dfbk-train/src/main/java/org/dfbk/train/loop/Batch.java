package org.dfbk.train.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import org.dfbk.core.error.DataException;

/**
 * One training batch of paired slices.
 *
 * @param x0 the target images (the modality to synthesise), float [B, C, H, W] in [−1, 1]
 * @param y0 the source images, float [B, C_y, H, W] in [−1, 1]: C_y = C for one source image,
 *     more with several sources or neighbouring slices (the first C channels are what x_t is
 *     shifted toward)
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
    Shape y = y0.getShape();
    if (y.dimension() != 4 || y.get(0) != s.get(0) || y.get(1) < s.get(1) || y.get(2) != s.get(2)
        || y.get(3) != s.get(3)) {
      throw new DataException("batch y0 " + y + " does not fit x0 " + s + " at step " + step
          + "; source slices must have the target's batch size and size, and at least its"
          + " channels");
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

package org.dfbk.train.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.dfbk.core.math.Ops;
import org.dfbk.data.cache.SliceCache;
import org.dfbk.train.diffusion.GaussianNoise;
import org.dfbk.train.knowledge.TextContext;

/**
 * Training batches from the slice cache, as a pure function of the step (so a resumed run draws
 * the same batches): sample j of step s is position {@code g = s·B + j} of an endless sequence of
 * epochs, each a permutation of the training slices seeded by (seed, epoch). With {@code hflip},
 * a coin seeded by (seed, g) flips source and target together.
 *
 * <p>Batch: x_0 = target [B, 1, S, S], y_0 = condition [B, C, S, S] (C = 1 for one source
 * without slice context; the cache's {@link org.dfbk.data.transform.ConditionLayout} otherwise),
 * context = (text [B, L, D], mask [B, L]) when a text context is given.
 */
public final class CacheBatchSource implements BatchSource {
  private final SliceCache cache;
  private final int[] indices;
  private final int batchSize;
  private final long seed;
  private final boolean hflip;
  private final TextContext text;
  private int cachedEpoch = -1;
  private int[] cachedPerm;

  public CacheBatchSource(SliceCache cache, String split, int batchSize, long seed, boolean hflip,
      TextContext text) {
    this.cache = cache;
    this.indices = cache.indices(split);
    if (indices.length == 0) {
      throw new org.dfbk.core.error.DataException("slice cache " + cache.directory() + " has no '"
          + split + "' slices; check data.split and the number of subjects");
    }
    this.batchSize = batchSize;
    this.seed = seed;
    this.hflip = hflip;
    this.text = text;
  }

  /** Slices in the split. */
  public int size() {
    return indices.length;
  }

  @Override
  public Batch next(NDManager manager, long step) {
    int s = cache.imageSize();
    int plane = s * s;
    int channels = cache.conditionChannels();
    float[] x0 = new float[batchSize * plane];
    float[] y0 = new float[batchSize * channels * plane];
    float[] buf = new float[plane];
    for (int j = 0; j < batchSize; j++) {
      long g = step * batchSize + j;
      int epoch = (int) (g / indices.length);
      int pos = (int) (g % indices.length);
      int slice = permutation(epoch)[pos];
      boolean flip = hflip && new SplittableRandom(GaussianNoise.deriveSeed(seed, g)).nextBoolean();
      cache.read(slice, 0, buf);
      copy(buf, x0, j * plane, s, flip);
      for (int c = 0; c < channels; c++) {
        cache.read(slice, 1 + c, buf);
        copy(buf, y0, (j * channels + c) * plane, s, flip);
      }
    }
    NDArray tx = Ops.engineOwned(manager.create(x0, new Shape(batchSize, 1, s, s)));
    NDArray ty = Ops.engineOwned(manager.create(y0, new Shape(batchSize, channels, s, s)));
    NDList ctx = text == null ? new NDList() : text.toNDList(manager, batchSize);
    return new Batch(tx, ty, ctx);
  }

  private synchronized int[] permutation(int epoch) {
    if (epoch != cachedEpoch) {
      int[] p = indices.clone();
      SplittableRandom r =
          new SplittableRandom(GaussianNoise.deriveSeed(seed ^ 0x5DEECE66DL, epoch));
      for (int i = p.length - 1; i > 0; i--) {
        int k = r.nextInt(i + 1);
        int t = p[i];
        p[i] = p[k];
        p[k] = t;
      }
      cachedPerm = p;
      cachedEpoch = epoch;
    }
    return cachedPerm;
  }

  private static void copy(float[] src, float[] dst, int offset, int s, boolean flip) {
    if (!flip) {
      System.arraycopy(src, 0, dst, offset, s * s);
      return;
    }
    for (int r = 0; r < s; r++) {
      int row = r * s;
      for (int c = 0; c < s; c++) {
        dst[offset + row + c] = src[row + s - 1 - c];
      }
    }
  }
}

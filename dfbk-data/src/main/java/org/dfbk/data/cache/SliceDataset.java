package org.dfbk.data.cache;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.util.Progress;
import org.dfbk.data.dataset.SubjectSplit;
import org.dfbk.data.transform.ConditionLayout;

/**
 * A DJL dataset over one split of a {@link SliceCache}.
 *
 * <p>Record i: data = NDList(x_0, y_0) where x_0 is the target image, float32 (1, S, S) =
 * (C, H, W), and y_0 the condition, float32 (C_y, S, S) with C_y = 1 for one source without slice
 * context (else the cache's {@link ConditionLayout} channels), in model units [−1, 1]; labels =
 * an empty NDList (the diffusion loss takes x_0 from the data). Batched by
 * {@link SliceBatchifier} (unless {@code optDataBatchifier} says otherwise) to (N, 1, S, S) and
 * (N, C_y, S, S).
 *
 * <p>Augmentation (training): with probability {@code flipProbability} both images are flipped
 * horizontally (columns reversed) together, so the pair stays aligned. The decision is a pure
 * function of (seed, epoch, record index), so it is reproducible with any number of loader
 * threads; call {@link #setEpoch(int)} at the start of each epoch to draw new flips.
 */
public final class SliceDataset extends RandomAccessDataset {
  private final SliceCache cache;
  private final String split;
  private final int[] indices;
  private final double flipProbability;
  private final long seed;
  private volatile int epoch;

  private SliceDataset(Builder b) {
    super(b);
    this.cache = b.cache;
    this.split = b.split;
    this.indices = b.split == null ? java.util.stream.IntStream.range(0, b.cache.size()).toArray()
        : b.cache.indices(b.split);
    this.flipProbability = b.flipProbability;
    this.seed = b.seed;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The usual view of one split: batches of {@code batchSize}; "train" is shuffled with paired
   * horizontal flips at probability 0.5, "val" and "test" are in cache order without
   * augmentation.
   */
  public static SliceDataset forSplit(SliceCache cache, String split, int batchSize, long seed) {
    boolean train = "train".equals(split);
    return builder().setCache(cache).optSplit(split).optFlipProbability(train ? 0.5 : 0)
        .optSeed(seed).setSampling(batchSize, train).build();
  }

  @Override
  public Record get(NDManager manager, long index) {
    int i = cacheIndex(index);
    int s = cache.imageSize();
    float[] x0 = cache.target(i);
    float[] y0 = cache.condition(i);
    int channels = cache.conditionChannels();
    if (flips(index)) {
      flipColumns(x0, s);
      flipColumns(y0, s); // every row of every channel
    }
    NDArray target = manager.create(x0, new Shape(1, s, s));
    NDArray source = manager.create(y0, new Shape(channels, s, s));
    return new Record(new NDList(target, source), new NDList());
  }

  /** Whether record {@code index} is flipped in the current epoch. */
  public boolean flips(long index) {
    if (flipProbability <= 0) {
      return false;
    }
    long h = mix(seed ^ mix(epoch * 0x9E3779B97F4A7C15L + index));
    return (h >>> 11) * 0x1.0p-53 < flipProbability;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static void flipColumns(float[] img, int s) {
    for (int r = 0; r < img.length / s; r++) { // rows of all channels
      int base = r * s;
      for (int a = 0, b = s - 1; a < b; a++, b--) {
        float t = img[base + a];
        img[base + a] = img[base + b];
        img[base + b] = t;
      }
    }
  }

  /** Sets the epoch that seeds the flips. */
  public void setEpoch(int epoch) {
    this.epoch = epoch;
  }

  /** Index into the cache of record {@code index} of this view. */
  public int cacheIndex(long index) {
    if (index < 0 || index >= indices.length) {
      throw new IndexOutOfBoundsException("record " + index + " outside [0, " + indices.length
          + ") of split " + (split == null ? "all" : split));
    }
    return indices[(int) index];
  }

  /** Target image x_0 of record {@code index} (S × S row-major, model units, never flipped). */
  public float[] targetSlice(long index) {
    return cache.target(cacheIndex(index));
  }

  /** Source image y_0 of record {@code index} (S × S row-major, model units, never flipped). */
  public float[] sourceSlice(long index) {
    return cache.source(cacheIndex(index));
  }

  /** Provenance and inverse transform of record {@code index}. */
  public SliceInfo info(long index) {
    return cache.info(cacheIndex(index));
  }

  /** The split of this view, or null for all slices. */
  public String split() {
    return split;
  }

  public SliceCache cache() {
    return cache;
  }

  @Override
  protected long availableSize() {
    return indices.length;
  }

  @Override
  public void prepare(Progress progress) {
    // the cache is prepared and mapped already
  }

  /** Builder: {@code setCache} and {@code setSampling} are required. */
  public static final class Builder extends BaseBuilder<Builder> {
    private SliceCache cache;
    private String split;
    private double flipProbability;
    private long seed;

    private Builder() {
      dataBatchifier = new SliceBatchifier();
    }

    @Override
    protected Builder self() {
      return this;
    }

    public Builder setCache(SliceCache cache) {
      this.cache = cache;
      return this;
    }

    /** "train", "val" or "test"; default: all slices. */
    public Builder optSplit(String split) {
      this.split = split;
      return this;
    }

    /** Probability of a paired horizontal flip, in [0, 1] (default 0: no augmentation). */
    public Builder optFlipProbability(double p) {
      this.flipProbability = p;
      return this;
    }

    /** Seed of the augmentation decisions (default 0). */
    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    public SliceDataset build() {
      if (cache == null) {
        throw new IllegalArgumentException("setCache(...) is required");
      }
      if (sampler == null) {
        throw new IllegalArgumentException("setSampling(batchSize, shuffle) is required");
      }
      if (split != null && !SubjectSplit.NAMES.contains(split)) {
        throw new IllegalArgumentException("split must be one of " + SubjectSplit.NAMES
            + " or null, got '" + split + "'");
      }
      if (!(flipProbability >= 0 && flipProbability <= 1)) {
        throw new IllegalArgumentException("flip probability must be in [0, 1], got "
            + flipProbability);
      }
      return new SliceDataset(this);
    }
  }
}

package org.dfbk.data.cache;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.dfbk.core.error.ConfigException;
import org.dfbk.core.error.DataException;
import org.dfbk.data.dataset.SubjectSplit;
import org.dfbk.data.transform.ConditionLayout;
import org.dfbk.data.transform.NormalizationMethod;
import org.dfbk.data.transform.SliceTransform;

/**
 * Preprocessed slice pairs on disk, prepared once and memory-mapped for training and evaluation:
 * the reader of a cache folder, and the entry point that prepares one.
 *
 * <p>Folder contents:
 *
 * <ul>
 *   <li>{@code slices.bin}: n records of shape [1 + C, S, S], little-endian float16 or float32,
 *       record i at byte i · (1 + C) · S² · bytes; channel 0 is the target (x_0), channels 1..C
 *       the condition y_0 ({@link ConditionLayout}: C = 1 for one source without slice context,
 *       the paper's setting and every cache written before several sources were supported);
 *       each S × S image row-major, in model units [−1, 1].
 *   <li>{@code manifest.json}: format version, spec hash and spec, store type, S, channel order,
 *       split membership by subject, the condition's sources and context, each input file (path,
 *       size, mtime) and per slice its subject, split and {@link SliceTransform} (slice index,
 *       axis, crop/pad box, resize factor, normalisation constants) so predictions map back to
 *       source units and geometry, and each subject's in-plane source pixel size in mm
 *       ({@link CacheStatistics#modelPixelMm()}).
 * </ul>
 *
 * <p>Records are ordered by subject id, then slice index. {@link #prepare} writes into a temporary
 * folder beside the target and renames it into place, so on any error nothing half-written
 * remains and an earlier cache stays as it was. Reads are thread-safe (absolute reads of
 * read-only mappings).
 *
 * <p>The parts: the manifest and its checks ({@link CacheManifest}), when a cache on disk is up
 * to date ({@link CacheIdentity}), the parallel store writer ({@link SliceStoreWriter}), the
 * folder swap ({@link CacheFolder}), the preparation that joins them ({@link CacheBuilder}) and
 * the statistics of the training subjects ({@link CacheStatistics}).
 */
public final class SliceCache {
  /** Store file name. */
  public static final String STORE_FILE = "slices.bin";

  /** Manifest file name. */
  public static final String MANIFEST_FILE = "manifest.json";

  /** Default upper bound of subjects prepared at once. */
  public static final int DEFAULT_MAX_THREADS = 4;

  private final Path dir;
  private final CacheManifest manifest;
  private final StoreType store;
  private final int size;
  private final int pixels;
  private final long recordBytes;
  private final int recordsPerChunk;
  private final MappedByteBuffer[] chunks;
  private final boolean reused;
  private final ConditionLayout condition;
  private final CacheStatistics statistics;

  /**
   * Maps the store beside {@code manifest} (already checked by {@link CacheManifest#read}).
   *
   * @param reused true when a preparation found this cache up to date and wrote nothing
   * @throws DataException when the store is missing or its size disagrees with the manifest
   */
  SliceCache(Path dir, CacheManifest manifest, boolean reused) {
    this.dir = dir;
    this.manifest = manifest;
    this.reused = reused;
    this.statistics = new CacheStatistics(manifest);
    this.store = StoreType.valueOf(manifest.store); // checked by CacheManifest.validate
    this.size = manifest.imageSize;
    this.pixels = size * size;
    this.condition = manifest.conditionLayout(); // checked by CacheManifest.validate
    this.recordBytes = (1L + condition.channels()) * pixels * store.bytes();
    Path file = dir.resolve(STORE_FILE);
    if (!Files.isRegularFile(file)) {
      throw new DataException("slice store " + file + " is missing beside its manifest. Fix:"
          + " delete " + dir + " and prepare again");
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long expected = recordBytes * manifest.count;
      if (ch.size() != expected) {
        throw new DataException("slice store " + file + " has " + ch.size() + " bytes, the"
            + " manifest needs " + expected + " (" + manifest.count + " records of "
            + (1 + condition.channels()) + "x" + size + "x"
            + size + " " + store + "). Fix: delete " + dir + " and prepare again");
      }
      this.recordsPerChunk = (int) Math.max(1, Integer.MAX_VALUE / recordBytes);
      int nChunks = (int) ((manifest.count + (long) recordsPerChunk - 1) / recordsPerChunk);
      this.chunks = new MappedByteBuffer[nChunks];
      for (int c = 0; c < nChunks; c++) {
        long first = (long) c * recordsPerChunk;
        long n = Math.min(recordsPerChunk, manifest.count - first);
        chunks[c] = ch.map(FileChannel.MapMode.READ_ONLY, first * recordBytes, n * recordBytes);
        chunks[c].order(ByteOrder.LITTLE_ENDIAN);
      }
    } catch (IOException e) {
      throw new DataException("cannot map slice store " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Opens an existing cache folder.
   *
   * @throws DataException when the folder is not a cache or its files disagree
   */
  public static SliceCache open(Path cacheDir) {
    CacheManifest m = CacheManifest.read(cacheDir);
    if (m == null) {
      throw new DataException(cacheDir + " holds no " + MANIFEST_FILE + ", so it is not a slice"
          + " cache. Fix: run 'dfbk data prepare' to create it");
    }
    return new SliceCache(cacheDir, m, false);
  }

  /**
   * Prepares the cache described by {@code spec} into {@code cacheDir}, or reuses it when the
   * folder already holds a cache of the same spec hash whose input files (path, size, mtime) are
   * unchanged (then nothing is written and {@link #reusedExisting()} is true).
   *
   * @throws DataException for missing modalities, unreadable or inconsistent images (nothing is
   *     left behind; an earlier cache in {@code cacheDir} stays intact)
   * @throws ConfigException when {@code cacheDir} exists but is neither empty nor a slice cache
   */
  public static SliceCache prepare(PrepareSpec spec, Path cacheDir, ProgressListener listener) {
    return prepare(spec, cacheDir, listener,
        Math.min(DEFAULT_MAX_THREADS, Runtime.getRuntime().availableProcessors()));
  }

  /**
   * {@link #prepare(PrepareSpec, Path, ProgressListener)} reading and preparing up to
   * {@code threads} subjects at once (each holds its two decoded volumes in memory); the store is
   * identical for any thread count (records are written in subject order).
   */
  public static SliceCache prepare(PrepareSpec spec, Path cacheDir, ProgressListener listener,
      int threads) {
    return CacheBuilder.prepare(spec, cacheDir, listener, threads);
  }

  /** The cache folder. */
  public Path directory() {
    return dir;
  }

  /** True when {@link #prepare} found an up-to-date cache and wrote nothing. */
  public boolean reusedExisting() {
    return reused;
  }

  /** Number of slice pairs. */
  public int size() {
    return manifest.count;
  }

  /** Model image side S. */
  public int imageSize() {
    return size;
  }

  /** Element type of the store. */
  public StoreType storeType() {
    return store;
  }

  /** SHA-256 of the spec this cache was prepared from. */
  public String specHash() {
    return manifest.specHash;
  }

  /**
   * Channel names in store order: "target:&lt;modality&gt;", then the condition's
   * ({@link ConditionLayout#channelNames()}: "source:&lt;modality&gt;" for one source without
   * context).
   */
  public List<String> channels() {
    return List.copyOf(manifest.channels);
  }

  /** The sources and slice context of the condition channels (one source, 0 for old caches). */
  public ConditionLayout conditionLayout() {
    return condition;
  }

  /** Number of condition channels C of each record (1 for one source without context). */
  public int conditionChannels() {
    return condition.channels();
  }

  /** Subject ids of each split ("train", "val", "test"). */
  public SubjectSplit split() {
    return new SubjectSplit(manifest.splits.getOrDefault("train", List.of()),
        manifest.splits.getOrDefault("val", List.of()),
        manifest.splits.getOrDefault("test", List.of()));
  }

  /** The input files recorded at preparation. */
  public List<SourceFingerprint> sources() {
    return List.copyOf(manifest.sources);
  }

  /** Provenance and inverse transform of slice pair {@code i}. */
  public SliceInfo info(int i) {
    checkIndex(i);
    return manifest.slices.get(i);
  }

  /**
   * How the cache's MR volumes were normalised; {@link NormalizationMethod#PERCENTILE} for a cache
   * written before the choice was recorded.
   */
  public NormalizationMethod normalization() {
    return manifest.normalization == null ? NormalizationMethod.PERCENTILE
        : NormalizationMethod.valueOf(manifest.normalization);
  }

  /** Reference normalisation, source profile and model pixel scale of the training subjects. */
  public CacheStatistics statistics() {
    return statistics;
  }

  /** Indices of the slice pairs of one split, ascending. */
  public int[] indices(String split) {
    SubjectSplit.NAMES.stream().filter(split::equals).findAny().orElseThrow(() ->
        new IllegalArgumentException("unknown split '" + split + "'; allowed: "
            + SubjectSplit.NAMES));
    return java.util.stream.IntStream.range(0, size())
        .filter(i -> split.equals(manifest.slices.get(i).split())).toArray();
  }

  /** Target image (x_0) of pair {@code i}: S × S row-major, model units. */
  public float[] target(int i) {
    float[] out = new float[pixels];
    read(i, 0, out);
    return out;
  }

  /**
   * Source image of pair {@code i} (the first source's own slice): S × S row-major, model units.
   */
  public float[] source(int i) {
    float[] out = new float[pixels];
    read(i, 1, out);
    return out;
  }

  /**
   * The whole condition y_0 of pair {@code i}: its {@link #conditionChannels()} images one after
   * another (C · S · S, each row-major, model units); for one source without context the same as
   * {@link #source(int)}.
   */
  public float[] condition(int i) {
    float[] out = new float[condition.channels() * pixels];
    float[] buf = new float[pixels];
    for (int c = 0; c < condition.channels(); c++) {
      read(i, 1 + c, buf);
      System.arraycopy(buf, 0, out, c * pixels, pixels);
    }
    return out;
  }

  /**
   * Reads channel {@code channel} (0 target, 1..C the condition's channels, 1 being the first
   * source's own slice) of pair {@code i} into {@code dst}.
   */
  public void read(int i, int channel, float[] dst) {
    checkIndex(i);
    if (channel < 0 || channel > condition.channels()) {
      throw new IllegalArgumentException("channel must be 0 (target) or 1.."
          + condition.channels() + " (" + condition.channelNames() + "), got " + channel);
    }
    if (dst.length != pixels) {
      throw new IllegalArgumentException("destination has " + dst.length + " floats, needs "
          + pixels);
    }
    MappedByteBuffer b = chunks[i / recordsPerChunk];
    int base = (int) ((i % recordsPerChunk) * recordBytes
        + (long) channel * pixels * store.bytes());
    if (store == StoreType.FLOAT32) {
      for (int k = 0; k < pixels; k++) {
        dst[k] = b.getFloat(base + 4 * k);
      }
    } else {
      for (int k = 0; k < pixels; k++) {
        dst[k] = Half.toFloat(b.getShort(base + 2 * k));
      }
    }
  }

  private void checkIndex(int i) {
    if (i < 0 || i >= manifest.count) {
      throw new IndexOutOfBoundsException("slice " + i + " outside [0, " + manifest.count + ")");
    }
  }
}

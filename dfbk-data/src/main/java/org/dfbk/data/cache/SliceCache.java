package org.dfbk.data.cache;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.dfbk.core.error.ConfigException;
import org.dfbk.core.error.DataException;
import org.dfbk.core.io.AtomicFiles;
import org.dfbk.data.dataset.DatasetLayout;
import org.dfbk.data.dataset.DatasetLayouts;
import org.dfbk.data.dataset.SplitSpec;
import org.dfbk.data.dataset.Subject;
import org.dfbk.data.dataset.SubjectSplit;
import org.dfbk.data.nifti.NiftiIO;
import org.dfbk.data.nifti.NiftiImage;
import org.dfbk.data.transform.ConditionLayout;
import org.dfbk.data.transform.DataProfile;
import org.dfbk.data.transform.InputProfile;
import org.dfbk.data.transform.ModalityKind;
import org.dfbk.data.transform.Normalization;
import org.dfbk.data.transform.NormalizationMethod;
import org.dfbk.data.transform.PreparedSlice;
import org.dfbk.data.transform.SlicePreparer;
import org.dfbk.data.transform.SliceTransform;
import org.dfbk.data.transform.Slicing;
import org.dfbk.data.volume.Canonical;
import org.dfbk.data.volume.Volume;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Preprocessed slice pairs on disk, prepared once and memory-mapped for training and evaluation.
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
 *       split membership by subject, the condition's sources and context, each input file (path, size, mtime) and per slice its
 *       subject, split and {@link SliceTransform} (slice index, axis, crop/pad box, resize factor,
 *       normalisation constants) so predictions map back to source units and geometry, and each
 *       subject's in-plane source pixel size in mm ({@link #modelPixelMm()}).
 * </ul>
 *
 * <p>Records are ordered by subject id, then slice index. {@link #prepare} writes into a temporary
 * folder beside the target and renames it into place, so on any error nothing half-written
 * remains and an earlier cache stays as it was. Reads are thread-safe (absolute reads of
 * read-only mappings).
 */
public final class SliceCache {
  /** Store file name. */
  public static final String STORE_FILE = "slices.bin";

  /** Manifest file name. */
  public static final String MANIFEST_FILE = "manifest.json";

  /** Default upper bound of subjects prepared at once. */
  public static final int DEFAULT_MAX_THREADS = 4;

  private static final Logger LOG = LoggerFactory.getLogger(SliceCache.class);
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
      .create();

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

  private SliceCache(Path dir, CacheManifest manifest, boolean reused) {
    this.dir = dir;
    this.manifest = manifest;
    this.reused = reused;
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
    CacheManifest m = readManifest(cacheDir);
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
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    Path target = cacheDir.toAbsolutePath().normalize();
    ProgressListener progress = listener == null ? ProgressListener.NONE : listener;
    DatasetLayout layout = DatasetLayouts.byName(spec.layout());
    List<Subject> subjects = layout.scan(spec.root());
    SubjectSplit split = SubjectSplit.assign(subjects, spec.split(), spec.seed());
    List<Subject> used = new ArrayList<>();
    List<SourceFingerprint> fingerprints = new ArrayList<>();
    for (Subject s : subjects) {
      if (split.splitOf(s.id()) == null) {
        continue;
      }
      Path src = s.require(spec.sourceModality());
      Path tgt = s.require(spec.targetModality());
      used.add(s);
      fingerprints.add(SourceFingerprint.of(s.id(), "source", src));
      fingerprints.add(SourceFingerprint.of(s.id(), "target", tgt));
      List<String> sources = spec.condition().sources();
      for (String extra : sources.subList(1, sources.size())) {
        fingerprints.add(SourceFingerprint.of(s.id(), "source:" + extra, s.require(extra)));
      }
    }
    if (used.isEmpty()) {
      throw new DataException("no subject of " + spec.root() + " is in any split; check the split"
          + " list files or fractions");
    }
    SplitSpec ss = spec.split();
    for (Path list : new Path[] {ss.trainList(), ss.valList(), ss.testList()}) {
      if (list != null) {
        fingerprints.add(SourceFingerprint.of("", "split-list", list));
      }
    }
    Map<String, Object> specMap = specMap(spec);
    String hash = hash(specMap);

    CacheManifest existing = Files.isDirectory(target) ? readManifestQuietly(target) : null;
    if (existing != null && hash.equals(existing.specHash)
        && fingerprints.equals(existing.sources)) {
      LOG.info("slice cache {} is up to date (spec {}), nothing to do", target,
          hash.substring(0, 12));
      return new SliceCache(target, existing, true);
    }
    requireReplaceable(target);

    CacheManifest[] built = new CacheManifest[1];
    try {
      AtomicFiles.replaceDirectory(target, tmp -> {
        CacheManifest m = build(spec, used, split, tmp, progress, threads);
        m.specHash = hash;
        m.spec = specMap;
        m.sources = fingerprints;
        try (Writer w = Files.newBufferedWriter(tmp.resolve(MANIFEST_FILE),
            StandardCharsets.UTF_8)) {
          GSON.toJson(m, w);
        }
        built[0] = m;
      });
    } catch (IOException e) {
      throw new DataException("cannot write slice cache " + target + ": " + e.getMessage(), e);
    }
    LOG.info("prepared {} slice pairs of {} subjects into {}", built[0].count, used.size(), target);
    return new SliceCache(target, built[0], false);
  }

  private static CacheManifest build(PrepareSpec spec, List<Subject> subjects, SubjectSplit split,
      Path tmp, ProgressListener progress, int threads) throws IOException {
    StoreType store = spec.store();
    int pixels = spec.imageSize() * spec.imageSize();
    ConditionLayout condition = spec.condition();
    ByteBuffer record = ByteBuffer.allocate((1 + condition.channels()) * pixels * store.bytes())
        .order(ByteOrder.LITTLE_ENDIAN);
    List<SliceInfo> infos = new ArrayList<>();
    Map<String, Double> pixelMm = new LinkedHashMap<>();
    Map<String, InputProfile> profiles = new LinkedHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "dfbk-prepare");
      t.setDaemon(true);
      return t;
    });
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp.resolve(STORE_FILE)),
        1 << 20)) {
      Deque<Future<Prepared>> window = new ArrayDeque<>();
      int next = 0;
      for (int done = 0; done < subjects.size(); done++) {
        while (next < subjects.size() && window.size() < 2 * threads) {
          Subject s = subjects.get(next++);
          window.add(pool.submit(() -> prepareSubject(spec, s)));
        }
        Subject s = subjects.get(done);
        String splitName = split.splitOf(s.id());
        Prepared prepared = await(window.poll());
        pixelMm.put(s.id(), prepared.pixelMm());
        profiles.put(s.id(), prepared.profile());
        for (PreparedSlice p : prepared.slices()) {
          record.clear();
          put(record, p.target(), store);
          put(record, p.source(), store);
          out.write(record.array());
          infos.add(new SliceInfo(s.id(), splitName, p.transform()));
        }
        progress.subjectDone(done + 1, subjects.size(), s.id());
      }
    } finally {
      pool.shutdownNow();
    }
    CacheManifest m = new CacheManifest();
    m.formatVersion = CacheManifest.FORMAT_VERSION;
    m.store = store.name();
    m.imageSize = spec.imageSize();
    List<String> channels = new ArrayList<>();
    channels.add("target:" + spec.targetModality());
    channels.addAll(condition.channelNames());
    m.channels = channels;
    m.conditionSources = condition.sources();
    m.context = condition.context();
    m.count = infos.size();
    m.splits = new LinkedHashMap<>();
    for (String n : SubjectSplit.NAMES) {
      List<String> ids = new ArrayList<>();
      for (Subject s : subjects) {
        if (n.equals(split.splitOf(s.id()))) {
          ids.add(s.id());
        }
      }
      m.splits.put(n, ids);
    }
    m.slices = infos;
    m.pixelMm = pixelMm;
    m.normalization = spec.normalization().name();
    m.inputProfiles = profiles;
    return m;
  }

  /** One subject's slices and the in-plane pixel size of its source slices (mm). */
  private record Prepared(List<PreparedSlice> slices, double pixelMm, InputProfile profile) {}

  private static Prepared prepareSubject(PrepareSpec spec, Subject s) {
    ConditionLayout condition = spec.condition();
    if (condition.channels() > 1) {
      List<Path> files = new ArrayList<>();
      List<Volume> volumes = new ArrayList<>();
      for (String name : condition.sources()) {
        Path f = s.require(name);
        files.add(f);
        volumes.add(canonical(readVolume(f)));
      }
      Path targetFile = s.require(spec.targetModality());
      Volume target = canonical(readVolume(targetFile));
      Volume first = volumes.get(0);
      return new Prepared(SlicePreparer.prepare(s.id(), files, volumes, spec.sourceKind(),
          targetFile, target, spec.targetKind(), spec.targetModality(), spec.sliceOptions(),
          condition, spec.normalization()),
          Slicing.inPlanePixelMm(first.voxelSize(), spec.sliceOptions().axis()),
          InputProfile.measure(first, Normalization.fit(spec.sourceKind(), first, files.get(0)),
              spec.sliceOptions().axis()));
    }
    Path srcFile = s.require(spec.sourceModality());
    Path tgtFile = s.require(spec.targetModality());
    // slices are cut from the closest-canonical (RAS) orientation, as translation does
    Volume src = canonical(readVolume(srcFile));
    Volume tgt = canonical(readVolume(tgtFile));
    return new Prepared(SlicePreparer.prepare(s.id(), srcFile, src, spec.sourceKind(),
        spec.sourceModality(), tgtFile, tgt, spec.targetKind(), spec.targetModality(),
        spec.sliceOptions(), spec.normalization()),
        Slicing.inPlanePixelMm(src.voxelSize(), spec.sliceOptions().axis()),
        InputProfile.measure(src, Normalization.fit(spec.sourceKind(), src, srcFile),
            spec.sliceOptions().axis()));
  }

  private static <T> T await(Future<T> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while preparing slices", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException) {
        throw (RuntimeException) c;
      }
      if (c instanceof Error) {
        throw (Error) c;
      }
      throw new IOException(c.getMessage(), c);
    }
  }

  private static void put(ByteBuffer b, float[] values, StoreType store) {
    if (store == StoreType.FLOAT32) {
      for (float v : values) {
        b.putFloat(v);
      }
    } else {
      for (float v : values) {
        b.putShort(Half.fromFloat(v));
      }
    }
  }

  private static Volume canonical(Volume v) {
    return Canonical.of(v.affine()).apply(v);
  }

  private static Volume readVolume(Path file) {
    NiftiImage img = NiftiIO.read(file);
    if (img.volumeCount() != 1) {
      throw new DataException(file + " holds " + img.volumeCount() + " volumes (4-D); slice"
          + " preparation needs one 3-D volume per file. Fix: extract the volume to use (e.g."
          + " fslroi in.nii.gz out.nii.gz 0 1)");
    }
    return img.volume();
  }

  /** A folder may be replaced when it is absent, empty, or a slice cache. */
  private static void requireReplaceable(Path target) {
    if (!Files.exists(target)) {
      return;
    }
    if (!Files.isDirectory(target)) {
      throw new ConfigException("cache path " + target + " is a file; choose a folder path");
    }
    if (Files.exists(target.resolve(MANIFEST_FILE))) {
      return;
    }
    try (Stream<Path> s = Files.list(target)) {
      if (s.findAny().isPresent()) {
        throw new ConfigException("cache folder " + target + " exists, is not empty and is not a"
            + " slice cache (no " + MANIFEST_FILE + "); refusing to replace it. Fix: choose a new"
            + " or empty folder");
      }
    } catch (IOException e) {
      throw new DataException("cannot list " + target + ": " + e.getMessage(), e);
    }
  }

  private static CacheManifest readManifest(Path dir) {
    Path f = dir.resolve(MANIFEST_FILE);
    if (!Files.isRegularFile(f)) {
      return null;
    }
    CacheManifest m;
    try {
      long size = Files.size(f);
      if (size > CacheManifest.MAX_BYTES) {
        throw new DataException(f + " is " + size + " bytes, more than a slice-cache manifest"
            + " may hold (" + CacheManifest.MAX_BYTES + " bytes, about "
            + CacheManifest.MAX_BYTES / 1000 + " slices). Fix: delete " + dir + " and prepare"
            + " again");
      }
      try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
        m = GSON.fromJson(r, CacheManifest.class);
      }
    } catch (IOException | JsonParseException e) {
      throw new DataException("cannot read " + f + ": " + e.getMessage() + ". Fix: delete " + dir
          + " and prepare again", e);
    } catch (RuntimeException e) {
      if (e instanceof DataException d) {
        throw d;
      }
      // a record's constructor rejected a value (Gson wraps its exception)
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new DataException(f + " holds an invalid value (" + cause.getMessage() + "). Fix:"
          + " delete " + dir + " and prepare again", e);
    }
    if (m == null || m.formatVersion != CacheManifest.FORMAT_VERSION || m.slices == null
        || m.store == null) {
      throw new DataException(f + " is not a slice-cache manifest of format version "
          + CacheManifest.FORMAT_VERSION + ". Fix: delete " + dir + " and prepare again");
    }
    m.validate(f);
    return m;
  }

  private static CacheManifest readManifestQuietly(Path dir) {
    try {
      return readManifest(dir);
    } catch (DataException e) {
      LOG.warn("existing cache {} is unreadable and will be rebuilt: {}", dir, e.getMessage());
      return null;
    }
  }

  /** The spec as an ordered JSON-friendly map (paths as absolute strings). */
  static Map<String, Object> specMap(PrepareSpec spec) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("formatVersion", CacheManifest.FORMAT_VERSION);
    m.put("layout", spec.layout());
    m.put("root", spec.root().toString());
    m.put("sourceModality", spec.sourceModality());
    m.put("targetModality", spec.targetModality());
    m.put("sourceKind", spec.sourceKind().name());
    m.put("targetKind", spec.targetKind().name());
    m.put("slicesPerSubject", spec.slicesPerSubject());
    m.put("axis", spec.axis());
    m.put("orientation", "closest canonical RAS");
    m.put("imageSize", spec.imageSize());
    m.put("square", spec.square().name());
    m.put("minForegroundFraction", spec.minForegroundFraction());
    SplitSpec s = spec.split();
    Map<String, Object> split = new LinkedHashMap<>();
    split.put("trainFraction", s.trainFraction());
    split.put("valFraction", s.valFraction());
    split.put("trainList", s.trainList() == null ? null : abs(s.trainList()));
    split.put("valList", s.valList() == null ? null : abs(s.valList()));
    split.put("testList", s.testList() == null ? null : abs(s.testList()));
    m.put("split", split);
    m.put("seed", spec.seed());
    m.put("store", spec.store().name());
    if (spec.normalization() != NormalizationMethod.PERCENTILE) {
      // absent for the percentile rule, so caches prepared before the choice existed stay valid
      m.put("normalization", spec.normalization().name());
    }
    ConditionLayout condition = spec.condition();
    if (condition.channels() > 1) {
      // only then: the hash of a single-source cache stays what it was before these keys
      m.put("sourceModalities", condition.sources());
      m.put("context", condition.context());
    }
    return m;
  }

  private static String abs(Path p) {
    return p.toAbsolutePath().normalize().toString();
  }

  /** SHA-256 (hex) of the spec map's JSON (nulls included, fixed key order). */
  static String hash(Map<String, Object> specMap) {
    String json = new GsonBuilder().serializeNulls().create().toJson(specMap);
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(json.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
  }


  // ---------------------------------------------------------------- reading

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
   * A target normalisation for subjects whose target is unknown (translation of new data): the
   * median over the training subjects of their target's upper bound (for MR the 99.5th
   * percentile; for CT the fixed window). Falls back to all subjects when the train split is
   * empty.
   */
  public Normalization referenceTargetNormalization() {
    Map<String, Normalization> perSubject = new LinkedHashMap<>();
    for (SliceInfo s : manifest.slices) {
      if ("train".equals(s.split())) {
        perSubject.putIfAbsent(s.subject(), s.transform().target());
      }
    }
    if (perSubject.isEmpty()) {
      for (SliceInfo s : manifest.slices) {
        perSubject.putIfAbsent(s.subject(), s.transform().target());
      }
    }
    double median = Normalization.median(
        perSubject.values().stream().mapToDouble(Normalization::high).toArray());
    Normalization any = perSubject.values().iterator().next();
    return new Normalization(any.kind(), any.low(), median);
  }

  /**
   * How the cache's MR volumes were normalised; {@link NormalizationMethod#PERCENTILE} for a cache
   * written before the choice was recorded.
   */
  public NormalizationMethod normalization() {
    return manifest.normalization == null ? NormalizationMethod.PERCENTILE
        : NormalizationMethod.valueOf(manifest.normalization);
  }

  /**
   * What the training split's source volumes looked like after preprocessing (all subjects when
   * the train split is empty); empty for a cache written before profiles were recorded.
   */
  public java.util.Optional<DataProfile> sourceProfile() {
    if (manifest.inputProfiles == null || manifest.inputProfiles.isEmpty()) {
      return java.util.Optional.empty();
    }
    List<String> train = manifest.splits.getOrDefault("train", List.of());
    List<InputProfile> used = new ArrayList<>();
    for (Map.Entry<String, InputProfile> e : manifest.inputProfiles.entrySet()) {
      if (train.isEmpty() || train.contains(e.getKey())) {
        used.add(e.getValue());
      }
    }
    if (used.stream().noneMatch(p -> p.slices() > 0)) {
      return java.util.Optional.empty();
    }
    ModalityKind kind = manifest.spec != null && "CT".equals(manifest.spec.get("sourceKind"))
        ? ModalityKind.CT : ModalityKind.MR;
    return java.util.Optional.of(DataProfile.of(used, kind));
  }

  /**
   * The scale the model was trained at: the median over the training slices (all slices when the
   * train split is empty) of the millimetres one model pixel covers, the source's in-plane pixel
   * size × box side / model size. Empty for a cache written before pixel sizes were recorded.
   */
  public OptionalDouble modelPixelMm() {
    if (manifest.pixelMm == null || manifest.pixelMm.isEmpty()) {
      return OptionalDouble.empty();
    }
    double[] train = modelPixelMm(true);
    double[] values = train.length > 0 ? train : modelPixelMm(false);
    return values.length == 0 ? OptionalDouble.empty()
        : OptionalDouble.of(Normalization.median(values));
  }

  private double[] modelPixelMm(boolean trainOnly) {
    return manifest.slices.stream()
        .filter(s -> !trainOnly || "train".equals(s.split()))
        .filter(s -> manifest.pixelMm.get(s.subject()) != null)
        .mapToDouble(s -> s.transform().modelPixelMm(manifest.pixelMm.get(s.subject())))
        .toArray();
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

  /** Source image of pair {@code i} (the first source's own slice): S × S row-major, model units. */
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
    int base = (int) ((i % recordsPerChunk) * recordBytes + (long) channel * pixels * store.bytes());
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

package org.dfbk.data.cache;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.dfbk.core.error.DataException;
import org.dfbk.data.transform.ConditionLayout;
import org.dfbk.data.transform.InputProfile;
import org.dfbk.data.transform.NormalizationMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSON manifest beside the slice store ({@value SliceCache#MANIFEST_FILE}, serialised with
 * Gson): what the store holds and how it was prepared. {@link #read} checks it before the store is
 * mapped; {@link #writeTo} writes it.
 */
final class CacheManifest {
  static final int FORMAT_VERSION = 1;
  /** Largest manifest read (about 1 KB per slice, pretty-printed): 256 MiB. */
  static final long MAX_BYTES = 256L << 20;
  /**
   * Largest model image side: S x S must fit an int (a record, (1 + C) x S x S, must also stay
   * below 2 GiB, one mapped chunk: checked with C).
   */
  static final int MAX_IMAGE_SIZE = 8192;

  private static final Logger LOG = LoggerFactory.getLogger(CacheManifest.class);
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
      .create();

  int formatVersion;
  String specHash;
  Map<String, Object> spec;
  String store;
  int imageSize;
  /** Channel order of each record in the store. */
  List<String> channels;
  /**
   * Source modalities of the condition, in channel order; absent in caches written before
   * several sources were supported (then one source, named in {@code channels}).
   */
  List<String> conditionSources;
  /** Neighbouring slices on each side in the condition; absent (0) in older caches. */
  Integer context;
  int count;
  Map<String, List<String>> splits;
  List<SourceFingerprint> sources;
  List<SliceInfo> slices;
  /**
   * In-plane pixel size (mm) of each subject's source slices in the canonical orientation; absent
   * in caches written before it was recorded.
   */
  Map<String, Double> pixelMm;
  /**
   * {@link NormalizationMethod} name of the MR volumes; absent in caches written before it was
   * recorded, which were normalised by the percentile rule.
   */
  String normalization;
  /**
   * Each subject's source {@link InputProfile}; absent in caches written before it was recorded.
   */
  Map<String, InputProfile> inputProfiles;

  /**
   * The manifest of the cache folder {@code dir}, checked ({@link #validate}), or null when the
   * folder holds none.
   *
   * @throws DataException when the manifest is too large, unreadable, of another format version,
   *     or holds an invalid value
   */
  static CacheManifest read(Path dir) {
    Path f = dir.resolve(SliceCache.MANIFEST_FILE);
    if (!Files.isRegularFile(f)) {
      return null;
    }
    CacheManifest m;
    try {
      long size = Files.size(f);
      if (size > MAX_BYTES) {
        throw new DataException(f + " is " + size + " bytes, more than a slice-cache manifest"
            + " may hold (" + MAX_BYTES + " bytes, about " + MAX_BYTES / 1000 + " slices). Fix:"
            + " delete " + dir + " and prepare again");
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
    if (m == null || m.formatVersion != FORMAT_VERSION || m.slices == null || m.store == null) {
      throw new DataException(f + " is not a slice-cache manifest of format version "
          + FORMAT_VERSION + ". Fix: delete " + dir + " and prepare again");
    }
    m.validate(f);
    return m;
  }

  /**
   * As {@link #read}, but an unreadable manifest gives null (with a warning): the cache it
   * belongs to is then rebuilt.
   */
  static CacheManifest readQuietly(Path dir) {
    try {
      return read(dir);
    } catch (DataException e) {
      LOG.warn("existing cache {} is unreadable and will be rebuilt: {}", dir, e.getMessage());
      return null;
    }
  }

  /** Writes this manifest into the folder {@code dir}. */
  void writeTo(Path dir) throws IOException {
    try (Writer w = Files.newBufferedWriter(dir.resolve(SliceCache.MANIFEST_FILE),
        StandardCharsets.UTF_8)) {
      GSON.toJson(this, w);
    }
  }

  /**
   * Checks the numbers that size the store and index the slices, before the store is mapped.
   *
   * @throws DataException naming the manifest, the key and the value
   */
  void validate(Path file) {
    String fix = ". Fix: delete " + file.getParent() + " and prepare again";
    if (!"FLOAT16".equals(store) && !"FLOAT32".equals(store)) {
      throw new DataException(file + ": store = \"" + store + "\" is not one of FLOAT16, FLOAT32"
          + fix);
    }
    if (imageSize < 1 || imageSize > MAX_IMAGE_SIZE) {
      throw new DataException(file + ": imageSize = " + imageSize + " is out of range (expected"
          + " 1.." + MAX_IMAGE_SIZE + ")" + fix);
    }
    if (count < 0 || count != slices.size()) {
      throw new DataException(file + ": count = " + count + " disagrees with the "
          + slices.size() + " entries of slices" + fix);
    }
    if (channels == null || channels.size() < 2 || splits == null || sources == null) {
      throw new DataException(file + ": channels (at least 2 names), splits and sources are"
          + " required, found channels = " + channels + ", splits "
          + (splits == null ? "absent" : "present") + ", sources "
          + (sources == null ? "absent" : "present") + fix);
    }
    ConditionLayout layout;
    try {
      layout = conditionLayout();
    } catch (RuntimeException e) {
      throw new DataException(file + ": channels = " + channels + " are not a target and the"
          + " channels of a condition (" + e.getMessage() + ")" + fix, e);
    }
    if ((conditionSources != null && !conditionSources.equals(layout.sources()))
        || (context != null && context != layout.context())) {
      throw new DataException(file + ": conditionSources = " + conditionSources + " and context = "
          + context + " disagree with channels = " + channels + fix);
    }
    long recordBytes = (1L + layout.channels()) * imageSize * imageSize * 4;
    if (recordBytes > Integer.MAX_VALUE) {
      throw new DataException(file + ": a record of " + (1 + layout.channels()) + " channels of "
          + imageSize + "x" + imageSize + " is over 2 GiB" + fix);
    }
    for (int i = 0; i < slices.size(); i++) {
      SliceInfo s = slices.get(i);
      if (s == null || s.subject() == null || s.split() == null || s.transform() == null) {
        throw new DataException(file + ": slices[" + i + "] lacks subject, split or transform"
            + fix);
      }
      if (s.transform().size() != imageSize) {
        throw new DataException(file + ": slices[" + i + "].transform.size = "
            + s.transform().size() + " differs from imageSize = " + imageSize + fix);
      }
    }
    if (normalization != null && java.util.Arrays.stream(NormalizationMethod.values())
        .noneMatch(n -> n.name().equals(normalization))) {
      throw new DataException(file + ": normalization = \"" + normalization + "\" is not one of "
          + java.util.Arrays.toString(NormalizationMethod.values()) + fix);
    }
    if (inputProfiles != null) {
      for (Map.Entry<String, InputProfile> e : inputProfiles.entrySet()) {
        InputProfile p = e.getValue();
        if (p == null || p.quantiles() == null
            || p.quantiles().length != InputProfile.QUANTILE_LEVELS.length) {
          throw new DataException(file + ": inputProfiles[\"" + e.getKey() + "\"] lacks its "
              + InputProfile.QUANTILE_LEVELS.length + " quantiles" + fix);
        }
      }
    }
    if (pixelMm != null) {
      for (Map.Entry<String, Double> e : pixelMm.entrySet()) {
        Double v = e.getValue();
        if (v == null || !(v > 0) || v.isInfinite()) {
          throw new DataException(file + ": pixelMm[\"" + e.getKey() + "\"] = " + v + " is not a"
              + " positive finite size in mm" + fix);
        }
      }
    }
  }

  /** The condition that the channel names after the target describe. */
  ConditionLayout conditionLayout() {
    if (channels.isEmpty() || !channels.get(0).startsWith("target:")) {
      throw new IllegalArgumentException("the first channel must be the target");
    }
    return ConditionLayout.fromChannelNames(channels.subList(1, channels.size()));
  }
}

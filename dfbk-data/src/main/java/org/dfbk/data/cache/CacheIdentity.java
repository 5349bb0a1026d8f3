package org.dfbk.data.cache;

import com.google.gson.GsonBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dfbk.data.dataset.SplitSpec;
import org.dfbk.data.dataset.Subject;
import org.dfbk.data.transform.ConditionLayout;
import org.dfbk.data.transform.NormalizationMethod;

/**
 * What a slice cache is prepared from, and so when one on disk is stale: the SHA-256 of its
 * {@link PrepareSpec} (as the ordered map {@link #specMap(PrepareSpec)}) and the fingerprints
 * (absolute path, size, modification time) of every input file read. A cache on disk is reused
 * only when both equal those of a new preparation ({@link #matches}); any other difference
 * rebuilds it.
 *
 * @param spec the spec as an ordered JSON-friendly map ({@link #specMap(PrepareSpec)}), recorded
 *     in the manifest
 * @param specHash SHA-256 (hex) of {@code spec}'s JSON
 * @param sources fingerprints of each used subject's source, target and further source files,
 *     then of the split list files
 */
record CacheIdentity(Map<String, Object> spec, String specHash,
    List<SourceFingerprint> sources) {

  /**
   * Fingerprints of the files one subject contributes, in the order they are recorded: source,
   * target, then the condition's further sources.
   *
   * @throws org.dfbk.core.error.DataException when the subject lacks one of the modalities
   */
  static List<SourceFingerprint> subjectFiles(PrepareSpec spec, Subject s) {
    Path src = s.require(spec.sourceModality());
    Path tgt = s.require(spec.targetModality());
    List<SourceFingerprint> out = new ArrayList<>();
    out.add(SourceFingerprint.of(s.id(), "source", src));
    out.add(SourceFingerprint.of(s.id(), "target", tgt));
    List<String> sources = spec.condition().sources();
    for (String extra : sources.subList(1, sources.size())) {
      out.add(SourceFingerprint.of(s.id(), "source:" + extra, s.require(extra)));
    }
    return out;
  }

  /**
   * The identity of a preparation of {@code spec} that reads {@code subjectFiles} (from
   * {@link #subjectFiles}, subject by subject) and the spec's split list files.
   */
  static CacheIdentity of(PrepareSpec spec, List<SourceFingerprint> subjectFiles) {
    List<SourceFingerprint> fingerprints = new ArrayList<>(subjectFiles);
    SplitSpec ss = spec.split();
    for (Path list : new Path[] {ss.trainList(), ss.valList(), ss.testList()}) {
      if (list != null) {
        fingerprints.add(SourceFingerprint.of("", "split-list", list));
      }
    }
    Map<String, Object> specMap = specMap(spec);
    return new CacheIdentity(specMap, hash(specMap), fingerprints);
  }

  /** True when {@code existing} (null for none) was prepared from this spec and these files. */
  boolean matches(CacheManifest existing) {
    return existing != null && specHash.equals(existing.specHash)
        && sources.equals(existing.sources);
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
}

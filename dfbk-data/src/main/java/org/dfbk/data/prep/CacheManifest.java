package org.dfbk.data.prep;

import java.util.List;
import java.util.Map;

/** The JSON manifest beside the slice store (serialised with Gson). */
final class CacheManifest {
  static final int FORMAT_VERSION = 1;

  int formatVersion;
  String specHash;
  Map<String, Object> spec;
  String store;
  int imageSize;
  /** Channel order of each record in the store. */
  List<String> channels;
  int count;
  Map<String, List<String>> splits;
  List<SourceFingerprint> sources;
  List<SliceInfo> slices;
  /**
   * In-plane pixel size (mm) of each subject's source slices in the canonical orientation; absent
   * in caches written before it was recorded.
   */
  Map<String, Double> pixelMm;
}

package org.dfbk.data.cache;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.dfbk.data.transform.DataProfile;
import org.dfbk.data.transform.InputProfile;
import org.dfbk.data.transform.ModalityKind;
import org.dfbk.data.transform.Normalization;

/**
 * What a cache's training subjects say about the data a model trained on it will have seen,
 * computed from the manifest ({@link SliceCache#statistics()}): a reference target normalisation
 * for new subjects, the profile of the source volumes, and the scale of a model pixel. Each
 * falls back to all subjects when the train split is empty; the profile and the scale are empty
 * for a cache written before they were recorded.
 */
public final class CacheStatistics {
  private final CacheManifest manifest;

  CacheStatistics(CacheManifest manifest) {
    this.manifest = manifest;
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
   * What the training split's source volumes looked like after preprocessing (all subjects when
   * the train split is empty); empty for a cache written before profiles were recorded.
   */
  public Optional<DataProfile> sourceProfile() {
    if (manifest.inputProfiles == null || manifest.inputProfiles.isEmpty()) {
      return Optional.empty();
    }
    List<String> train = manifest.splits.getOrDefault("train", List.of());
    List<InputProfile> used = new ArrayList<>();
    for (Map.Entry<String, InputProfile> e : manifest.inputProfiles.entrySet()) {
      if (train.isEmpty() || train.contains(e.getKey())) {
        used.add(e.getValue());
      }
    }
    if (used.stream().noneMatch(p -> p.slices() > 0)) {
      return Optional.empty();
    }
    ModalityKind kind = manifest.spec != null && "CT".equals(manifest.spec.get("sourceKind"))
        ? ModalityKind.CT : ModalityKind.MR;
    return Optional.of(DataProfile.of(used, kind));
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
}

package org.dfbk.cli.config;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.dfbk.data.transform.ConditionLayout;
import org.dfbk.data.transform.ModalityKind;
import org.dfbk.data.transform.NormalizationMethod;
import org.dfbk.data.transform.TissueMode;

/**
 * Where the images are and how slices are made from them.
 *
 * @param layout brats2023 | isles2015 | synthrad2023 | paired | phantom
 * @param root dataset folder (relative paths resolve against the working directory)
 * @param sources source modality name as the layout names it (e.g. T1), or a list of them
 *     ({@code [T1, T2]}): each becomes a channel of the condition y_0, in this order (YAML key
 *     {@code source}; one name is written as a name)
 * @param target target modality name (e.g. T2)
 * @param sourceKind MR | CT: how the source intensities are normalised (MR: 99.5th percentile of
 *     the foreground; CT: the HU window [-1024, 3000]); default CT for a modality named CT, else
 *     MR; with several sources it applies to each, and by default they must all be of one kind
 * @param targetKind MR | CT for the target, with the same default
 * @param slicesPerSubject axial slices taken per subject over its non-empty range
 * @param axis slice axis of the volume brought to its closest-canonical (RAS) voxel order:
 *     2 axial (default), 1 coronal, 0 sagittal, whatever order the files store
 * @param imageSize model input size after centre crop and resize (square)
 * @param cache folder of the preprocessed slice cache
 * @param split subject-level split
 * @param hflip paired random horizontal flips during training
 * @param context neighbouring slices on each side added to y_0 per source (2.5-D input); 0 (the
 *     paper's single slice) by default; at the volume's edges the edge slice is repeated
 * @param normalization percentile | zscore | tissue: how MR volumes are scaled to the model range
 *     (docs/config.md); default percentile
 */
public record DataConfig(
    @JsonProperty("layout") DataLayout layout,
    @JsonProperty("root") String root,
    @JsonProperty("source")
    @JsonFormat(with = {JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY,
        JsonFormat.Feature.WRITE_SINGLE_ELEM_ARRAYS_UNWRAPPED})
    List<String> sources,
    @JsonProperty("target") String target,
    @JsonProperty("source_kind") ModalityKind sourceKind,
    @JsonProperty("target_kind") ModalityKind targetKind,
    @JsonProperty("slices_per_subject") Integer slicesPerSubject,
    @JsonProperty("axis") Integer axis,
    @JsonProperty("image_size") Integer imageSize,
    @JsonProperty("cache") String cache,
    @JsonProperty("split") SplitConfig split,
    @JsonProperty("hflip") Boolean hflip,
    @JsonProperty("context") Integer context,
    @JsonProperty("normalization") NormalizationMethod normalization) {

  public DataConfig {
    layout = Check.or(layout, DataLayout.PAIRED);
    root = Check.or(root, "data");
    sources = Check.or(sources, List.of("T1"));
    Check.that(!sources.isEmpty() && sources.stream().allMatch(s -> s != null && !s.isBlank()),
        "data.source", "must be a modality name or a non-empty list of them, got " + sources);
    sources = List.copyOf(sources);
    String source = sources.get(0);
    target = Check.or(target, "T2");
    for (String s : sources) {
      Check.that(!s.equalsIgnoreCase(target), "data.target", "must differ from data.source ("
          + (sources.size() == 1 ? source : sources.toString()) + ")");
    }
    Check.that(sources.stream().map(s -> s.toUpperCase(java.util.Locale.ROOT)).distinct().count()
        == sources.size(), "data.source", "lists a modality twice: " + sources);
    Check.that(sourceKind != null || sources.stream().map(ModalityKind::forModality).distinct()
        .count() == 1, "data.source", "mixes CT and MR sources " + sources + "; all sources"
            + " share one normalisation: set data.source_kind to choose it");
    sourceKind = Check.or(sourceKind, ModalityKind.forModality(source));
    targetKind = Check.or(targetKind, ModalityKind.forModality(target));
    slicesPerSubject = Check.or(slicesPerSubject, 32);
    Check.that(slicesPerSubject > 0, "data.slices_per_subject",
        "must be > 0, got " + slicesPerSubject);
    axis = Check.or(axis, 2);
    Check.that(axis >= 0 && axis <= 2, "data.axis", "must be 0, 1 or 2, got " + axis);
    imageSize = Check.or(imageSize, 192);
    Check.that(imageSize >= 16 && imageSize % 16 == 0, "data.image_size",
        "must be a multiple of 16 and >= 16, got " + imageSize);
    cache = Check.or(cache, "cache");
    split = split == null ? SplitConfig.defaults() : split;
    hflip = Check.or(hflip, Boolean.TRUE);
    context = Check.or(context, 0);
    Check.that(context >= 0 && context <= ConditionLayout.MAX_CONTEXT, "data.context",
        "must be in 0.." + ConditionLayout.MAX_CONTEXT + " (neighbouring slices on each side),"
            + " got " + context);
    normalization = Check.or(normalization, NormalizationMethod.PERCENTILE);
    if (normalization == NormalizationMethod.TISSUE) {
      // names the key and the known contrasts when the white-matter peak of a modality is unknown
      if (sourceKind == ModalityKind.MR) {
        sources.forEach(TissueMode.Peak::forModality);
      }
      if (targetKind == ModalityKind.MR) {
        TissueMode.Peak.forModality(target);
      }
    }
  }

  static DataConfig defaults() {
    return new DataConfig(null, null, null, null, null, null, null, null, null, null, null, null,
        null, null);
  }

  /** This section with its dataset and cache folders replaced (the demo's output folder). */
  public DataConfig withFolders(String newRoot, String newCache) {
    return new DataConfig(layout, newRoot, sources, target, sourceKind, targetKind,
        slicesPerSubject, axis, imageSize, newCache, split, hflip, context, normalization);
  }

  /** The (first) source modality: the image the translation starts from. */
  public String source() {
    return sources.get(0);
  }

  /** The sources and slice context of the network's condition y_0. */
  public ConditionLayout condition() {
    return new ConditionLayout(sources, context);
  }

  /** Whether the source is CT (HU). */
  public boolean sourceIsCt() {
    return sourceKind == ModalityKind.CT;
  }

  /** Whether the target is CT (HU). */
  public boolean targetIsCt() {
    return targetKind == ModalityKind.CT;
  }

  /**
   * Subject split: fractions with a seed, or list files with one subject id per line.
   *
   * @param train fraction of subjects for training
   * @param val fraction for validation
   * @param seed shuffle seed
   * @param trainList optional file listing training subjects (overrides fractions)
   * @param valList optional file listing validation subjects
   * @param testList optional file listing test subjects
   */
  public record SplitConfig(
      @JsonProperty("train") Double train,
      @JsonProperty("val") Double val,
      @JsonProperty("seed") Long seed,
      @JsonProperty("train_list") String trainList,
      @JsonProperty("val_list") String valList,
      @JsonProperty("test_list") String testList) {
    public SplitConfig {
      train = Check.or(train, 0.8);
      val = Check.or(val, 0.1);
      seed = Check.or(seed, 0L);
      Check.that(train > 0 && train <= 1, "data.split.train", "must be in (0, 1], got " + train);
      Check.that(val >= 0 && train + val <= 1.0 + 1e-9, "data.split.val",
          "must be >= 0 with train + val <= 1, got train " + train + " val " + val);
    }

    static SplitConfig defaults() {
      return new SplitConfig(null, null, null, null, null, null);
    }
  }
}

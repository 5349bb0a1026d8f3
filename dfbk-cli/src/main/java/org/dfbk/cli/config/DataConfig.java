package org.dfbk.cli.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.dfbk.data.prep.ModalityKind;

/**
 * Where the images are and how slices are made from them.
 *
 * @param layout brats2023 | isles2015 | synthrad2023 | paired | phantom
 * @param root dataset folder (relative paths resolve against the working directory)
 * @param source source modality name as the layout names it (e.g. T1)
 * @param target target modality name (e.g. T2)
 * @param sourceKind MR | CT: how the source intensities are normalised (MR: 99.5th percentile of
 *     the foreground; CT: the HU window [-1024, 3000]); default CT for a modality named CT, else MR
 * @param targetKind MR | CT for the target, with the same default
 * @param slicesPerSubject axial slices taken per subject over its non-empty range
 * @param axis slice axis of the volume brought to its closest-canonical (RAS) voxel order:
 *     2 axial (default), 1 coronal, 0 sagittal, whatever order the files store
 * @param imageSize model input size after centre crop and resize (square)
 * @param cache folder of the preprocessed slice cache
 * @param split subject-level split
 * @param hflip paired random horizontal flips during training
 */
public record DataConfig(
    @JsonProperty("layout") DataLayout layout,
    @JsonProperty("root") String root,
    @JsonProperty("source") String source,
    @JsonProperty("target") String target,
    @JsonProperty("source_kind") ModalityKind sourceKind,
    @JsonProperty("target_kind") ModalityKind targetKind,
    @JsonProperty("slices_per_subject") Integer slicesPerSubject,
    @JsonProperty("axis") Integer axis,
    @JsonProperty("image_size") Integer imageSize,
    @JsonProperty("cache") String cache,
    @JsonProperty("split") SplitConfig split,
    @JsonProperty("hflip") Boolean hflip) {

  public DataConfig {
    layout = Check.or(layout, DataLayout.PAIRED);
    root = Check.or(root, "data");
    source = Check.or(source, "T1");
    target = Check.or(target, "T2");
    Check.that(!source.equalsIgnoreCase(target), "data.target", "must differ from data.source (" + source + ")");
    sourceKind = Check.or(sourceKind, ModalityKind.forModality(source));
    targetKind = Check.or(targetKind, ModalityKind.forModality(target));
    slicesPerSubject = Check.or(slicesPerSubject, 32);
    Check.that(slicesPerSubject > 0, "data.slices_per_subject", "must be > 0, got " + slicesPerSubject);
    axis = Check.or(axis, 2);
    Check.that(axis >= 0 && axis <= 2, "data.axis", "must be 0, 1 or 2, got " + axis);
    imageSize = Check.or(imageSize, 192);
    Check.that(imageSize >= 16 && imageSize % 16 == 0, "data.image_size",
        "must be a multiple of 16 and >= 16, got " + imageSize);
    cache = Check.or(cache, "cache");
    split = split == null ? SplitConfig.defaults() : split;
    hflip = Check.or(hflip, Boolean.TRUE);
  }

  static DataConfig defaults() {
    return new DataConfig(null, null, null, null, null, null, null, null, null, null, null, null);
  }

  /** This section with its dataset and cache folders replaced (the demo's output folder). */
  public DataConfig withFolders(String newRoot, String newCache) {
    return new DataConfig(layout, newRoot, source, target, sourceKind, targetKind,
        slicesPerSubject, axis, imageSize, newCache, split, hflip);
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

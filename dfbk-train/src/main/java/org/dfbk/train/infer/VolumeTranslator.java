package org.dfbk.train.infer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.dfbk.core.error.DataException;
import org.dfbk.data.transform.ConditionLayout;
import org.dfbk.data.transform.ModalityKind;
import org.dfbk.data.transform.Normalization;
import org.dfbk.data.transform.NormalizationMethod;
import org.dfbk.data.transform.SliceSelector;
import org.dfbk.data.transform.Slicing;
import org.dfbk.data.transform.SquareMode;
import org.dfbk.data.transform.VolumeChecks;
import org.dfbk.data.transform.VolumeTiling;
import org.dfbk.data.volume.Canonical;
import org.dfbk.data.volume.Volume;

/**
 * Whole-volume translation, slice by slice, on the source grid.
 *
 * <p>The volume is first brought to its closest-canonical (RAS) voxel order ({@link Canonical}),
 * as training data are; each slice along {@code axis} of it that holds foreground is normalised
 * like the training data
 * (MR: clip at 0, divide by the volume's 99.5th foreground percentile, or by the upper bound of
 * the checkpoint's {@link NormalizationMethod}; CT: [−1024, 3000] HU),
 * cut into square crops of side min(H, W) over the part of its long side that holds foreground
 * (one crop centred on the anatomy when it fits, else overlapping crops blended, so no anatomy is
 * dropped), resized to the model size, translated, and mapped back by the inverse transform. Units
 * of the output: CT targets in HU; MR targets on the source MR volume's scale (the upper bound of
 * its normalisation, by default its 99.5th percentile, maps to the same value), or on [0, 1] when
 * the source is CT. Slices without foreground, and background outside the crops, get the target's
 * background (0, or −1024 HU).
 *
 * <p>Several sources, or neighbouring slices ({@link ConditionLayout}): all source volumes must
 * share one grid; the crops, the foreground test and the output scale follow the first source;
 * each source is normalised with its own fit, and each crop's model input holds the condition's
 * C images one after another, neighbours beyond the volume repeating its edge slice.
 */
public final class VolumeTranslator {
  /** Translates a batch of model-unit source slices to model-unit predictions (and std maps). */
  @FunctionalInterface
  public interface SliceModel {
    SliceTranslator.Output apply(List<float[]> modelSources);
  }

  /**
   * The translated volume and, for K &gt; 1 samples, the per-voxel standard deviation (or null);
   * {@code modelPixelMm} is the median over the translated slices' crops of the millimetres one
   * model pixel covered (the source's in-plane pixel size × crop side / model size; NaN when no
   * slice was translated), to compare with the scale the model was trained at.
   */
  public record Result(Volume prediction, Volume std, int translatedSlices, double modelPixelMm) {}

  private VolumeTranslator() {}

  /** Output normalisation of a translation from {@code sourceNorm}'s modality to {@code target}. */
  public static Normalization targetNormalization(Normalization sourceNorm, ModalityKind target) {
    if (target == ModalityKind.CT) {
      return new Normalization(ModalityKind.CT, Normalization.CT_LOW, Normalization.CT_HIGH);
    }
    return sourceNorm.kind() == ModalityKind.MR
        ? new Normalization(ModalityKind.MR, 0, sourceNorm.high())
        : new Normalization(ModalityKind.MR, 0, 1);
  }

  public static Result translate(Volume source, Path file, ModalityKind sourceKind,
      ModalityKind targetKind, int axis, int size, SliceModel model) {
    return translate(List.of(source), List.of(file), ConditionLayout.single("source"), sourceKind,
        targetKind, axis, size, model);
  }

  /**
   * As above with the source normalised by {@code method} (the checkpoint's), {@code modality}
   * being the source's modality name (which decides the white-matter peak of
   * {@link NormalizationMethod#TISSUE}). Which slices are translated and where the crops go are
   * decided on the percentile normalisation whatever the method, as in training.
   */
  public static Result translate(Volume source, Path file, ModalityKind sourceKind,
      ModalityKind targetKind, int axis, int size, SliceModel model, NormalizationMethod method,
      String modality) {
    return translate(List.of(source), List.of(file),
        ConditionLayout.single(modality == null || modality.isBlank() ? "source" : modality),
        sourceKind, targetKind, axis, size, model, method);
  }

  /**
   * Translates the sources of one subject (one volume per source of {@code layout}, in its
   * order, on one grid) with the layout's slice context.
   *
   * @throws DataException when the number of volumes is not the layout's, or two sources are not
   *     on one grid (naming the files, their shapes and affines)
   */
  public static Result translate(List<Volume> sources, List<Path> files, ConditionLayout layout,
      ModalityKind sourceKind, ModalityKind targetKind, int axis, int size, SliceModel model) {
    return translate(sources, files, layout, sourceKind, targetKind, axis, size, model,
        NormalizationMethod.PERCENTILE);
  }

  /**
   * As above with every source normalised by {@code method}, each with the white-matter peak of
   * its own modality ({@code layout.sources()}) for {@link NormalizationMethod#TISSUE}.
   */
  public static Result translate(List<Volume> sources, List<Path> files, ConditionLayout layout,
      ModalityKind sourceKind, ModalityKind targetKind, int axis, int size, SliceModel model,
      NormalizationMethod method) {
    int n = layout.sources().size();
    if (sources.size() != n || files.size() != n) {
      throw new DataException("the model takes " + n + " source(s) " + layout.sources()
          + ", got " + sources.size() + " volume(s) " + files);
    }
    Volume first = sources.get(0);
    for (int i = 1; i < n; i++) {
      VolumeChecks.requireSameGrid(files.get(0), first, files.get(i), sources.get(i));
    }
    if (first.nz() == 1 && axis == 2) {
      return translateSlice(sources, files, layout, sourceKind, targetKind, size, model,
          method);
    }
    // Slices are cut from the closest-canonical (RAS) orientation, as in training, whatever
    // order the scanner stored; the result goes back to the source's own voxel order.
    Canonical canonical = Canonical.of(first.affine());
    Result r = translate(canonicals(canonical, sources), files, layout, sourceKind, targetKind,
        axis, size, model, Integer.MAX_VALUE, method);
    return new Result(canonical.restore(r.prediction(), first),
        r.std() == null ? null : canonical.restore(r.std(), first), r.translatedSlices(),
        r.modelPixelMm());
  }

  /**
   * The {@link Result#modelPixelMm()} that {@link #translate} would report for {@code source},
   * computed from the crops it would cut, without translating.
   */
  public static double plannedModelPixelMm(Volume source, Path file, ModalityKind sourceKind,
      int axis, int size) {
    Volume v = source;
    int ax = axis;
    int limit = Integer.MAX_VALUE;
    if (source.nz() == 1 && axis == 2) {
      int plane = source.nx() * source.ny();
      float[] twice = new float[2 * plane];
      System.arraycopy(source.data(), 0, twice, 0, plane);
      System.arraycopy(source.data(), 0, twice, plane, plane);
      v = new Volume(source.nx(), source.ny(), 2, twice, source.voxelSize(), source.affine());
      limit = 1;
    } else {
      v = Canonical.of(source.affine()).apply(source);
    }
    VolumeChecks.requireUsable(v, file);
    Normalization fg = Normalization.fit(sourceKind, v, file);
    VolumeTiling plan = VolumeTiling.plan(file, v, fg, fg, fg, ax, size,
        SquareMode.CROP);
    double pixelMm = Slicing.inPlanePixelMm(v.voxelSize(), ax);
    List<Double> mm = new ArrayList<>();
    for (int k = 0; k < Math.min(limit, plan.sliceCount()); k++) {
      if (SliceSelector.foreground(v, fg, ax, k) > 0) {
        for (var t : plan.transforms(k)) {
          mm.add(t.modelPixelMm(pixelMm));
        }
      }
    }
    return Normalization.median(mm.stream().mapToDouble(Double::doubleValue).toArray());
  }

  private static List<Volume> canonicals(Canonical canonical, List<Volume> sources) {
    List<Volume> out = new ArrayList<>();
    for (Volume v : sources) {
      out.add(canonical.apply(v));
    }
    return out;
  }

  /** As above; slices from {@code limit} on are left as background, untranslated. */
  private static Result translate(List<Volume> sources, List<Path> files, ConditionLayout layout,
      ModalityKind sourceKind, ModalityKind targetKind, int axis, int size, SliceModel model,
      int limit, NormalizationMethod method) {
    Volume source = sources.get(0);
    Path file = files.get(0);
    Normalization[] norms = new Normalization[sources.size()];
    for (int i = 0; i < norms.length; i++) {
      VolumeChecks.requireUsable(sources.get(i), files.get(i));
      norms[i] = method.fit(sourceKind, sources.get(i), files.get(i), layout.sources().get(i));
    }
    Normalization foreground = Normalization.fit(sourceKind, source, file);
    Normalization srcNorm = norms[0];
    Normalization tgtNorm = targetNormalization(srcNorm, targetKind);
    VolumeTiling plan = VolumeTiling.plan(file, source, srcNorm, foreground, tgtNorm,
        axis, size, SquareMode.CROP);
    List<Integer> indices = new ArrayList<>();
    List<Integer> firstInput = new ArrayList<>();
    List<float[]> inputs = new ArrayList<>();
    float[] empty = new float[size * size];
    Arrays.fill(empty, -1f);
    for (int k = 0; k < plan.sliceCount(); k++) {
      List<float[]> boxes = plan.modelInputs(k);
      if (k < limit && SliceSelector.foreground(source, foreground, axis, k) > 0) {
        indices.add(k);
        firstInput.add(inputs.size());
        inputs.addAll(layout.channels() == 1 ? boxes
            : conditions(sources, norms, layout, plan, boxes, axis, k, size));
      } else {
        plan.accept(k, java.util.Collections.nCopies(boxes.size(), empty));
      }
    }
    Volume std = null;
    if (!inputs.isEmpty()) {
      SliceTranslator.Output o = model.apply(inputs);
      if (o.std() != null) {
        std = source.withData(new float[source.data().length]);
      }
      // A standard deviation maps with the slope of the inverse only: (high - low) / 2 per unit.
      Normalization stdScale = new Normalization(tgtNorm.kind(), 0, tgtNorm.high() - tgtNorm.low());
      for (int j = 0; j < indices.size(); j++) {
        int k = indices.get(j);
        int from = firstInput.get(j);
        int to = j + 1 < indices.size() ? firstInput.get(j + 1) : inputs.size();
        plan.accept(k, o.mean().subList(from, to));
        if (std != null) {
          List<float[]> shifted = new ArrayList<>();
          for (float[] s : o.std().subList(from, to)) {
            shifted.add(shift(s));
          }
          Slicing.insert(std, axis, k, plan.toSource(k, shifted, stdScale));
        }
      }
    }
    double pixelMm = Slicing.inPlanePixelMm(source.voxelSize(), axis);
    double modelPixelMm = Normalization.median(indices.stream()
        .flatMap(k -> plan.transforms(k).stream()).mapToDouble(t -> t.modelPixelMm(pixelMm))
        .toArray());
    return new Result(plan.result(), std, indices.size(), modelPixelMm);
  }

  /**
   * The model inputs of slice {@code k}'s boxes: per box the layout's channels one after another,
   * channel c the box of source {@code layout.source(c)} at slice {@code layout.sliceIndex(c, k,
   * n)} (the edge slice repeated beyond the volume), each source with its own normalisation.
   * Channel 0 is the box the plan made of the first source.
   */
  static List<float[]> conditions(List<Volume> sources, Normalization[] norms,
      ConditionLayout layout, VolumeTiling plan, List<float[]> boxes, int axis, int k,
      int size) {
    int plane = size * size;
    int count = plan.sliceCount();
    List<org.dfbk.data.transform.SliceTransform> transforms = plan.transforms(k);
    List<float[]> out = new ArrayList<>(boxes.size());
    for (int b = 0; b < boxes.size(); b++) {
      float[] condition = new float[layout.channels() * plane];
      System.arraycopy(boxes.get(b), 0, condition, 0, plane);
      for (int c = 1; c < layout.channels(); c++) {
        int s = layout.source(c);
        float[] slice = Slicing.extract(sources.get(s), axis, layout.sliceIndex(c, k, count));
        System.arraycopy(transforms.get(b).toModel(slice, norms[s]), 0, condition, c * plane,
            plane);
      }
      out.add(condition);
    }
    return out;
  }

  /**
   * A single 2-D slice (nz = 1): planned as a two-slice stack of itself, so that the checks,
   * normalisation and inverse mapping are exactly those of volumes; only the first is translated
   * (its neighbours, with slice context, are copies of itself: the edge slice repeated).
   * An axial slice stored flipped or transposed is brought to the canonical in-plane order first;
   * a slice whose third axis is not the axial one is translated as stored.
   */
  private static Result translateSlice(List<Volume> slices, List<Path> files,
      ConditionLayout layout, ModalityKind sourceKind, ModalityKind targetKind, int size,
      SliceModel model, NormalizationMethod method) {
    Volume slice = slices.get(0);
    Canonical canonical = Canonical.of(slice.affine());
    if (!canonical.isIdentity() && canonical.from()[2] == 2) {
      // an axial slice stored flipped or transposed: in-plane canonical order, as in training
      Result r = translateStacked(canonicals(canonical, slices), files, layout, sourceKind,
          targetKind, size, model, method);
      return new Result(canonical.restore(r.prediction(), slice),
          r.std() == null ? null : canonical.restore(r.std(), slice), r.translatedSlices(),
          r.modelPixelMm());
    }
    return translateStacked(slices, files, layout, sourceKind, targetKind, size, model, method);
  }

  private static Result translateStacked(List<Volume> slices, List<Path> files,
      ConditionLayout layout, ModalityKind sourceKind, ModalityKind targetKind, int size,
      SliceModel model, NormalizationMethod method) {
    Volume slice = slices.get(0);
    int plane = slice.nx() * slice.ny();
    List<Volume> stacks = new ArrayList<>();
    for (Volume v : slices) {
      float[] twice = new float[2 * plane];
      System.arraycopy(v.data(), 0, twice, 0, plane);
      System.arraycopy(v.data(), 0, twice, plane, plane);
      stacks.add(new Volume(v.nx(), v.ny(), 2, twice, v.voxelSize(), v.affine()));
    }
    Result r = translate(stacks, files, layout, sourceKind, targetKind, 2, size, model, 1,
        method);
    return new Result(slice.withData(Arrays.copyOf(r.prediction().data(), plane)),
        r.std() == null ? null : slice.withData(Arrays.copyOf(r.std().data(), plane)),
        Math.min(1, r.translatedSlices()), r.modelPixelMm());
  }

  /** std σ in model units → σ − 1, so that inverse((σ − 1)) of a [0, 2u] window gives u·σ. */
  private static float[] shift(float[] s) {
    float[] o = new float[s.length];
    for (int i = 0; i < s.length; i++) {
      o[i] = s[i] - 1f;
    }
    return o;
  }
}

package org.dfbk.train.infer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.dfbk.core.error.ConfigException;
import org.dfbk.core.error.DataException;
import org.dfbk.data.nifti.NiftiIO;
import org.dfbk.data.nifti.NiftiImage;
import org.dfbk.data.nifti.NiftiNames;
import org.dfbk.data.transform.ConditionLayout;
import org.dfbk.data.transform.DataProfile;
import org.dfbk.data.transform.InputProfile;
import org.dfbk.data.transform.ModalityKind;
import org.dfbk.data.transform.Normalization;
import org.dfbk.data.transform.NormalizationMethod;
import org.dfbk.data.transform.VolumeChecks;
import org.dfbk.data.volume.Canonical;
import org.dfbk.data.volume.Volume;

/**
 * Translates one NIfTI file into its output file(s): the whole flow of {@code dfbk translate}
 * for one input, shared by every front end that translates files (the command line, the Spark
 * job), so that each gives the same bytes for the same file, model and device.
 *
 * <p>The steps and their guards, in order:
 * <ol>
 *   <li>the outputs may not be the input (or, for a {@code .hdr}, its {@code .img}): refused
 *       before anything is read;</li>
 *   <li>the file is read; a 4-D file with more than one volume needs an explicit volume index,
 *       else it is refused with the fix;</li>
 *   <li>NaN and infinite voxels become the source's background (0, or −1024 HU for CT), with a
 *       warning;</li>
 *   <li>{@link InputCheck} warns when the scan looks unlike the training inputs (skull-on
 *       against skull-stripped training data, another foreground share, other intensities, an
 *       oblique grid);</li>
 *   <li>{@link VolumeTranslator} translates it slice by slice on the source grid, normalised by
 *       the checkpoint's method;</li>
 *   <li>{@link ScaleCheck} warns when the scan's scale differs from the training scale;</li>
 *   <li>with {@link Settings#strict()}, any warning so far stops the file here (before the model
 *       runs, for all but the scale), with nothing written;</li>
 *   <li>the {@code *_std} map (K &gt; 1 samples) and then the prediction are written as float32
 *       with the input's header geometry, each atomically (temporary file + rename), so the
 *       prediction's presence means that both are complete.</li>
 * </ol>
 *
 * <p>Steps 2 to 7 are {@link #translateVolume}, which writes nothing: the evaluation of a
 * checkpoint translates each test subject with it, so that it meets the same guards.
 *
 * <p>A model with several sources ({@link ConditionLayout}) translates one file per source
 * ({@link #translate(List, Path, Consumer, ProgressFactory)}): the same steps for each input, the
 * sources on one grid (else refused, naming the files, shapes and affines), and the outputs on
 * the first input's grid. Slice context is fed from the input volumes themselves.
 *
 * <p>An instance holds no per-file state: one translator may serve files one after another, and
 * threads that share a model may each use it.
 *
 * <p>Over 400 lines because the guards above are one flow, each beside the step it guards; the
 * slice model, the volume mapping and the checks themselves are {@link SliceTranslator},
 * {@link VolumeTranslator}, {@link InputCheck} and {@link ScaleCheck}.
 */
public final class FileTranslator {
  /** Translates model-size source slices: {@link SliceTranslator#translate} is one. */
  @FunctionalInterface
  public interface SliceModel {
    SliceTranslator.Output translate(List<float[]> sources, int size, long seed,
        IntConsumer progress);
  }

  /** Opens the progress of one file's {@code slices} model inputs; may return null. */
  @FunctionalInterface
  public interface ProgressFactory {
    IntConsumer open(Path file, int slices);
  }

  /**
   * What the checkpoint and the run fix for every file.
   *
   * @param source the modality of the inputs
   * @param target the modality of the outputs
   * @param axis the slicing axis of the closest-canonical volume (2: axial)
   * @param imageSize the model's image side in pixels
   * @param trainedPixelMm millimetres per model pixel of the training slices (null if unknown)
   * @param seed the sampler seed
   * @param volume the volume index of 4-D inputs, or null to refuse series of several volumes
   * @param volumeOption the caller's option that sets {@code volume} (e.g. "--volume"), which the
   *     refusal of a series offers; null where the caller has none (the refusal then only says to
   *     extract a volume)
   * @param normalization the checkpoint's normalisation of MR sources (null: percentile)
   * @param sourceModality the source's modality name in training (T1, ...), which decides the
   *     white-matter peak of the tissue normalisation and is named in warnings (null: "source")
   * @param trainedProfile what the training sources looked like (null if unknown: no check)
   * @param strict whether a warning is an error: the file is then refused (exit code 3) and
   *     nothing is written for it
   */
  public record Settings(ModalityKind source, ModalityKind target, int axis, int imageSize,
      Double trainedPixelMm, long seed, Integer volume, String volumeOption,
      NormalizationMethod normalization, String sourceModality, DataProfile trainedProfile,
      boolean strict) {
    /**
     * Settings with the percentile normalisation, no training profile, not strict, and no option
     * that picks the volume of a series.
     */
    public Settings(ModalityKind source, ModalityKind target, int axis, int imageSize,
        Double trainedPixelMm, long seed, Integer volume) {
      this(source, target, axis, imageSize, trainedPixelMm, seed, volume, null, null, null, null,
          false);
    }

    public Settings {
      normalization = normalization == null ? NormalizationMethod.PERCENTILE : normalization;
      sourceModality = sourceModality == null ? "source" : sourceModality;
      if (source == null || target == null) {
        throw new IllegalArgumentException("source and target modalities are required");
      }
      if (imageSize < 1) {
        throw new IllegalArgumentException("imageSize must be >= 1, got " + imageSize);
      }
      if (volume != null && volume < 0) {
        throw new ConfigException("--volume must be >= 0 (0 is the first volume), got " + volume);
      }
    }
  }

  /**
   * A translated file: where its prediction (and std map, or null) went, how many slices were
   * translated, the seconds spent in the network and the inverse mapping (reading and writing
   * excluded), and the warnings given.
   */
  public record Outcome(Path input, Path output, Path std, int translatedSlices, double seconds,
      List<String> warnings) {}

  private final SliceModel model;
  private final boolean withStd;
  private final Settings settings;
  private final ConditionLayout condition;

  /**
   * @param model the slice model
   * @param withStd whether the model gives standard-deviation maps (K &gt; 1 samples), which are
   *     then written beside each prediction as {@code <stem>_std.nii.gz}
   * @param settings what the checkpoint and the run fix
   */
  public FileTranslator(SliceModel model, boolean withStd, Settings settings) {
    this(model, withStd, settings, null);
  }

  /**
   * As {@link #FileTranslator(SliceModel, boolean, Settings)} for a model whose condition has
   * {@code condition}'s sources and slice context (null: one source, context 0).
   */
  public FileTranslator(SliceModel model, boolean withStd, Settings settings,
      ConditionLayout condition) {
    if (model == null || settings == null) {
      throw new IllegalArgumentException("model and settings are required");
    }
    this.model = model;
    this.withStd = withStd;
    this.settings = settings;
    this.condition = condition != null ? condition
        : ConditionLayout.single(settings.sourceModality());
  }

  public Settings settings() {
    return settings;
  }

  /** The sources and slice context the model takes. */
  public ConditionLayout condition() {
    return condition;
  }

  /** Whether {@link #outputs} includes a {@code *_std} map. */
  public boolean writesStd() {
    return withStd;
  }

  /** The files written for the prediction {@code output}: itself, and its std map with K &gt; 1. */
  public List<Path> outputs(Path output) {
    return withStd ? List.of(output, stdPath(output)) : List.of(output);
  }

  /** The standard-deviation map written beside {@code output}: {@code <stem>_std.nii.gz}. */
  public static Path stdPath(Path output) {
    return output.resolveSibling(NiftiNames.stem(output.getFileName().toString()) + "_std.nii.gz");
  }

  /**
   * Translates {@code input} into {@code output} (and its std map).
   *
   * @param warnings receives each warning as it arises (without a prefix)
   * @param progress opens the progress of the file's slices (may be null)
   * @throws DataException for an unreadable or unusable file, a 4-D file without a volume
   *     index, an output that is the input, or a write that fails; nothing is then written
   */
  public Outcome translate(Path input, Path output, Consumer<String> warnings,
      ProgressFactory progress) {
    if (condition.sources().size() > 1) {
      throw new DataException("the model translates " + condition.sources().size() + " sources "
          + condition.sources() + " together, and " + input + " is one file. Fix: give a subject"
          + " folder holding every source, or one file per source (--source-name "
          + String.join(",", condition.sources().stream().map(s -> s + ".nii.gz").toList())
          + ")");
    }
    return translate(List.of(input), output, warnings, progress);
  }

  /**
   * Translates one subject's sources, one file each in the order of {@link #condition()}, into
   * {@code output} (and its std map) on the grid of the first. One file is
   * {@link #translate(Path, Path, Consumer, ProgressFactory)}.
   *
   * @throws DataException as the one-file flow, and when the number of files is not the number of
   *     sources, or the sources are not on one grid; nothing is then written
   */
  public Outcome translate(List<Path> inputs, Path output, Consumer<String> warnings,
      ProgressFactory progress) {
    requireSourceCount(inputs);
    for (Path input : inputs) {
      for (Path o : outputs(output)) {
        requireNotInput(input, o);
      }
    }
    Translation t = translateVolume(inputs, warnings, progress);
    Path std = null;
    if (withStd) {
      if (t.std() == null) {
        throw new IllegalStateException("the slice model gave no std maps for "
            + (inputs.size() == 1 ? inputs.get(0) : inputs));
      }
      std = stdPath(output);
      NiftiIO.writeFloat32(std, t.std(), t.grid().header());
    }
    NiftiIO.writeFloat32(output, t.prediction(), t.grid().header());
    return new Outcome(inputs.get(0), output, std, t.translatedSlices(), t.seconds(),
        t.warnings());
  }

  /**
   * One subject translated in memory: the prediction (and std map with K &gt; 1, else null) on
   * the grid of the first source's file, the sources as translated (non-finite voxels replaced by
   * the background), the slices translated, the seconds spent in the network and the inverse
   * mapping, and the warnings given.
   */
  public record Translation(Volume prediction, Volume std, NiftiImage grid, List<Volume> sources,
      int translatedSlices, double seconds, List<String> warnings) {}

  /**
   * The one-volume step every front end shares: reads one subject's sources (one file each, in
   * the order of {@link #condition()}) and translates them, with every guard of the class
   * (steps 2 to 7) but without writing anything. {@link #translate} writes what this returns;
   * an evaluation compares it with the truth.
   *
   * @param warnings receives each warning as it arises (without a prefix; may be null)
   * @param progress opens the progress of the subject's slices (may be null)
   * @throws DataException for an unreadable or unusable file, a 4-D file without a volume index,
   *     sources not on one grid, or (strict) a warning
   */
  public Translation translateVolume(List<Path> inputs, Consumer<String> warnings,
      ProgressFactory progress) {
    requireSourceCount(inputs);
    List<String> given = new ArrayList<>();
    Consumer<String> warn = w -> {
      given.add(w);
      if (warnings != null) {
        warnings.accept(w);
      }
    };
    List<Volume> sources = new ArrayList<>();
    NiftiImage first = null;
    for (Path input : inputs) {
      NiftiImage img = NiftiIO.read(input);
      first = first == null ? img : first;
      sources.add(usableSource(input, img, warn, inputs.size() > 1));
    }
    Path input = inputs.get(0);
    // the training profile is of the first source: so is the check
    for (String w : InputCheck.warnings(input, profile(sources.get(0), input),
        settings.trainedProfile(), settings.sourceModality())) {
      warn.accept(w);
    }
    refuseIfStrict(input, given);
    long t0 = System.nanoTime();
    int size = settings.imageSize();
    VolumeTranslator.Result r = VolumeTranslator.translate(sources, inputs, condition,
        settings.source(), settings.target(), settings.axis(), size,
        in -> model.translate(in, size, settings.seed(),
            progress == null ? null : progress.open(input, in.size())),
        settings.normalization());
    double seconds = (System.nanoTime() - t0) / 1e9;
    ScaleCheck.warning(input, r.modelPixelMm(), settings.trainedPixelMm(), size).ifPresent(warn);
    refuseIfStrict(input, given);
    return new Translation(r.prediction(), r.std(), first, List.copyOf(sources),
        r.translatedSlices(), seconds, List.copyOf(given));
  }

  private void requireSourceCount(List<Path> inputs) {
    if (inputs.size() != condition.sources().size()) {
      throw new DataException("the model takes " + condition.sources().size() + " source(s) "
          + condition.sources() + " in this order, got " + inputs.size() + " file(s) " + inputs
          + ". Fix: give one file per source");
    }
  }

  /**
   * The warnings {@link #translate} would give for {@code input} (non-finite voxels, a scan unlike
   * the training data, another field of view), without running the model or writing anything.
   *
   * @throws DataException when the file cannot be read or is not a translatable volume
   */
  public List<String> check(Path input) {
    List<String> given = new ArrayList<>();
    NiftiImage img = NiftiIO.read(input);
    Volume source = usableSource(input, img, given::add, false);
    given.addAll(InputCheck.warnings(input, profile(source, input), settings.trainedProfile(),
        settings.sourceModality()));
    ScaleCheck.warning(input, VolumeTranslator.plannedModelPixelMm(source, input,
        settings.source(), settings.axis(), settings.imageSize()), settings.trainedPixelMm(),
        settings.imageSize()).ifPresent(given::add);
    return given;
  }

  /**
   * The profile of {@code source} as the training volumes' were measured: in closest-canonical
   * order, along the slicing axis (a single slice as stored).
   */
  public InputProfile profile(Volume source, Path file) {
    Volume v = source.nz() == 1 ? source : Canonical.of(source.affine()).apply(source);
    VolumeChecks.requireUsable(source.nz() == 1 ? stacked(source) : v, file);
    return InputProfile.measure(v, Normalization.fit(settings.source(), v, file),
        source.nz() == 1 ? 2 : settings.axis());
  }

  private static Volume stacked(Volume slice) {
    int plane = slice.nx() * slice.ny();
    float[] twice = new float[2 * plane];
    System.arraycopy(slice.data(), 0, twice, 0, plane);
    System.arraycopy(slice.data(), 0, twice, plane, plane);
    return new Volume(slice.nx(), slice.ny(), 2, twice, slice.voxelSize(), slice.affine());
  }

  private void refuseIfStrict(Path input, List<String> given) {
    if (settings.strict() && !given.isEmpty()) {
      throw new DataException(input + ": --strict refuses a scan unlike the training data or"
          + " with damaged voxels; nothing was written for it. " + String.join(" | ", given)
          + ". Fix: prepare the scan as the warnings say, or leave out --strict to translate it"
          + " anyway");
    }
  }

  /**
   * The volume to translate: the right one of a 4-D file, non-finite voxels as background. One of
   * {@code several} sources that is 3-D is taken whole whatever the volume index.
   */
  private Volume usableSource(Path input, NiftiImage img, Consumer<String> warn,
      boolean several) {
    Integer volume = settings.volume();
    // a volume index outside the file's range is refused, naming the range
    String use = "translation takes one 3-D volume per " + (several ? "source" : "file");
    String pick = settings.volumeOption() == null ? null : "pass " + settings.volumeOption()
        + " T to translate volume T (0.." + (img.volumeCount() - 1) + ")"
        + (several ? " of each" : "");
    Volume source = volume == null ? img.onlyVolume(null, use, pick)
        : img.volume(several && img.volumeCount() == 1 ? 0 : volume);
    int nonFinite = countNonFinite(source);
    if (nonFinite > 0) {
      float background = settings.source() == ModalityKind.CT ? (float) Normalization.CT_LOW : 0f;
      source = withBackground(source, background);
      warn.accept(input + " has " + nonFinite + " NaN or infinite voxel(s); they are translated"
          + " as background (" + background + ")");
    }
    return source;
  }

  /** The number of NaN and infinite voxels of {@code v}. */
  public static int countNonFinite(Volume v) {
    int n = 0;
    for (float x : v.data()) {
      if (!Float.isFinite(x)) {
        n++;
      }
    }
    return n;
  }

  /** {@code v} with its NaN and infinite voxels set to {@code background}. */
  public static Volume withBackground(Volume v, float background) {
    float[] d = v.data().clone();
    for (int i = 0; i < d.length; i++) {
      if (!Float.isFinite(d[i])) {
        d[i] = background;
      }
    }
    return v.withData(d);
  }

  /**
   * Refuses an {@code output} that is {@code input} itself, or the {@code .img} of a
   * {@code .hdr}/{@code .img} pair that {@code input} belongs to.
   */
  public static void requireNotInput(Path input, Path output) {
    List<Path> protectedFiles = new ArrayList<>(List.of(input));
    String name = input.getFileName().toString();
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".hdr") || lower.endsWith(".hdr.gz") || lower.endsWith(".img")
        || lower.endsWith(".img.gz")) {
      for (String ext : new String[] {".hdr", ".hdr.gz", ".img", ".img.gz", ".HDR", ".HDR.gz",
          ".IMG", ".IMG.gz"}) {
        protectedFiles.add(input.resolveSibling(NiftiNames.stem(name) + ext));
      }
    }
    for (Path p : protectedFiles) {
      if (sameFile(p, output)) {
        throw new DataException("translating " + input + " would overwrite the input " + p
            + (p.equals(input) ? "" : " (as " + output + ")") + "; inputs are never overwritten."
            + " Fix: choose another --output folder or --output-name");
      }
    }
  }

  private static boolean sameFile(Path a, Path b) {
    Path x = a.toAbsolutePath().normalize();
    Path y = b.toAbsolutePath().normalize();
    if (x.equals(y)) {
      return true;
    }
    try {
      return Files.exists(x) && Files.exists(y) && Files.isSameFile(x, y);
    } catch (IOException e) {
      throw new DataException("cannot compare " + b + " with the input " + a + ": "
          + e.getMessage(), e);
    }
  }
}

package org.dfbk.train.loop;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.dfbk.core.error.ConfigException;
import org.dfbk.core.error.DataException;
import org.dfbk.core.nn.ParameterManifest;
import org.dfbk.data.transform.DataProfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves and restores every piece of training state (master weights, EMA, AdamW moments and the
 * loop's counters) as one atomic checkpoint ({@link Checkpoints}): a run restored from step k
 * continues exactly the trajectory of the run that wrote it.
 */
final class TrainingCheckpointer {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingCheckpointer.class);

  /**
   * The loop's counters at a checkpoint.
   *
   * @param step optimizer steps completed
   * @param optimizerUpdates AdamW updates applied
   * @param lossScale the fp16 loss scale (1 in fp32)
   * @param goodSteps fp16 steps since the scale last changed
   * @param bestPsnr best validation PSNR (NaN if none)
   * @param bestStep its step (−1 if none)
   */
  record Counters(long step, long optimizerUpdates, double lossScale, long goodSteps,
      double bestPsnr, long bestStep) {}

  /**
   * What a checkpoint records about the run beside the state.
   *
   * @param resolvedConfig the run's resolved configuration (config.json), may be null
   * @param textEncoderId the text encoder's identifier, may be null
   * @param modelPixelMm millimetres per model pixel of the training slices, may be null
   * @param condition the sources and slice context of y_0, may be null (not recorded)
   * @param inputProfile what the training source volumes looked like, may be null
   */
  record RunMetadata(String resolvedConfig, String textEncoderId, Double modelPixelMm,
      org.dfbk.data.transform.ConditionLayout condition, DataProfile inputProfile) {
    RunMetadata(String resolvedConfig, String textEncoderId, Double modelPixelMm) {
      this(resolvedConfig, textEncoderId, modelPixelMm, null, null);
    }

    RunMetadata(String resolvedConfig, String textEncoderId, Double modelPixelMm,
        org.dfbk.data.transform.ConditionLayout condition) {
      this(resolvedConfig, textEncoderId, modelPixelMm, condition, null);
    }
  }

  private final FlatLayout layout;
  private final NDArray[] master;
  private final NDArray[] ema;
  private final NDArray[] firstMoments;
  private final NDArray[] secondMoments;
  private final TrainerConfig config;
  private final RunMetadata metadata;
  private final NDManager manager;

  /**
   * @param master the master weights per parameter, {@code ema} the EMA (the same array objects
   *     as {@code master} when no EMA copy is kept: saved as such, not restored),
   *     {@code firstMoments} and {@code secondMoments} the flat AdamW moments [P] (viewed per
   *     trainable parameter)
   */
  TrainingCheckpointer(FlatLayout layout, NDArray[] master, NDArray[] ema, NDArray firstMoments,
      NDArray secondMoments, TrainerConfig config, RunMetadata metadata, NDManager manager) {
    this.layout = layout;
    this.master = master;
    this.ema = ema;
    this.firstMoments = views(layout, firstMoments, manager);
    this.secondMoments = views(layout, secondMoments, manager);
    this.config = config;
    this.metadata = metadata;
    this.manager = manager;
  }

  private static NDArray[] views(FlatLayout layout, NDArray flat, NDManager manager) {
    NDArray[] out = new NDArray[layout.size()];
    for (int k = 0; k < out.length; k++) {
      if (layout.trainable()[k]) {
        out[k] = layout.view(flat, k);
        out[k].attach(manager);
      }
    }
    return out;
  }

  /** {@code dir/step-NNNNNNNN.zip}. */
  static Path numbered(Path dir, long step) {
    return dir.resolve(String.format(java.util.Locale.ROOT, "step-%08d.zip", step));
  }

  /** Makes {@code alias} ({@code last.zip}) a second name of the checkpoint {@code file}. */
  static void alias(Path file, Path alias) {
    try {
      Checkpoints.alias(file, alias);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint " + alias + ": " + e.getMessage(),
          e);
    }
  }

  /** Writes the state with {@code counters} to {@code file} atomically. */
  void save(Path file, Counters counters) {
    List<long[]> shapes = new ArrayList<>();
    List<Boolean> flags = new ArrayList<>();
    for (int k = 0; k < layout.size(); k++) {
      shapes.add(layout.shapes().get(k).getShape());
      flags.add(layout.trainable()[k]);
    }
    CheckpointState state = new CheckpointState(1, counters.step(), config.seed(),
        counters.optimizerUpdates(), counters.lossScale(), counters.goodSteps(),
        counters.bestPsnr(), counters.bestStep(), metadata.textEncoderId(), layout.names(),
        shapes, flags, config, Instant.now().toString(), metadata.modelPixelMm(),
        metadata.condition() == null ? null : metadata.condition().sources(),
        metadata.condition() == null ? null : metadata.condition().context(),
        metadata.inputProfile());
    LinkedHashMap<String, Checkpoints.ArrayEntry> entries = new LinkedHashMap<>();
    entries.put(Checkpoints.MODEL, scratch -> hostCopies(master, "", scratch));
    entries.put(Checkpoints.EMA, scratch -> hostCopies(ema, "", scratch));
    entries.put(Checkpoints.FIRST_MOMENTS, scratch -> hostCopies(firstMoments, "m:", scratch));
    entries.put(Checkpoints.SECOND_MOMENTS, scratch -> hostCopies(secondMoments, "v:", scratch));
    try {
      Checkpoints.write(file, state, metadata.resolvedConfig(), entries, manager);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint " + file + ": " + e.getMessage(), e);
    }
    LOG.info("step {} checkpoint {}", counters.step(), file);
  }

  /**
   * The non-null arrays on the host, named after their parameters: on the CPU aliases of the
   * state (no copy: a copy of every entry would add the size of the state to the peak while a
   * checkpoint is written), on a GPU host copies.
   */
  private NDList hostCopies(NDArray[] arrays, String prefix, NDManager scratch) {
    NDList out = new NDList();
    for (int k = 0; k < arrays.length; k++) {
      if (arrays[k] != null) {
        NDArray copy = arrays[k].getDevice().equals(Device.cpu())
            ? arrays[k].reshape(arrays[k].getShape()) // a new handle on the same storage
            : arrays[k].toDevice(Device.cpu(), true);
        copy.attach(scratch);
        copy.setName(prefix + layout.names().get(k));
        out.add(copy);
      }
    }
    return out;
  }

  /**
   * Restores weights, EMA and moments in place from {@code file} and returns its counters.
   *
   * @throws DataException if the checkpoint belongs to another model
   * @throws ConfigException if it was written with another seed
   */
  Counters restore(Path file) {
    try (Checkpoints.Reader reader = new Checkpoints.Reader(file)) {
      CheckpointState s = reader.state();
      // the moments are flat vectors in the model's order: names and shapes must match in order
      new ParameterManifest(layout.names(), layout.shapes())
          .misfit(ParameterManifest.ofDims(s.parameterNames(), s.parameterShapes()), true)
          .ifPresent(m -> {
            throw new DataException(file + ": " + m + "; it was written for a different model"
                + " configuration");
          });
      if (s.seed() != config.seed()) {
        throw new ConfigException("TrainerConfig.seed is " + config.seed() + " but checkpoint "
            + file + " was trained with seed " + s.seed()
            + "; resume with the run's configuration");
      }
      if (s.trainer() != null && !s.trainer().equals(config)) {
        LOG.warn("resuming {} with trainer settings that differ from the checkpoint's: {} vs {}",
            file, config, s.trainer());
      }
      int trainable = layout.trainableCount();
      restoreEntry(reader, Checkpoints.MODEL, master, layout.size());
      if (ema != master) { // without an EMA copy the weights are the EMA
        restoreEntry(reader, Checkpoints.EMA, ema, layout.size());
      }
      restoreEntry(reader, Checkpoints.FIRST_MOMENTS, firstMoments, trainable);
      restoreEntry(reader, Checkpoints.SECOND_MOMENTS, secondMoments, trainable);
      return new Counters(s.step(), s.optimizerUpdates(), s.lossScale(),
          s.goodStepsSinceScaleChange(), s.bestPsnr(), s.bestStep());
    }
  }

  /** Copies one entry's arrays, in order, into the non-null targets. */
  private static void restoreEntry(Checkpoints.Reader reader, String entry, NDArray[] targets,
      int count) {
    try (NDManager scratch = NDManager.newBaseManager(Device.cpu())) {
      NDList arrays = reader.arrays(entry, scratch, count);
      int j = 0;
      for (NDArray target : targets) {
        if (target != null) {
          Checkpoints.copyInto(target, arrays.get(j++), scratch);
        }
      }
    }
  }
}

package org.dfbk.train.loop;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.dfbk.core.error.ConfigException;
import org.dfbk.data.transform.DataProfile;

/**
 * Builder of a {@link Trainer} ({@link Trainer#builder()}): {@code set…} for what is required,
 * {@code opt…} for the rest; {@link #build()} validates the combination.
 */
public final class TrainerBuilder {
  TrainerConfig config;
  TrainingObjective objective;
  List<TrainingModel> replicas;
  BatchSource source;
  Path runDirectory;
  ValidationCallback validation;
  final List<ProgressListener> listeners = new ArrayList<>();
  TrainingCheckpointer.RunMetadata metadata =
      new TrainingCheckpointer.RunMetadata(null, null, null);
  boolean allowFp16OnCpu;
  boolean profile;

  TrainerBuilder() {}

  /** Tests only: lets the fp16 path run on the CPU, which PyTorch 2.3 supports slowly. */
  TrainerBuilder allowFp16OnCpuForTesting() {
    this.allowFp16OnCpu = true;
    return this;
  }

  public TrainerBuilder setConfig(TrainerConfig config) {
    this.config = config;
    return this;
  }

  /** What to minimise, e.g. {@link DiffusionObjective} (ResShift's). */
  public TrainerBuilder setObjective(TrainingObjective objective) {
    this.objective = objective;
    return this;
  }

  /** One model per device; the first is the master (optimizer, EMA, validation). */
  public TrainerBuilder setReplicas(List<? extends TrainingModel> replicas) {
    this.replicas = List.copyOf(replicas);
    return this;
  }

  public TrainerBuilder setBatchSource(BatchSource source) {
    this.source = source;
    return this;
  }

  /** Where metrics files and {@code checkpoints/} go. */
  public TrainerBuilder setRunDirectory(Path runDirectory) {
    this.runDirectory = runDirectory;
    return this;
  }

  public TrainerBuilder optValidation(ValidationCallback validation) {
    this.validation = validation;
    return this;
  }

  public TrainerBuilder optProgressListener(ProgressListener listener) {
    this.listeners.add(Objects.requireNonNull(listener));
    return this;
  }

  /** Times the phases of every step ({@link Trainer#profile()}); costs a read per phase. */
  public TrainerBuilder optProfile(boolean on) {
    this.profile = on;
    return this;
  }

  /**
   * The resolved run configuration (stored verbatim in every checkpoint as config.json) and the
   * identifier of the text encoder (stored in state.json).
   */
  public TrainerBuilder optRunMetadata(String resolvedConfigJson, String textEncoderId) {
    this.metadata = new TrainingCheckpointer.RunMetadata(resolvedConfigJson, textEncoderId,
        metadata.modelPixelMm(), metadata.condition(), metadata.inputProfile());
    return this;
  }

  /**
   * The source modalities and slice context of the condition y_0 (stored in state.json, so that
   * translation refuses inputs of other sources, another order or another context).
   */
  public TrainerBuilder optCondition(org.dfbk.data.transform.ConditionLayout condition) {
    this.metadata = new TrainingCheckpointer.RunMetadata(metadata.resolvedConfig(),
        metadata.textEncoderId(), metadata.modelPixelMm(), condition, metadata.inputProfile());
    return this;
  }

  /**
   * The millimetres one model pixel covered in the training slices (stored in state.json, so
   * that translation can warn about inputs at another scale); {@code null} when unknown.
   */
  public TrainerBuilder optModelPixelMm(Double mm) {
    if (mm != null && !(mm > 0 && Double.isFinite(mm))) {
      throw new IllegalArgumentException("model pixel size must be a positive number of mm, found "
          + mm);
    }
    this.metadata = new TrainingCheckpointer.RunMetadata(metadata.resolvedConfig(),
        metadata.textEncoderId(), mm, metadata.condition(), metadata.inputProfile());
    return this;
  }

  /**
   * What the training source volumes looked like after preprocessing (stored in state.json, so
   * that translation can name inputs unlike them); {@code null} when unknown.
   */
  public TrainerBuilder optInputProfile(DataProfile profile) {
    this.metadata = new TrainingCheckpointer.RunMetadata(metadata.resolvedConfig(),
        metadata.textEncoderId(), metadata.modelPixelMm(), metadata.condition(), profile);
    return this;
  }

  public Trainer build() {
    List<String> missing = new ArrayList<>();
    if (config == null) {
      missing.add("setConfig");
    }
    if (objective == null) {
      missing.add("setObjective");
    }
    if (replicas == null || replicas.isEmpty()) {
      missing.add("setReplicas (at least one)");
    }
    if (source == null) {
      missing.add("setBatchSource");
    }
    if (runDirectory == null) {
      missing.add("setRunDirectory");
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("the trainer builder is missing " + missing);
    }
    int r = replicas.size();
    if (config.batchSize() % (r * config.accumulationSteps()) != 0) {
      throw new ConfigException("TrainerConfig.batchSize " + config.batchSize() + " must be"
          + " divisible by devices × accumulation steps = " + r + " × "
          + config.accumulationSteps() + "; change the batch size or the number of devices");
    }
    if (config.precision() == Precision.FP16 && !allowFp16OnCpu) {
      for (TrainingModel m : replicas) {
        if (!m.device().isGpu()) {
          throw new ConfigException("TrainerConfig.precision: fp16 needs a GPU but device "
              + m.device() + " is a CPU (float16 kernels are missing or slow there); use fp32 on"
              + " CPU");
        }
      }
    }
    return new Trainer(this);
  }
}

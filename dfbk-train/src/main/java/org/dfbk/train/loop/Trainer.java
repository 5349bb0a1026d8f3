package org.dfbk.train.loop;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.dfbk.core.error.ConfigException;
import org.dfbk.core.error.DataException;
import org.slf4j.LoggerFactory;

/**
 * The step-based training loop: it orchestrates parts that each do one job (see
 * {@code docs/training.md} for the drawing).
 *
 * <ol>
 *   <li>the {@link BatchSource} gives B pairs (x_0, y_0); the {@link TrainingObjective} draws the
 *       step's randomness on the host from (seed, step); {@link StepConstants} uploads once;
 *   <li>{@link ChunkedBackward} back-propagates R replicas × A micro-batches of chunk losses;
 *   <li>the {@link ReplicaSet} reduces the gradients into one flat vector [P] whose norm is the
 *       step's one host read: {@link DivergenceGuard} (fp32) or {@link LossScaler} (fp16) skips a
 *       non-finite step;
 *   <li>{@link AdamW} updates the flat float32 master weights in place (clipped gradient), the
 *       {@link Ema} follows, replicas that do not share the master get a copy.
 * </ol>
 *
 * Every {@code log_every} steps {@link TrainingLog} reads the mean loss back and logs it; every
 * {@code val_every} steps (0: once, after the last step) {@link EmaValidation} runs; every
 * {@code checkpoint_every} steps {@link TrainingCheckpointer} writes
 * {@code checkpoints/step-NNNNNNNN.zip} and {@code last.zip} ({@code best.zip} at each new best
 * validation PSNR). {@link #restore(Path)} then {@link #fit()} continues the same trajectory.
 * All temporaries of a step live in a sub-manager closed at the end of the step.
 */
public final class Trainer implements AutoCloseable {
  private final TrainerConfig config;
  private final TrainingObjective objective;
  private final BatchSource source;
  private final Path runDirectory;
  private final EmaValidation validation;
  private final List<ProgressListener> listeners;
  private final LearningRateSchedule learningRates;
  private final NDManager manager;
  private final ReplicaSet replicas;
  private final AdamW optimizer;
  private final Ema ema;
  private final ChunkedBackward backward;
  private final LossScaler scaler;
  private final DivergenceGuard guard;
  private final TrainingCheckpointer checkpointer;
  private final NDArray lossSum;
  private final StepProfile.Recorder profile;

  private long step;
  private long skippedSteps;
  private double lastLoss = Double.NaN;
  private double lastGradNorm = Double.NaN;
  private long lastCheckpointStep = -1;

  Trainer(TrainerBuilder b) {
    this.config = b.config;
    this.objective = b.objective;
    this.source = b.source;
    this.runDirectory = b.runDirectory;
    this.listeners = List.copyOf(b.listeners);
    this.learningRates = new LearningRateSchedule(config.learningRate(),
        config.learningRateMin(), config.warmupSteps(), config.maxSteps());
    this.profile = b.profile ? new StepProfile.Recorder() : null;
    boolean fp16 = config.precision() == Precision.FP16;
    Device master = b.replicas.get(0).device();
    this.manager = NDManager.newBaseManager(master);
    try {
      this.replicas = new ReplicaSet(b.replicas, fp16 ? DataType.FLOAT16 : DataType.FLOAT32,
          manager);
    } catch (RuntimeException e) {
      manager.close(); // a rejected configuration leaves nothing open
      throw e;
    }
    FlatLayout layout = replicas.layout();
    this.optimizer = new AdamW(manager, layout.total(), master, config.beta1(), config.beta2(),
        config.epsilon(), config.weightDecay());
    this.ema = new Ema(replicas, manager, config.emaRate() > 0);
    this.validation = new EmaValidation(b.validation, replicas, ema);
    this.backward = new ChunkedBackward(objective, replicas, config.accumulationSteps());
    this.scaler = new LossScaler(fp16, config.initialLossScale());
    this.guard = new DivergenceGuard(layout);
    this.checkpointer = new TrainingCheckpointer(layout, replicas.master(), ema.arrays(),
        optimizer.firstMoments(), optimizer.secondMoments(), config, b.metadata, manager);
    this.lossSum = manager.zeros(new Shape(), DataType.FLOAT32, master);
    try (NDManager scratch = manager.newSubManager()) {
      replicas.broadcast(scratch, true);
    }
  }

  /** A builder: {@code setConfig, setObjective, setReplicas, setBatchSource, setRunDirectory}. */
  public static TrainerBuilder builder() {
    return new TrainerBuilder();
  }

  public TrainerConfig config() {
    return config;
  }

  /** Optimizer steps completed. */
  public long step() {
    return step;
  }

  /** Optimizer updates applied (steps minus the skipped ones, also over a resume). */
  public long optimizerUpdates() {
    return optimizer.updates();
  }

  /** Steps of this process whose update was skipped (non-finite fp32, or fp16 overflow). */
  public long skippedSteps() {
    return skippedSteps;
  }

  /** The fp16 loss scale (1 in fp32). */
  public double lossScale() {
    return scaler.scale();
  }

  /** The phase times of the steps run so far, or null unless built with profiling. */
  public StepProfile profile() {
    return profile == null ? null : profile.result();
  }

  /** Starts the phase times afresh (e.g. after warm-up steps). */
  public void resetProfile() {
    if (profile != null) {
      profile.reset();
    }
  }

  /** The replicas, first one on the master device. */
  public List<TrainingModel> replicas() {
    return replicas.replicas();
  }

  /** Parameter names in checkpoint order. */
  public List<String> parameterNames() {
    return replicas.layout().names();
  }

  /** Host copies of the float32 training weights, in {@link #parameterNames()} order. */
  public List<float[]> masterWeights() {
    return FlatLayout.hostCopies(replicas.master());
  }

  /** Host copies of the EMA weights, in {@link #parameterNames()} order. */
  public List<float[]> emaWeights() {
    return FlatLayout.hostCopies(ema.arrays());
  }

  /** Live NDArrays held by the trainer's own manager (weights, EMA, moments, buffers). */
  int liveArrayCount() {
    return manager.getManagedArrays().size();
  }

  /** The checkpoint directory of this run. */
  public Path checkpointDirectory() {
    return runDirectory.resolve("checkpoints");
  }

  /**
   * Trains until {@code maxSteps}, validating, logging and checkpointing on the way; with
   * {@code validateEvery} 0 it validates once after the last step; writes
   * {@code checkpoints/last.zip} at the end.
   */
  public TrainingResult fit() {
    Path lastFile = checkpointDirectory().resolve("last.zip");
    long firstStep = step;
    try (TrainingLog log = new TrainingLog(runDirectory, config, listeners,
        new BlockWatch(replicas.replicas().get(0).block()))) {
      while (step < config.maxSteps()) {
        double lr = learningRates.at(step);
        trainStep(lr);
        step++;
        log.afterStep(step, lr, lossSum, scaler, guard, lastGradNorm);
        lastLoss = log.lastLoss();
        if (validation.enabled() && config.validateEvery() > 0
            && step % config.validateEvery() == 0) {
          validate(log);
        }
        if (config.checkpointEvery() > 0 && step % config.checkpointEvery() == 0) {
          Path numbered = TrainingCheckpointer.numbered(checkpointDirectory(), step);
          saveCheckpoint(numbered);
          TrainingCheckpointer.alias(numbered, lastFile);
        }
      }
      if (validation.enabled() && config.validateEvery() == 0 && step > firstStep) {
        validate(log); // validateEvery 0: once, after the last step, so best.zip exists
      }
      if (lastCheckpointStep != step || !Files.exists(lastFile)) {
        saveCheckpoint(lastFile);
      }
    }
    return new TrainingResult(step, lastLoss, validation.bestPsnr(),
        validation.bestStep(), lastFile);
  }

  private void trainStep(double lr) {
    if (profile != null) {
      profile.start();
    }
    try (NDManager scratch = manager.newSubManager()) {
      Batch batch = source.next(scratch, step);
      batch.check(config.batchSize(), step);
      StepDraws draws = objective.draw(scratch, config.seed(), step, batch);
      Map<Device, StepConstants> constants = backward.constants(scratch, draws,
          new StepConstants.Scalars(config.batchSize(), scaler.scale(), config.emaRate(),
              config.gradClipNorm(), optimizer.coefficients(lr)));
      lap(0, null);
      NDArray stepLoss = backward.run(batch, config.batchSize(), draws, constants, scratch,
          scaler.enabled());
      lap(1, stepLoss);
      boolean applied = replicas.layout().total() > 0
          && update(constants.get(replicas.masterDevice()), scratch);
      if (stepLoss != null && applied) {
        lossSum.addi(stepLoss);
      }
      lap(6, lossSum);
      if (profile != null) {
        profile.endStep();
      }
    }
  }

  /** Reduces the gradients, skips a non-finite step, else clips, updates, follows with the EMA. */
  private boolean update(StepConstants c, NDManager scratch) {
    boolean fp16 = scaler.enabled();
    replicas.gatherGradients(fp16 ? c.invLossScale() : null, scratch);
    NDArray gradient = replicas.flatGradient(); // kept; AdamW's scratch once read
    NDArray norm = gradient.norm();
    norm.attach(scratch); // made in the gradient's manager: the step's, not the trainer's
    float n = norm.getFloat(); // the step's one host read: a non-finite step must be skipped
    lastGradNorm = n;
    lap(2, null);
    boolean apply = fp16 ? scaler.accept(n, step) : guard.accept(n, step, gradient::toFloatArray);
    if (apply) {
      NDArray clip = config.gradClipNorm() > 0
          ? GradientClip.factor(norm, c.clipNorm(), c.clipEpsilon(), c.one()) : c.one();
      optimizer.step(replicas.flatMaster(), gradient, clip, c.adam());
      lap(3, replicas.flatMaster());
      ema.update(replicas.flatMaster(), c.oneMinusEmaRate());
      lap(4, replicas.flatMaster());
      replicas.broadcast(scratch, false);
      lap(5, null);
    } else {
      skippedSteps++;
    }
    replicas.zeroGradients(scratch);
    return apply;
  }

  private void lap(int phase, NDArray sync) {
    if (profile != null) {
      profile.lap(phase, sync);
    }
  }

  private void validate(TrainingLog log) {
    EmaValidation.Outcome outcome = validation.validate(step, manager);
    log.validation(step, outcome.result());
    if (outcome.best()) {
      saveCheckpoint(checkpointDirectory().resolve("best.zip"));
    }
  }

  /** Writes a checkpoint of the current state to {@code file} atomically. */
  public void saveCheckpoint(Path file) {
    checkpointer.save(file, new TrainingCheckpointer.Counters(step, optimizer.updates(),
        scaler.scale(), scaler.goodSteps(), validation.bestPsnr(), validation.bestStep()));
    lastCheckpointStep = step;
    for (ProgressListener l : listeners) {
      l.onCheckpoint(step, file);
    }
  }

  /**
   * Restores weights, EMA, optimizer moments and counters, loss scale, best PSNR and the step from
   * a checkpoint, so that {@link #fit()} continues the interrupted trajectory.
   *
   * @throws DataException if the checkpoint belongs to another model
   * @throws ConfigException if it was written with another seed
   */
  public void restore(Path file) {
    TrainingCheckpointer.Counters s = checkpointer.restore(file);
    optimizer.setUpdates(s.optimizerUpdates());
    step = s.step();
    scaler.restore(s.lossScale(), s.goodSteps());
    validation.restore(s.bestPsnr(), s.bestStep());
    lastCheckpointStep = step;
    try (NDManager sync = manager.newSubManager()) {
      replicas.broadcast(sync, true);
    }
    LoggerFactory.getLogger(Trainer.class).info("resumed from {} at step {}", file, step);
  }

  /**
   * Closes the trainer's own state (master weights, EMA, moments); the replicas' blocks belong to
   * the caller and keep the trained weights.
   */
  @Override
  public void close() {
    try {
      replicas.close();
    } finally {
      manager.close();
    }
  }
}

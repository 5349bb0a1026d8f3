package org.dfbk.train.loop;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;
import org.dfbk.core.error.ConfigException;
import org.dfbk.core.error.DataException;
import org.dfbk.core.math.Ops;
import org.dfbk.train.diffusion.GaussianNoise;
import org.dfbk.train.diffusion.ResShiftSchedule;
import org.dfbk.train.loss.DiffusionLoss;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The step-based training loop of the diffusion model (paper §3.3 with ResShift's recipe).
 *
 * <p>One optimizer step with index s:
 *
 * <ol>
 *   <li>the {@link BatchSource} gives B pairs (x_0, y_0) [B, C, H, W];
 *   <li>a generator derived from (seed, s) draws t ~ U{0..T−1} per sample and ε ~ N(0, I) for
 *       the whole batch (host-side, so every device count and resume sees the same numbers);
 *   <li>the batch is cut into R × A contiguous chunks (R replicas, A accumulation micro-batches);
 *       each chunk computes x_t (Eq. 1), x̂_0 = f(x_t/(3κ√η_t+1), y_0, t) and the loss
 *       {@code Σ_chunk loss_n / B}, so the chunk losses add up to the batch mean, and
 *       back-propagates it into its replica's gradients;
 *   <li>the replicas' gradients are summed (in replica order) onto the master device, the global
 *       L2 norm over all of them is clipped to {@code gradClipNorm} (scale by
 *       min(1, max/(‖g‖ + 1e−6))), and AdamW with decoupled weight decay updates the float32
 *       master weights once;
 *   <li>the EMA is updated ({@code ema ← r·ema + (1−r)·θ}) and the master weights are copied to
 *       every replica, which therefore stay bit-identical.
 * </ol>
 *
 * The master weights, EMA and AdamW moments of the trainable parameters are flat float32 vectors
 * [P] on the first replica's device (the optimizer and EMA cost a handful of kernels per step,
 * not a dozen per parameter tensor); the replicas hold copies (float16 under fp16). Memory on the
 * master device: the replica weights plus 4 × P floats (master, EMA, two moments) plus the
 * gradients and one flat gradient per step.
 *
 * <p>All temporaries of a step live in a sub-manager closed at the end of the step, so the number
 * of live NDArrays stays constant. The loss is read back to the host only every
 * {@code logEvery} steps (one line {@code step loss lr it/s eta} through SLF4J and a row in the
 * metrics files); fp16 additionally reads the gradient norm every step to skip overflowing steps.
 *
 * <p>Checkpoints ({@link Checkpoints}) every {@code checkpointEvery} steps as
 * {@code checkpoints/step-NNNNNNNN.zip} plus {@code checkpoints/last.zip}, and
 * {@code checkpoints/best.zip} at each new best validation PSNR. {@link #restore(Path)} then
 * {@link #fit()} continues the same trajectory: a run resumed at step k reaches the same weights
 * at step 2k as an uninterrupted run (given a {@link BatchSource} that is a function of the step).
 */
public final class Trainer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
  private static final long LOSS_SCALE_GROWTH_INTERVAL = 2000;

  private final TrainerConfig config;
  private final ResShiftSchedule schedule;
  private final List<TrainingModel> replicas;
  private final BatchSource source;
  private final Path runDirectory;
  private final ValidationCallback validation;
  private final List<ProgressListener> listeners;
  private final String resolvedConfig;
  private final String textEncoderId;
  private final Double modelPixelMm;
  private final LearningRateSchedule learningRates;

  private final Device masterDevice;
  private final NDManager manager;
  private final List<String> names = new ArrayList<>();
  private final List<List<Parameter>> replicaParameters = new ArrayList<>();
  private final boolean[] trainable;
  private final NDArray[] master;
  private final NDArray[] ema;
  private final NDArray[] firstMoments;
  private final NDArray[] secondMoments;
  private final NDArray flatMaster;
  private final NDArray flatEma;
  private final long[] offsets;
  private final AdamW optimizer;
  private final NDArray lossSum;
  /** fp32 steps skipped in the current log window, and in a row, for a non-finite gradient. */
  private long skippedInWindow;
  private int skippedInARow;
  /** Consecutive non-finite fp32 steps after which training stops as diverged. */
  static final int MAX_SKIPPED_IN_A_ROW = 10;
  /**
   * fp16 steps skipped for overflow in the current log window, and those in a row at loss scale
   * 1 (where scaling down can no longer help: the float16 network itself overflows).
   */
  private long fp16SkippedInWindow;
  private int fp16OverflowsAtScaleOne;

  private long step;
  private double lossScale;
  private long goodStepsSinceScaleChange;
  private double bestPsnr = Double.NaN;
  private long bestStep = -1;
  private double lastLoss = Double.NaN;
  private double lastGradNorm = Double.NaN;
  private long lastCheckpointStep = -1;

  private Trainer(Builder b) {
    this.config = b.config;
    this.schedule = b.schedule;
    this.replicas = List.copyOf(b.replicas);
    this.source = b.source;
    this.runDirectory = b.runDirectory;
    this.validation = b.validation;
    this.listeners = List.copyOf(b.listeners);
    this.resolvedConfig = b.resolvedConfig;
    this.textEncoderId = b.textEncoderId;
    this.modelPixelMm = b.modelPixelMm;
    this.learningRates = new LearningRateSchedule(config.learningRate(),
        config.learningRateMin(), config.warmupSteps(), config.maxSteps());
    int r = replicas.size();
    if (config.batchSize() % (r * config.accumulationSteps()) != 0) {
      throw new ConfigException("train.batch_size " + config.batchSize() + " must be divisible by "
          + "devices × accumulation_steps = " + r + " × " + config.accumulationSteps()
          + "; change the batch size or the number of devices");
    }
    boolean fp16 = config.precision() == Precision.FP16;
    if (fp16 && !b.allowFp16OnCpu) {
      for (TrainingModel m : replicas) {
        if (!m.device().isGpu()) {
          throw new ConfigException("train.precision: fp16 needs a GPU but device " + m.device()
              + " is a CPU (float16 kernels are missing or slow there); use precision: fp32 on "
              + "CPU");
        }
      }
    }
    this.masterDevice = replicas.get(0).device();
    for (TrainingModel m : replicas) {
      List<Parameter> list = new ArrayList<>();
      List<String> replicaNames = new ArrayList<>();
      for (Pair<String, Parameter> p : m.block().getParameters()) {
        if (!p.getValue().isInitialized()) {
          throw new ConfigException("parameter '" + p.getKey() + "' of the model on "
              + m.device() + " is not initialised; initialise the block before training");
        }
        list.add(p.getValue());
        replicaNames.add(p.getKey());
      }
      if (names.isEmpty()) {
        names.addAll(replicaNames);
      } else if (!names.equals(replicaNames)) {
        throw new ConfigException("the replica on " + m.device() + " has other parameters than "
            + "the one on " + masterDevice + " (" + replicaNames.size() + " vs " + names.size()
            + "); every device must hold the same model");
      }
      replicaParameters.add(list);
    }
    int n = names.size();
    trainable = new boolean[n];
    master = new NDArray[n];
    ema = new NDArray[n];
    firstMoments = new NDArray[n];
    secondMoments = new NDArray[n];
    offsets = new long[n];
    DataType replicaType = fp16 ? DataType.FLOAT16 : DataType.FLOAT32;
    long total = 0;
    for (int k = 0; k < n; k++) {
      Parameter p0 = replicaParameters.get(0).get(k);
      for (int i = 0; i < r; i++) {
        NDArray a = replicaParameters.get(i).get(k).getArray();
        if (!a.getShape().equals(p0.getArray().getShape())) {
          throw new ConfigException("parameter '" + names.get(k) + "' has shape " + a.getShape()
              + " on " + replicas.get(i).device() + " but " + p0.getArray().getShape() + " on "
              + masterDevice);
        }
        if (a.getDataType() != replicaType) {
          throw new ConfigException("parameter '" + names.get(k) + "' on "
              + replicas.get(i).device() + " is " + a.getDataType() + " but precision "
              + config.precision() + " needs " + replicaType + " replica weights; initialise the"
              + " block with DataType." + replicaType.name());
        }
      }
      trainable[k] = p0.requiresGradient();
      offsets[k] = total;
      if (trainable[k]) {
        total += p0.getArray().size();
      }
    }
    // created after every check, so a rejected configuration leaves nothing open
    this.manager = NDManager.newBaseManager(masterDevice);
    // trainable master weights, EMA and moments are flat float32 vectors [P]; the per-parameter
    // arrays are views into them (for checkpoints, validation and the replica copies)
    flatMaster = manager.zeros(new Shape(total), DataType.FLOAT32, masterDevice);
    flatEma = manager.zeros(new Shape(total), DataType.FLOAT32, masterDevice);
    this.optimizer = new AdamW(manager, total, masterDevice, config.beta1(), config.beta2(),
        config.epsilon(), config.weightDecay());
    for (int k = 0; k < n; k++) {
      NDArray initial = replicaParameters.get(0).get(k).getArray();
      if (trainable[k]) {
        master[k] = view(flatMaster, k);
        ema[k] = view(flatEma, k);
        firstMoments[k] = view(optimizer.firstMoments(), k);
        secondMoments[k] = view(optimizer.secondMoments(), k);
        try (NDManager scratch = manager.newSubManager()) {
          Checkpoints.copyInto(master[k], initial, scratch);
          Checkpoints.copyInto(ema[k], initial, scratch);
        }
      } else {
        master[k] = initial.toType(DataType.FLOAT32, true);
        master[k].attach(manager);
        ema[k] = master[k].duplicate();
      }
    }
    this.lossSum = manager.zeros(new Shape(), DataType.FLOAT32, masterDevice);
    this.lossScale = fp16 ? config.initialLossScale() : 1.0;
    try (NDManager scratch = manager.newSubManager()) {
      broadcastMaster(scratch, true);
    }
  }

  /** Parameter k's slice of a flat vector, reshaped to the parameter's shape (a view). */
  private NDArray view(NDArray flat, int k) {
    Shape shape = replicaParameters.get(0).get(k).getArray().getShape();
    NDArray slice = flat.get(new NDIndex("{}:{}", offsets[k], offsets[k] + shape.size()));
    return shape.dimension() == 0 ? slice.reshape(new Shape()) : slice.reshape(shape);
  }

  /** A builder: {@code setConfig, setSchedule, setReplicas, setBatchSource, setRunDirectory}. */
  public static Builder builder() {
    return new Builder();
  }

  public TrainerConfig config() {
    return config;
  }

  public ResShiftSchedule schedule() {
    return schedule;
  }

  /** Optimizer steps completed. */
  public long step() {
    return step;
  }

  /** The replicas, first one on the master device. */
  public List<TrainingModel> replicas() {
    return replicas;
  }

  /** Parameter names in checkpoint order. */
  public List<String> parameterNames() {
    return List.copyOf(names);
  }

  /** Host copies of the float32 training weights, in {@link #parameterNames()} order. */
  public List<float[]> masterWeights() {
    List<float[]> out = new ArrayList<>();
    for (NDArray a : master) {
      out.add(a.toType(DataType.FLOAT32, false).toFloatArray());
    }
    return out;
  }

  /** Copies of the EMA weights (host float arrays, in {@link #parameterNames()} order). */
  public List<float[]> emaWeights() {
    List<float[]> out = new ArrayList<>();
    for (NDArray a : ema) {
      out.add(a.toFloatArray());
    }
    return out;
  }

  /** Live NDArrays held by the trainer's own manager (weights copies, EMA, moments). */
  int liveArrayCount() {
    return manager.getManagedArrays().size();
  }

  /** The checkpoint directory of this run. */
  public Path checkpointDirectory() {
    return runDirectory.resolve("checkpoints");
  }

  /**
   * Trains until {@code maxSteps}, validating, logging and checkpointing on the way; writes
   * {@code checkpoints/last.zip} at the end.
   */
  public TrainingResult fit() {
    Path lastFile = checkpointDirectory().resolve("last.zip");
    try (MetricsLog metrics = new MetricsLog(runDirectory)) {
      long windowStart = System.nanoTime();
      long windowSteps = 0;
      double stepsPerSecond = Double.NaN;
      double eta = Double.NaN;
      while (step < config.maxSteps()) {
        double lr = learningRates.at(step);
        trainStep(lr);
        step++;
        windowSteps++;
        double loss = Double.NaN;
        if (step % config.logEvery() == 0 || step == config.maxSteps()) {
          long counted = windowSteps - skippedInWindow - fp16SkippedInWindow;
          loss = counted > 0 ? lossSum.getFloat() / counted : Double.NaN;
          // a window of fp16 steps that all overflowed (the loss scale still settling) has no
          // loss to report but has not diverged
          boolean allFp16Skipped = counted == 0 && fp16SkippedInWindow > 0;
          skippedInWindow = 0;
          fp16SkippedInWindow = 0;
          lossSum.subi(lossSum);
          long now = System.nanoTime();
          stepsPerSecond = windowSteps / ((now - windowStart) / 1e9);
          eta = (config.maxSteps() - step) / stepsPerSecond;
          windowStart = now;
          windowSteps = 0;
          lastLoss = loss;
          if (!Double.isFinite(loss) && !allFp16Skipped) {
            throw new TrainingDivergedException(String.format(Locale.ROOT,
                "training diverged at step %d: mean loss %s over the last %d steps (lr %.3g); "
                    + "lower train.lr, enable train.grad_clip, or resume from an earlier "
                    + "checkpoint", step, loss, config.logEvery(), lr));
          }
          if (allFp16Skipped) {
            LOG.info(String.format(Locale.ROOT, "step %d/%d: every fp16 step since the last log "
                + "overflowed and was skipped; loss scale now %.0f", step, config.maxSteps(),
                lossScale));
          } else {
            LOG.info(String.format(Locale.ROOT, "step %d/%d loss %.6f lr %.3e it/s %.2f eta %s",
                step, config.maxSteps(), loss, lr, stepsPerSecond, formatDuration(eta)));
          }
          metrics.train(step, loss, lr, lastGradNorm, stepsPerSecond, eta, lossScale);
        }
        TrainingProgress progress = new TrainingProgress(step, config.maxSteps(), lr,
            stepsPerSecond, eta, loss);
        for (ProgressListener l : listeners) {
          l.onStep(progress);
        }
        if (validation != null && config.validateEvery() > 0
            && step % config.validateEvery() == 0) {
          validate(metrics);
        }
        if (config.checkpointEvery() > 0 && step % config.checkpointEvery() == 0) {
          Path numbered = checkpointDirectory().resolve(String.format(Locale.ROOT,
              "step-%08d.zip", step));
          saveCheckpoint(numbered);
          aliasCheckpoint(numbered, lastFile);
        }
      }
      if (lastCheckpointStep != step || !Files.exists(lastFile)) {
        saveCheckpoint(lastFile);
      }
    }
    return new TrainingResult(step, lastLoss, bestPsnr, bestStep, lastFile);
  }

  private void trainStep(double lr) {
    int r = replicas.size();
    int a = config.accumulationSteps();
    int b = config.batchSize();
    int chunk = b / (r * a);
    boolean fp16 = config.precision() == Precision.FP16;
    try (NDManager scratch = manager.newSubManager()) {
      Batch batch = source.next(scratch, step);
      checkBatch(batch);
      SplittableRandom rng = new SplittableRandom(GaussianNoise.deriveSeed(config.seed(), step));
      long[] t = new long[b];
      for (int i = 0; i < b; i++) {
        t[i] = rng.nextInt(schedule.numSteps());
      }
      NDArray timesteps = Ops.engineOwned(scratch.create(t)); // see Ops.engineOwned
      NDArray noise = GaussianNoise.normal(scratch, rng, batch.x0().getShape(),
          batch.x0().getDevice());
      Map<Device, StepConstants> constants = stepConstants(scratch, t, lr);
      NDArray stepLoss = null;
      try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
        for (int micro = 0; micro < a; micro++) {
          for (int replica = 0; replica < r; replica++) {
            int start = (replica * a + micro) * chunk;
            StepConstants c = constants.get(replicas.get(replica).device());
            NDArray chunkLoss = chunkLoss(replicas.get(replica), batch, timesteps, noise, start,
                start + chunk, c, scratch, fp16);
            collector.backward(fp16 ? chunkLoss.mul(c.scalar(StepConstants.LOSS_SCALE))
                : chunkLoss);
            NDArray detached = onDevice(chunkLoss.stopGradient(), masterDevice, scratch);
            stepLoss = stepLoss == null ? detached : stepLoss.add(detached);
          }
        }
      }
      NDArray[][] views = new NDArray[r][];
      StepConstants onMaster = constants.get(masterDevice);
      NDArray gradient = flatGradient(scratch, views, fp16, onMaster);
      boolean apply = true;
      NDArray norm = gradient == null ? null : globalNorm(new NDArray[] {gradient});
      if (fp16 && norm != null) {
        float n = norm.getFloat();
        if (!Float.isFinite(n)) {
          apply = false;
          fp16SkippedInWindow++;
          if (lossScale <= 1.0 && ++fp16OverflowsAtScaleOne >= MAX_SKIPPED_IN_A_ROW) {
            throw new TrainingDivergedException(String.format(Locale.ROOT,
                "fp16 training diverged at step %d: the gradients overflowed float16 in %d steps "
                    + "in a row at loss scale 1, so the float16 network itself overflows; use "
                    + "train.precision: fp32", step, fp16OverflowsAtScaleOne));
          }
          lossScale = Math.max(1.0, lossScale / 2);
          goodStepsSinceScaleChange = 0;
          LOG.debug("step {}: fp16 gradients overflowed, step skipped, loss scale now {}", step,
              lossScale);
        } else {
          fp16OverflowsAtScaleOne = 0;
          if (++goodStepsSinceScaleChange >= LOSS_SCALE_GROWTH_INTERVAL) {
            lossScale *= 2;
            goodStepsSinceScaleChange = 0;
          }
        }
      } else if (norm != null) {
        // One host read per step: a non-finite gradient (a rare batch that overflows) must not
        // reach AdamW, whose moments would carry the NaN into every later step.
        float n = norm.getFloat();
        if (!Float.isFinite(n)) {
          apply = false;
          skippedInWindow++;
          if (++skippedInARow >= MAX_SKIPPED_IN_A_ROW) {
            throw new TrainingDivergedException(String.format(
                "training diverged at step %d: %d steps in a row had a non-finite gradient norm"
                    + " (%s); lower train.lr, enable train.grad_clip, or resume from an earlier"
                    + " checkpoint", step, skippedInARow, n));
          }
          LOG.warn("step {}: non-finite gradient norm ({}); update skipped; {}", step, n,
              nonFiniteReport(gradient));
        } else {
          skippedInARow = 0;
        }
      }
      if (apply && gradient != null) {
        if (config.gradClipNorm() > 0) {
          gradient = gradient.mul(clipFactor(norm, onMaster.scalar(StepConstants.CLIP_NORM),
              onMaster.scalar(StepConstants.CLIP_EPSILON), onMaster.scalar(StepConstants.ONE)));
        }
        optimizer.step(flatMaster, gradient, onMaster.adamCoefficients(), scratch);
        updateEma(scratch, onMaster);
        broadcastMaster(scratch, false);
      }
      if (step % config.logEvery() == config.logEvery() - 1 || step + 1 == config.maxSteps()) {
        lastGradNorm = norm == null ? Double.NaN : norm.getFloat();
      }
      zeroGradients(views, scratch);
      if (stepLoss != null && apply) {
        lossSum.addi(stepLoss);
      }
    }
  }

  /**
   * Which parameters have a non-finite gradient (rare path). A NaN spreads upstream through the
   * backward pass, so the parameters that stay finite show where it started.
   */
  private String nonFiniteReport(NDArray flat) {
    float[] g = flat.toFloatArray();
    List<String> bad = new ArrayList<>();
    List<String> finite = new ArrayList<>();
    for (int k = 0; k < offsets.length; k++) {
      if (!trainable[k]) {
        continue;
      }
      boolean ok = true;
      for (long i = offsets[k]; i < offsets[k] + master[k].size(); i++) {
        if (!Float.isFinite(g[(int) i])) {
          ok = false;
          break;
        }
      }
      (ok ? finite : bad).add(names.get(k));
    }
    if (bad.isEmpty()) {
      return "every gradient is finite but the float32 norm overflowed: " + largestReport(g);
    }
    return bad.size() + " of " + (bad.size() + finite.size()) + " parameters non-finite"
        + (finite.size() <= 12 ? "; finite: " + finite : "; last non-finite: "
            + bad.subList(Math.max(0, bad.size() - 6), bad.size()));
  }

  /** The float64 norm of the whole gradient and the parameters with the largest gradient norms. */
  private String largestReport(float[] g) {
    List<Map.Entry<String, Double>> norms = new ArrayList<>();
    double total = 0;
    for (int k = 0; k < offsets.length; k++) {
      if (!trainable[k]) {
        continue;
      }
      double sq = 0;
      for (long i = offsets[k]; i < offsets[k] + master[k].size(); i++) {
        sq += (double) g[(int) i] * g[(int) i];
      }
      total += sq;
      norms.add(Map.entry(names.get(k), Math.sqrt(sq)));
    }
    norms.sort((x, y) -> Double.compare(y.getValue(), x.getValue()));
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "norm %.3e; largest:", Math.sqrt(total)));
    for (Map.Entry<String, Double> e : norms.subList(0, Math.min(6, norms.size()))) {
      sb.append(String.format(Locale.ROOT, " %s %.3e", e.getKey(), e.getValue()));
    }
    return sb.toString();
  }

  /** sqrt(Σ_k ‖g_k‖²) over all gradients (null entries skipped) as a scalar; null if none. */
  static NDArray globalNorm(NDArray[] gradients) {
    NDArray sumOfSquares = null;
    for (NDArray g : gradients) {
      if (g != null) {
        NDArray s = g.square().sum();
        sumOfSquares = sumOfSquares == null ? s : sumOfSquares.add(s);
      }
    }
    return sumOfSquares == null ? null : sumOfSquares.sqrt();
  }

  /**
   * min(1, maxNorm / (norm + 1e−6)), the factor of global-norm clipping, from 0-dim device
   * arrays (no host sync).
   */
  static NDArray clipFactor(NDArray norm, NDArray maxNorm, NDArray epsilon, NDArray one) {
    return maxNorm.div(norm.add(epsilon)).minimum(one);
  }

  /** Uploads the step's coefficients and scalars once to every device in use. */
  private Map<Device, StepConstants> stepConstants(NDManager scratch, long[] t, double lr) {
    int b = t.length;
    double[] eta = schedule.etas();
    double[] noiseStd = schedule.kappaSqrtEtas();
    double[] inputScale = schedule.inputScales();
    float[] perSample = new float[4 * b];
    for (int i = 0; i < b; i++) {
      int ti = (int) t[i];
      perSample[StepConstants.ETA * b + i] = (float) eta[ti];
      perSample[StepConstants.NOISE_STD * b + i] = (float) noiseStd[ti];
      perSample[StepConstants.INPUT_SCALE * b + i] = (float) inputScale[ti];
      perSample[StepConstants.LOSS_WEIGHT * b + i] = (float) config.loss().weight(ti, schedule);
    }
    float[] scalars = new float[StepConstants.COUNT];
    scalars[StepConstants.INV_BATCH] = 1f / b;
    scalars[StepConstants.LOSS_SCALE] = (float) lossScale;
    scalars[StepConstants.INV_LOSS_SCALE] = (float) (1 / lossScale);
    scalars[StepConstants.EMA_RATE] = (float) config.emaRate();
    scalars[StepConstants.ONE_MINUS_EMA_RATE] = (float) (1 - config.emaRate());
    scalars[StepConstants.CLIP_NORM] = (float) config.gradClipNorm();
    scalars[StepConstants.CLIP_EPSILON] = 1e-6f;
    scalars[StepConstants.ONE] = 1f;
    double[] adam = optimizer.coefficients(lr);
    for (int i = 0; i < adam.length; i++) {
      scalars[StepConstants.ADAM + i] = (float) adam[i];
    }
    Map<Device, StepConstants> out = new HashMap<>();
    out.put(masterDevice, new StepConstants(scratch, masterDevice, perSample, scalars));
    for (TrainingModel m : replicas) {
      out.computeIfAbsent(m.device(), d -> new StepConstants(scratch, d, perSample, scalars));
    }
    return out;
  }

  private NDArray chunkLoss(TrainingModel model, Batch batch, NDArray timesteps, NDArray noise,
      int start, int end, StepConstants c, NDManager scratch, boolean fp16) {
    Device device = model.device();
    NDIndex rows = new NDIndex("{}:{}", start, end);
    NDArray x0 = slice(batch.x0(), rows, device, scratch).toType(DataType.FLOAT32, false);
    NDArray y0 = slice(batch.y0(), rows, device, scratch).toType(DataType.FLOAT32, false);
    NDArray eps = slice(noise, rows, device, scratch);
    NDArray t = slice(timesteps, rows, device, scratch);
    NDList context = new NDList();
    for (NDArray array : batch.context()) {
      NDArray part = slice(array, rows, device, scratch);
      context.add(fp16 && part.getDataType() == DataType.FLOAT32
          ? part.toType(DataType.FLOAT16, false) : part);
    }
    // Eq. 1 and the network input scaling, with this chunk's coefficients [n, 1, 1, 1]
    NDArray xt = ResShiftSchedule.forward(x0, y0, eps,
        c.perSample(StepConstants.ETA, start, end),
        c.perSample(StepConstants.NOISE_STD, start, end));
    NDArray input = xt.mul(c.perSample(StepConstants.INPUT_SCALE, start, end));
    NDArray source = y0;
    if (fp16) {
      input = input.toType(DataType.FLOAT16, false);
      source = y0.toType(DataType.FLOAT16, false);
    }
    NDArray prediction = model.predictX0(new ParameterStore(scratch, false), input, source, t,
        context, true);
    prediction.attach(scratch);
    // Eq. 4 (or plain mse) per sample
    NDArray perSample = DiffusionLoss.squaredError(castKeepingGraph(prediction, DataType.FLOAT32,
        scratch), x0).mul(c.perSample(StepConstants.LOSS_WEIGHT, start, end).reshape(-1));
    // each sample weighs 1/B, so the chunks of all replicas and micro-batches sum to the mean
    return perSample.sum().mul(c.scalar(StepConstants.INV_BATCH));
  }

  /**
   * Casts a tensor of the autograd graph. DJL 0.29's {@code toType} detaches its result from the
   * graph, so the cast is done as a product with a ones tensor of the target type (type promotion
   * of a dimensioned operand), which back-propagates.
   */
  static NDArray castKeepingGraph(NDArray a, DataType type, NDManager scratch) {
    if (a.getDataType() == type) {
      return a;
    }
    long[] ones = new long[Math.max(1, a.getShape().dimension())];
    java.util.Arrays.fill(ones, 1);
    return a.mul(scratch.ones(new Shape(ones), type, a.getDevice()));
  }

  private static NDArray slice(NDArray a, NDIndex rows, Device device, NDManager scratch) {
    NDArray part = a.get(rows);
    part.attach(scratch);
    return onDevice(part, device, scratch);
  }

  private static NDArray onDevice(NDArray a, Device device, NDManager scratch) {
    if (a.getDevice().equals(device)) {
      return a;
    }
    NDArray moved = a.toDevice(device, false);
    moved.attach(scratch);
    return moved;
  }

  /**
   * Every replica's gradients flattened into one vector [P] (one concatenation each), moved to the
   * master device, cast to float32, unscaled under fp16 and summed in replica order; views keep
   * the per-parameter gradient handles for zeroing. Null without trainable parameters.
   */
  private NDArray flatGradient(NDManager scratch, NDArray[][] views, boolean fp16,
      StepConstants onMaster) {
    int n = names.size();
    NDArray sum = null;
    for (int i = 0; i < replicas.size(); i++) {
      views[i] = new NDArray[n];
      NDList parts = new NDList();
      for (int k = 0; k < n; k++) {
        if (!trainable[k]) {
          continue;
        }
        NDArray g = replicaParameters.get(i).get(k).getArray().getGradient();
        g.attach(scratch);
        views[i][k] = g;
        parts.add(g.reshape(-1));
      }
      if (parts.isEmpty()) {
        return null;
      }
      NDArray flat = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0); // [P]
      NDArray value = onDevice(flat, masterDevice, scratch);
      if (value.getDataType() != DataType.FLOAT32) {
        value = value.toType(DataType.FLOAT32, false);
      }
      if (fp16) {
        value = value.mul(onMaster.scalar(StepConstants.INV_LOSS_SCALE));
      }
      sum = sum == null ? value : sum.add(value);
    }
    return sum;
  }

  /**
   * Zeroes the gradients in place by assignment (not g − g, which would keep the NaN of an
   * overflowed fp16 step forever).
   */
  private void zeroGradients(NDArray[][] views, NDManager scratch) {
    for (int i = 0; i < views.length; i++) {
      if (views[i] == null) {
        continue;
      }
      NDArray zero = null;
      for (NDArray g : views[i]) {
        if (g == null) {
          continue;
        }
        if (zero == null || zero.getDataType() != g.getDataType()) {
          zero = scratch.zeros(new Shape(), g.getDataType(), g.getDevice());
        }
        if (g.getShape().dimension() == 0) {
          NDArray view = g.reshape(1);
          view.attach(scratch);
          view.set(new NDIndex(":"), zero);
        } else {
          g.set(new NDIndex(":"), zero);
        }
      }
    }
  }

  private void updateEma(NDManager scratch, StepConstants c) {
    NDArray contribution = flatMaster.mul(c.scalar(StepConstants.ONE_MINUS_EMA_RATE));
    contribution.attach(scratch);
    flatEma.muli(c.scalar(StepConstants.EMA_RATE)).addi(contribution);
  }

  /**
   * Copies the master weights into every replica (all parameters when {@code all}, else the
   * trainable ones): one cast and device copy of the flat vector per replica, then one in-place
   * copy per parameter.
   */
  private void broadcastMaster(NDManager scratch, boolean all) {
    for (int i = 0; i < replicas.size(); i++) {
      List<Parameter> params = replicaParameters.get(i);
      NDArray flat = null;
      for (int k = 0; k < master.length; k++) {
        NDArray dst = params.get(k).getArray();
        if (!trainable[k]) {
          if (all) {
            Checkpoints.copyInto(dst, master[k], scratch);
          }
          continue;
        }
        if (flat == null) {
          flat = onDevice(flatMaster, dst.getDevice(), scratch);
          if (flat.getDataType() != dst.getDataType()) {
            flat = flat.toType(dst.getDataType(), false);
            flat.attach(scratch);
          }
        }
        NDArray source = flat.get(new NDIndex("{}:{}", offsets[k], offsets[k] + dst.size()));
        source.attach(scratch);
        Checkpoints.copyInto(dst, source.reshape(dst.getShape()), scratch);
      }
    }
  }

  private void checkBatch(Batch batch) {
    Shape s = batch.x0().getShape();
    if (s.dimension() != 4 || s.get(0) != config.batchSize()) {
      throw new DataException("batch x0 must be [B = " + config.batchSize() + ", C, H, W], found "
          + s + " at step " + step + "; the batch source must return train.batch_size samples");
    }
    if (!batch.y0().getShape().equals(s)) {
      throw new DataException("batch y0 " + batch.y0().getShape() + " differs from x0 " + s
          + " at step " + step + "; source and target slices must have the same shape");
    }
    for (NDArray c : batch.context()) {
      if (c.getShape().dimension() == 0 || c.getShape().get(0) != config.batchSize()) {
        throw new DataException("batch context array " + c.getShape() + " must have the batch "
            + "size " + config.batchSize() + " as its first axis");
      }
    }
  }

  private void validate(MetricsLog metrics) {
    TrainingModel first = replicas.get(0);
    List<Parameter> params = replicaParameters.get(0);
    ValidationResult result;
    try (NDManager scratch = manager.newSubManager(first.device())) {
      for (int k = 0; k < master.length; k++) {
        Checkpoints.copyInto(params.get(k).getArray(), ema[k], scratch);
      }
      try (NDManager callbackManager = scratch.newSubManager(first.device())) {
        result = Objects.requireNonNull(validation.validate(
            new ValidationContext(step, first, schedule, callbackManager)),
            "the validation callback returned null");
      } finally {
        for (int k = 0; k < master.length; k++) {
          Checkpoints.copyInto(params.get(k).getArray(), master[k], scratch);
        }
      }
    }
    LOG.info(String.format(Locale.ROOT, "step %d validation psnr %.4f dB%s", step, result.psnr(),
        result.metrics().isEmpty() ? "" : " " + result.metrics()));
    metrics.validation(step, result);
    for (ProgressListener l : listeners) {
      l.onValidation(step, result);
    }
    if (Double.isNaN(bestPsnr) || result.psnr() > bestPsnr) {
      bestPsnr = result.psnr();
      bestStep = step;
      saveCheckpoint(checkpointDirectory().resolve("best.zip"));
    }
  }

  /** Writes a checkpoint of the current state to {@code file} atomically. */
  public void saveCheckpoint(Path file) {
    int n = names.size();
    List<long[]> shapes = new ArrayList<>();
    List<Boolean> flags = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      shapes.add(master[k].getShape().getShape());
      flags.add(trainable[k]);
    }
    CheckpointState state = new CheckpointState(1, step, config.seed(), optimizer.updates(),
        lossScale, goodStepsSinceScaleChange, bestPsnr, bestStep, textEncoderId,
        List.copyOf(names), shapes, flags, config, Instant.now().toString(), modelPixelMm);
    java.util.LinkedHashMap<String, Checkpoints.ArrayEntry> entries =
        new java.util.LinkedHashMap<>();
    entries.put(Checkpoints.MODEL, scratch -> hostCopies(master, "", scratch));
    entries.put(Checkpoints.EMA, scratch -> hostCopies(ema, "", scratch));
    entries.put(Checkpoints.FIRST_MOMENTS, scratch -> hostCopies(firstMoments, "m:", scratch));
    entries.put(Checkpoints.SECOND_MOMENTS, scratch -> hostCopies(secondMoments, "v:", scratch));
    try {
      Checkpoints.write(file, state, resolvedConfig, entries, manager);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint " + file + ": " + e.getMessage(), e);
    }
    lastCheckpointStep = step;
    LOG.info("step {} checkpoint {}", step, file);
    for (ProgressListener l : listeners) {
      l.onCheckpoint(step, file);
    }
  }

  /** Float32 host copies of the non-null arrays, named after their parameters. */
  private NDList hostCopies(NDArray[] arrays, String prefix, NDManager scratch) {
    NDList out = new NDList();
    for (int k = 0; k < arrays.length; k++) {
      if (arrays[k] != null) {
        NDArray copy = arrays[k].toDevice(Device.cpu(), true);
        copy.attach(scratch);
        copy.setName(prefix + names.get(k));
        out.add(copy);
      }
    }
    return out;
  }

  private void aliasCheckpoint(Path file, Path alias) {
    try {
      Checkpoints.alias(file, alias);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint " + alias + ": " + e.getMessage(), e);
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
    try (Checkpoints.Reader reader = new Checkpoints.Reader(file)) {
      CheckpointState s = reader.state();
      if (!names.equals(s.parameterNames())) {
        throw new DataException(file + ": the checkpoint's parameters (" + s.parameterNames().size()
            + ") differ from the model's (" + names.size() + "); it was written for a different "
            + "model configuration");
      }
      if (s.seed() != config.seed()) {
        throw new ConfigException("train.seed is " + config.seed() + " but checkpoint " + file
            + " was trained with seed " + s.seed() + "; resume with the run's configuration");
      }
      if (s.trainer() != null && !s.trainer().equals(config)) {
        LOG.warn("resuming {} with trainer settings that differ from the checkpoint's: {} vs {}",
            file, config, s.trainer());
      }
      for (int k = 0; k < names.size(); k++) {
        if (!java.util.Arrays.equals(master[k].getShape().getShape(),
            s.parameterShapes().get(k))) {
          throw new DataException(file + ": parameter '" + names.get(k) + "' has shape "
              + new Shape(s.parameterShapes().get(k)) + " in the checkpoint but "
              + master[k].getShape() + " in the model");
        }
      }
      int trainableCount = 0;
      for (boolean b : trainable) {
        trainableCount += b ? 1 : 0;
      }
      restoreEntry(reader, Checkpoints.MODEL, master, names.size());
      restoreEntry(reader, Checkpoints.EMA, ema, names.size());
      restoreEntry(reader, Checkpoints.FIRST_MOMENTS, firstMoments, trainableCount);
      restoreEntry(reader, Checkpoints.SECOND_MOMENTS, secondMoments, trainableCount);
      optimizer.setUpdates(s.optimizerUpdates());
      step = s.step();
      lossScale = config.precision() == Precision.FP16 ? s.lossScale() : 1.0;
      goodStepsSinceScaleChange = s.goodStepsSinceScaleChange();
      bestPsnr = s.bestPsnr();
      bestStep = s.bestStep();
      lastCheckpointStep = step;
      try (NDManager sync = manager.newSubManager()) {
        broadcastMaster(sync, true);
      }
      LOG.info("resumed from {} at step {}", file, step);
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

  private static String formatDuration(double seconds) {
    if (!Double.isFinite(seconds)) {
      return "?";
    }
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
  }

  /** Closes the trainer's own state (EMA, moments); the replicas' blocks belong to the caller. */
  @Override
  public void close() {
    manager.close();
  }

  /** Builder of a {@link Trainer}; {@link #build()} validates the combination. */
  public static final class Builder {
    private TrainerConfig config;
    private ResShiftSchedule schedule;
    private List<TrainingModel> replicas;
    private BatchSource source;
    private Path runDirectory;
    private ValidationCallback validation;
    private final List<ProgressListener> listeners = new ArrayList<>();
    private String resolvedConfig;
    private String textEncoderId;
    private Double modelPixelMm;
    private boolean allowFp16OnCpu;

    private Builder() {}

    /** Tests only: lets the fp16 path run on the CPU, which PyTorch 2.3 supports slowly. */
    Builder allowFp16OnCpuForTesting() {
      this.allowFp16OnCpu = true;
      return this;
    }

    public Builder setConfig(TrainerConfig config) {
      this.config = config;
      return this;
    }

    public Builder setSchedule(ResShiftSchedule schedule) {
      this.schedule = schedule;
      return this;
    }

    /** One model per device; the first is the master (optimizer, EMA, validation). */
    public Builder setReplicas(List<? extends TrainingModel> replicas) {
      this.replicas = List.copyOf(replicas);
      return this;
    }

    public Builder setBatchSource(BatchSource source) {
      this.source = source;
      return this;
    }

    /** Where metrics files and {@code checkpoints/} go. */
    public Builder setRunDirectory(Path runDirectory) {
      this.runDirectory = runDirectory;
      return this;
    }

    public Builder optValidation(ValidationCallback validation) {
      this.validation = validation;
      return this;
    }

    public Builder optProgressListener(ProgressListener listener) {
      this.listeners.add(Objects.requireNonNull(listener));
      return this;
    }

    /**
     * The resolved run configuration (stored verbatim in every checkpoint as config.json) and the
     * identifier of the text encoder (stored in state.json).
     */
    public Builder optRunMetadata(String resolvedConfigJson, String textEncoderId) {
      this.resolvedConfig = resolvedConfigJson;
      this.textEncoderId = textEncoderId;
      return this;
    }

    /**
     * The millimetres one model pixel covered in the training slices (stored in state.json, so
     * that translation can warn about inputs at another scale); {@code null} when unknown.
     */
    public Builder optModelPixelMm(Double mm) {
      if (mm != null && !(mm > 0 && Double.isFinite(mm))) {
        throw new IllegalArgumentException("model pixel size must be a positive number of mm, found "
            + mm);
      }
      this.modelPixelMm = mm;
      return this;
    }

    public Trainer build() {
      List<String> missing = new ArrayList<>();
      if (config == null) {
        missing.add("setConfig");
      }
      if (schedule == null) {
        missing.add("setSchedule");
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
        throw new IllegalArgumentException("Trainer.Builder is missing " + missing);
      }
      return new Trainer(this);
    }
  }
}

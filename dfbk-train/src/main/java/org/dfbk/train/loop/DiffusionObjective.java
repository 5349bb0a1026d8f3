package org.dfbk.train.loop;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.dfbk.core.math.Ops;
import org.dfbk.train.diffusion.GaussianNoise;
import org.dfbk.train.diffusion.ResShiftSchedule;
import org.dfbk.train.loss.DiffusionLoss;

/**
 * ResShift's training objective (paper §3.3): per sample t ~ U{0..T−1} and ε ~ N(0, I), drawn on
 * the host from a generator derived from (seed, step); x_t = x_0 + η_t (y_0 − x_0) + κ√η_t ε
 * (Eq. 1); x̂_0 = f(x_t / (3κ√η_t + 1), y_0, t); the loss is Eq. 4's weighted squared error (or
 * plain MSE) of x̂_0, each sample weighing 1/B. A condition y_0 with more channels than x_0
 * (several sources, slice context) shifts x_t toward its first C channels in Eq. 1 and enters the
 * network whole.
 *
 * <p>Per-sample rows uploaded with the step's constants: η_t, κ√η_t, 1/(3κ√η_t + 1) and the loss
 * weight.
 */
public final class DiffusionObjective implements TrainingObjective {
  private static final int ETA = 0;
  private static final int NOISE_STD = 1;
  private static final int INPUT_SCALE = 2;
  private static final int LOSS_WEIGHT = 3;
  private static final int ROWS = 4;

  private final ResShiftSchedule schedule;
  private final DiffusionLoss loss;

  public DiffusionObjective(ResShiftSchedule schedule, DiffusionLoss loss) {
    this.schedule = java.util.Objects.requireNonNull(schedule, "schedule");
    this.loss = java.util.Objects.requireNonNull(loss, "loss");
  }

  public ResShiftSchedule schedule() {
    return schedule;
  }

  @Override
  public StepDraws draw(NDManager scratch, long seed, long step, Batch batch) {
    int b = (int) batch.x0().getShape().get(0);
    SplittableRandom rng = new SplittableRandom(GaussianNoise.deriveSeed(seed, step));
    long[] t = new long[b];
    for (int i = 0; i < b; i++) {
      t[i] = rng.nextInt(schedule.numSteps());
    }
    NDArray timesteps = Ops.engineOwned(scratch.create(t)); // see Ops.engineOwned
    NDArray noise = GaussianNoise.normal(scratch, rng, batch.x0().getShape(),
        batch.x0().getDevice());
    double[] eta = schedule.etas();
    double[] noiseStd = schedule.kappaSqrtEtas();
    double[] inputScale = schedule.inputScales();
    float[] rows = new float[ROWS * b];
    for (int i = 0; i < b; i++) {
      int ti = (int) t[i];
      rows[ETA * b + i] = (float) eta[ti];
      rows[NOISE_STD * b + i] = (float) noiseStd[ti];
      rows[INPUT_SCALE * b + i] = (float) inputScale[ti];
      rows[LOSS_WEIGHT * b + i] = (float) loss.weight(ti, schedule);
    }
    return new StepDraws(new NDList(timesteps, noise), rows);
  }

  @Override
  public NDArray chunkLoss(TrainingModel model, Batch batch, StepDraws draws, StepConstants c,
      int start, int end, NDManager scratch, boolean fp16) {
    Device device = model.device();
    NDIndex rows = new NDIndex("{}:{}", start, end);
    NDArray x0 = slice(batch.x0(), rows, device, scratch).toType(DataType.FLOAT32, false);
    NDArray y0 = slice(batch.y0(), rows, device, scratch).toType(DataType.FLOAT32, false);
    NDArray t = slice(draws.arrays().get(0), rows, device, scratch);
    NDArray eps = slice(draws.arrays().get(1), rows, device, scratch);
    NDList context = new NDList();
    for (NDArray array : batch.context()) {
      NDArray part = slice(array, rows, device, scratch);
      context.add(fp16 && part.getDataType() == DataType.FLOAT32
          ? part.toType(DataType.FLOAT16, false) : part);
    }
    // Eq. 1 and the network input scaling, with this chunk's coefficients [n, 1, 1, 1]
    long imageChannels = x0.getShape().get(1);
    NDArray anchor = y0.getShape().get(1) == imageChannels ? y0
        : y0.get(new NDIndex(":, 0:{}", imageChannels));
    NDArray xt = ResShiftSchedule.forward(x0, anchor, eps, c.perSample(ETA, start, end),
        c.perSample(NOISE_STD, start, end));
    NDArray input = xt.mul(c.perSample(INPUT_SCALE, start, end));
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
        scratch), x0).mul(c.perSample(LOSS_WEIGHT, start, end).reshape(-1));
    // each sample weighs 1/B, so the chunks of all replicas and micro-batches sum to the mean
    return perSample.sum().mul(c.invBatch());
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
    Arrays.fill(ones, 1);
    return a.mul(scratch.ones(new Shape(ones), type, a.getDevice()));
  }

  private static NDArray slice(NDArray a, NDIndex rows, Device device, NDManager scratch) {
    NDArray part = a.get(rows);
    part.attach(scratch);
    return Devices.onDevice(part, device, scratch);
  }
}

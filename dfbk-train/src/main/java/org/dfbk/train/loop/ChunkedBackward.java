package org.dfbk.train.loop;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Back-propagates one batch through the replicas: the batch is cut into R × A contiguous chunks
 * (R replicas, A accumulation micro-batches, chunk c = replica·A + micro), and each chunk's
 * {@link TrainingObjective} loss, weighted so that the chunks add up to the batch mean, is
 * back-propagated into its replica's gradients (times the loss scale in fp16). Each device gets
 * the step's {@link StepConstants} in one upload.
 */
final class ChunkedBackward {
  private final TrainingObjective objective;
  private final ReplicaSet replicas;
  private final int accumulation;

  ChunkedBackward(TrainingObjective objective, ReplicaSet replicas, int accumulation) {
    this.objective = objective;
    this.replicas = replicas;
    this.accumulation = accumulation;
  }

  /** The step's constants on every replica's device, one upload each. */
  Map<Device, StepConstants> constants(NDManager scratch, StepDraws draws,
      StepConstants.Scalars scalars) {
    Map<Device, StepConstants> out = new HashMap<>();
    for (TrainingModel m : replicas.replicas()) {
      out.computeIfAbsent(m.device(), d -> new StepConstants(scratch, d, draws.perSample(),
          scalars));
    }
    return out;
  }

  /**
   * Runs the forward and backward passes of every chunk.
   *
   * @return the detached sum of the chunk losses on the master device (the batch's mean loss)
   */
  NDArray run(Batch batch, int batchSize, StepDraws draws,
      Map<Device, StepConstants> constants, NDManager scratch, boolean fp16) {
    List<TrainingModel> models = replicas.replicas();
    int r = models.size();
    int chunk = batchSize / (r * accumulation);
    NDArray stepLoss = null;
    try (GradientCollector collector = scratch.getEngine().newGradientCollector()) {
      for (int micro = 0; micro < accumulation; micro++) {
        for (int replica = 0; replica < r; replica++) {
          TrainingModel model = models.get(replica);
          StepConstants onDevice = constants.get(model.device());
          int start = (replica * accumulation + micro) * chunk;
          NDArray chunkLoss = objective.chunkLoss(model, batch, draws, onDevice, start,
              start + chunk, scratch, fp16);
          collector.backward(fp16 ? chunkLoss.mul(onDevice.lossScale()) : chunkLoss);
          NDArray detached = Devices.onDevice(chunkLoss.stopGradient(),
              replicas.masterDevice(), scratch);
          stepLoss = stepLoss == null ? detached : stepLoss.add(detached);
        }
      }
    }
    return stepLoss;
  }
}

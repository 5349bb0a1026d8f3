package org.dfbk.train.loop;

/**
 * Where the time of the training steps went, in milliseconds per step (means over the profiled
 * steps). Profiling reads one value back at each phase boundary so that a GPU's queued work is
 * counted in its phase; on the CPU the phases are timed as they run.
 *
 * @param steps the profiled steps
 * @param dataMs batch, host draws and the upload of the step's constants
 * @param forwardBackwardMs forward process, network, loss and backward of every chunk
 * @param reduceMs gradients gathered into one flat vector on the master device, and its norm
 * @param optimizerMs clipping factor and the AdamW update
 * @param emaMs the EMA update
 * @param broadcastMs master weights copied to replicas that do not share them
 * @param zeroGradMs gradients zeroed, loss accumulated
 */
public record StepProfile(long steps, double dataMs, double forwardBackwardMs, double reduceMs,
    double optimizerMs, double emaMs, double broadcastMs, double zeroGradMs) {

  /** Everything but the network's forward and backward. */
  public double overheadMs() {
    return dataMs + reduceMs + optimizerMs + emaMs + broadcastMs + zeroGradMs;
  }

  /** Accumulates phase times; {@link #result()} gives the means. */
  static final class Recorder {
    private final double[] total = new double[7];
    private long steps;
    private long last;

    void start() {
      last = System.nanoTime();
    }

    /**
     * Ends phase {@code i} (0 data … 6 zeroGrad), first reading {@code sync} back when it is on a
     * GPU so that the phase's queued work is counted in it.
     */
    void lap(int i, ai.djl.ndarray.NDArray sync) {
      if (sync != null && sync.getDevice().isGpu()) {
        sync.get(0).getFloat();
      }
      long now = System.nanoTime();
      total[i] += (now - last) / 1e6;
      last = now;
    }

    void reset() {
      java.util.Arrays.fill(total, 0);
      steps = 0;
    }

    void endStep() {
      steps++;
    }

    StepProfile result() {
      double n = Math.max(1, steps);
      return new StepProfile(steps, total[0] / n, total[1] / n, total[2] / n, total[3] / n,
          total[4] / n, total[5] / n, total[6] / n);
    }
  }
}

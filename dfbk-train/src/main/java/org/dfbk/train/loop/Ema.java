package org.dfbk.train.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.function.Supplier;
import org.dfbk.core.math.FusedOps;

/**
 * The exponential moving average of the master weights, {@code ema ← r·ema + (1−r)·θ} after every
 * applied update (the role of diffusers' EMAModel): one flat float32 vector [P] for the trainable
 * parameters, copies of the frozen ones; {@link #withWeights} swaps it into the model for
 * validation and restores the training weights afterwards.
 */
final class Ema {
  private final ReplicaSet replicas;
  private final NDArray flat;
  private final NDArray[] arrays;

  /** Starts at the master weights; owned by {@code manager}. */
  Ema(ReplicaSet replicas, NDManager manager) {
    this.replicas = replicas;
    FlatLayout layout = replicas.layout();
    flat = replicas.flatMaster().duplicate();
    flat.attach(manager);
    arrays = new NDArray[layout.size()];
    for (int k = 0; k < layout.size(); k++) {
      if (layout.trainable()[k]) {
        arrays[k] = layout.view(flat, k);
      } else {
        arrays[k] = replicas.master()[k].duplicate();
        arrays[k].attach(manager);
      }
    }
  }

  /** The EMA per parameter (views of the flat vector; copies when frozen). */
  NDArray[] arrays() {
    return arrays;
  }

  /**
   * ema ← r·ema + (1−r)·θ = ema + (1−r)(θ − ema), in place, one pass over memory.
   *
   * @param oneMinusRate 1−r as a 0-dim array on the master device
   */
  void update(NDArray theta, NDArray oneMinusRate) {
    FusedOps.lerpInPlace(flat, theta, oneMinusRate);
  }

  /**
   * Runs {@code body} with the EMA weights in replica 0's parameters, then puts the training
   * weights back. When the parameters are views of the master, the master is kept in a backup
   * [P] in {@code scratch} meanwhile.
   */
  <T> T withWeights(NDManager scratch, Supplier<T> body) {
    NDArray master = replicas.flatMaster();
    boolean shared = replicas.sharesMaster();
    NDArray backup = shared ? master.duplicate() : null;
    if (shared) {
      backup.attach(scratch);
    }
    replicas.loadIntoFirst(arrays, scratch);
    try {
      return body.get();
    } finally {
      if (shared) {
        master.set(new NDIndex(":"), backup);
        // frozen parameters are their own arrays: the EMA of a frozen parameter is its value
      } else {
        replicas.loadIntoFirst(replicas.master(), scratch);
      }
    }
  }
}

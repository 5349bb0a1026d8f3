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
 *
 * <p>With r = 0 the average after an update is θ itself, so no copy is kept: {@link #arrays()}
 * are the master weights, {@link #update} does nothing and {@link #withWeights} runs its body on
 * the training weights (4 bytes per parameter less, the same numbers).
 */
final class Ema {
  private final ReplicaSet replicas;
  private final NDArray flat;
  private final NDArray[] arrays;

  /** Starts at the master weights; owned by {@code manager}. */
  Ema(ReplicaSet replicas, NDManager manager) {
    this(replicas, manager, true);
  }

  /**
   * @param kept false for r = 0: the EMA is the master weights, nothing is copied
   */
  Ema(ReplicaSet replicas, NDManager manager, boolean kept) {
    this.replicas = replicas;
    FlatLayout layout = replicas.layout();
    if (!kept) {
      flat = null;
      arrays = replicas.master();
      return;
    }
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

  /** Whether a copy is kept (r > 0); otherwise the EMA is the master weights. */
  boolean kept() {
    return flat != null;
  }

  /** The EMA per parameter (views of the flat vector; copies when frozen; the master if r = 0). */
  NDArray[] arrays() {
    return arrays;
  }

  /**
   * ema ← r·ema + (1−r)·θ = ema + (1−r)(θ − ema), in place, one pass over memory.
   *
   * @param oneMinusRate 1−r as a 0-dim array on the master device
   */
  void update(NDArray theta, NDArray oneMinusRate) {
    if (flat == null) {
      return; // r = 0: the average is θ
    }
    FusedOps.lerpInPlace(flat, theta, oneMinusRate);
  }

  /**
   * Runs {@code body} with the EMA weights in replica 0's parameters, then puts the training
   * weights back. When the parameters are views of the master, the master is kept in a backup
   * [P] in {@code scratch} meanwhile.
   */
  <T> T withWeights(NDManager scratch, Supplier<T> body) {
    if (flat == null) {
      return body.get(); // r = 0: the replicas hold θ, which is the average
    }
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

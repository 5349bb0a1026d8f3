package org.dfbk.train.loop;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import org.dfbk.core.error.ConfigException;
import org.dfbk.core.math.FusedOps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model replicas of data-parallel training and the float32 master weights they follow (the
 * role of DJL's ParameterServer or accelerate's): checks that every replica holds the same model,
 * sums the replicas' gradients onto the master device, and copies the master weights back.
 *
 * <p>The master weights of the trainable parameters are one flat float32 vector [P] laid out by
 * {@link FlatLayout}. With one float32 replica the replica's parameters <em>are</em> views of that
 * vector (the way PyTorch keeps flat parameters): the optimizer's in-place update is the model's
 * update, and there is no second copy of the weights and no copy back after each step. With
 * several replicas, or float16 replicas, each replica holds its own copy, refreshed from the
 * master after every update, so replicas stay bit-identical. {@link #close()} gives the parameters
 * arrays of their own again, so the model outlives the trainer.
 */
final class ReplicaSet implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaSet.class);

  private final List<TrainingModel> replicas;
  private final List<List<Parameter>> parameters = new ArrayList<>();
  private final FlatLayout layout;
  private final Device masterDevice;
  private final NDArray flatMaster;
  private final NDArray[] master;
  /** Replica 0's own arrays given up to the master views, with their managers, for close(). */
  private final List<NDManager> boundManagers = new ArrayList<>();
  private final boolean shared;
  /** The flat gradient [P] float32 on the master device. */
  private final NDArray flatGradient;
  /** Whether replica 0's gradients have been pointed into {@link #flatGradient}. */
  private boolean gradientsShared;

  /**
   * @param replicaType the replicas' parameter type (float32, or float16 under fp16)
   * @param manager the trainer's state manager on the master device (owns the master weights)
   */
  ReplicaSet(List<TrainingModel> replicas, DataType replicaType, NDManager manager) {
    this.replicas = List.copyOf(replicas);
    this.masterDevice = replicas.get(0).device();
    List<String> names = new ArrayList<>();
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
        int k = 0;
        while (k < Math.min(names.size(), replicaNames.size())
            && names.get(k).equals(replicaNames.get(k))) {
          k++;
        }
        throw new ConfigException("the replica on " + m.device() + " has other parameters than "
            + "the one on " + masterDevice + " (" + replicaNames.size() + " vs " + names.size()
            + "; parameter " + k + " is " + quoted(replicaNames, k) + " on " + m.device()
            + " but " + quoted(names, k) + " on " + masterDevice
            + "); every device must hold the same model");
      }
      parameters.add(list);
    }
    int n = names.size();
    boolean[] trainable = new boolean[n];
    List<Shape> shapes = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      Parameter p0 = parameters.get(0).get(k);
      for (int i = 0; i < replicas.size(); i++) {
        NDArray a = parameters.get(i).get(k).getArray();
        if (!a.getShape().equals(p0.getArray().getShape())) {
          throw new ConfigException("parameter '" + names.get(k) + "' has shape " + a.getShape()
              + " on " + replicas.get(i).device() + " but " + p0.getArray().getShape() + " on "
              + masterDevice);
        }
        if (a.getDataType() != replicaType) {
          throw new ConfigException("parameter '" + names.get(k) + "' on "
              + replicas.get(i).device() + " is " + a.getDataType() + " but the precision needs "
              + replicaType + " replica weights; initialise the block with DataType."
              + replicaType.name());
        }
      }
      trainable[k] = p0.requiresGradient();
      shapes.add(p0.getArray().getShape());
    }
    this.layout = FlatLayout.of(names, shapes, trainable);
    // the master weights: trainable ones as views of one flat vector, frozen ones as copies
    flatMaster = manager.zeros(new Shape(layout.total()), DataType.FLOAT32, masterDevice);
    master = new NDArray[n];
    try (NDManager scratch = manager.newSubManager()) {
      for (int k = 0; k < n; k++) {
        NDArray initial = parameters.get(0).get(k).getArray();
        if (trainable[k]) {
          master[k] = layout.view(flatMaster, k);
          Checkpoints.copyInto(master[k], initial, scratch);
        } else {
          master[k] = initial.toType(DataType.FLOAT32, true);
          master[k].attach(manager);
        }
      }
    }
    this.shared = replicas.size() == 1 && replicaType == DataType.FLOAT32 && bindToMaster();
    this.flatGradient = manager.zeros(new Shape(layout.total()), DataType.FLOAT32, masterDevice);
  }

  /**
   * The flat gradient [P] (float32, master device) that {@link #gatherGradients} fills; callers
   * may use it as scratch after reading it, since {@link #zeroGradients} clears it.
   */
  NDArray flatGradient() {
    return flatGradient;
  }

  /** Whether replica 0's gradients are slices of {@link #flatGradient()} (no gathering needed). */
  boolean sharesGradients() {
    return gradientsShared;
  }

  private static String quoted(List<String> names, int k) {
    return k < names.size() ? "'" + names.get(k) + "'" : "none";
  }

  FlatLayout layout() {
    return layout;
  }

  Device masterDevice() {
    return masterDevice;
  }

  List<TrainingModel> replicas() {
    return replicas;
  }

  /** The trainable master weights, flat [P] float32 (updated in place by the optimizer). */
  NDArray flatMaster() {
    return flatMaster;
  }

  /** The master weights per parameter (views of {@link #flatMaster()}, copies when frozen). */
  NDArray[] master() {
    return master;
  }

  /** Whether replica 0's parameters are views of the master weights. */
  boolean sharesMaster() {
    return shared;
  }

  /** Replica {@code i}'s parameters, in layout order. */
  List<Parameter> parameters(int i) {
    return parameters.get(i);
  }

  /**
   * Makes replica 0's trainable parameters views of the flat master. DJL 0.29's Parameter sets its
   * array once; the view is put in its place by reflection (DJL is pinned, and a test covers it),
   * and the parameter's own array is closed. Returns false, keeping a separate copy, if that fails.
   */
  private boolean bindToMaster() {
    Field field;
    try {
      field = Parameter.class.getDeclaredField("array");
      field.setAccessible(true);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn("cannot share the master weights with the model ({}); training keeps one more "
          + "copy of the weights", e.toString());
      return false;
    }
    List<Parameter> params = parameters.get(0);
    for (int k = 0; k < params.size(); k++) {
      if (!layout.trainable()[k]) {
        continue;
      }
      Parameter p = params.get(k);
      NDArray own = p.getArray();
      NDArray view = master[k];
      view.setName(own.getName());
      view.setRequiresGradient(true);
      set(field, p, view);
      boundManagers.add(own.getManager());
      own.close();
    }
    return true;
  }

  private static void set(Field field, Parameter p, NDArray array) {
    try {
      field.set(p, array);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot set the array of parameter " + p.getName(), e);
    }
  }

  /**
   * Sums every replica's gradients, in replica order, into {@link #flatGradient()} and divides by
   * the loss scale under fp16. Replica 0's gradients are copied slice by slice, except when the
   * replica shares the master weights: then, after the first step, its gradients are themselves
   * slices of the flat gradient (libtorch allocates each parameter's gradient on the first
   * backward; they are then pointed into the flat buffer, where every later backward accumulates
   * in place), so there is nothing to copy. Another replica's gradients are concatenated on its
   * device and moved in one copy.
   *
   * @param invLossScale 1/loss scale as a 0-dim array on the master device, or null in fp32
   */
  void gatherGradients(NDArray invLossScale, NDManager scratch) {
    NDArray into = flatGradient;
    for (int i = 0; i < replicas.size(); i++) {
      List<Parameter> params = parameters.get(i);
      if (i == 0) {
        if (gradientsShared) {
          continue;
        }
        for (int k = 0; k < params.size(); k++) {
          if (layout.trainable()[k]) {
            NDArray g = params.get(k).getArray().getGradient();
            g.attach(scratch);
            NDArray slot = layout.view(into, k);
            slot.attach(scratch);
            Checkpoints.copyInto(slot, g, scratch);
            if (shared) {
              FusedOps.shareStorage(g, slot);
            }
          }
        }
        gradientsShared = shared;
        continue;
      }
      NDList parts = new NDList();
      for (int k = 0; k < params.size(); k++) {
        if (layout.trainable()[k]) {
          NDArray g = params.get(k).getArray().getGradient();
          g.attach(scratch);
          parts.add(g.reshape(-1));
        }
      }
      NDArray flat = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0); // [P]
      flat.attach(scratch);
      NDArray value = Devices.onDevice(flat, masterDevice, scratch);
      if (value.getDataType() != DataType.FLOAT32) {
        value = value.toType(DataType.FLOAT32, false);
        value.attach(scratch);
      }
      into.addi(value);
    }
    if (invLossScale != null) {
      into.muli(invLossScale); // a power of two: exact
    }
  }

  /**
   * Zeroes every replica's gradients in place by assignment (not g − g, which would keep the NaN
   * of an overflowed fp16 step forever).
   */
  void zeroGradients(NDManager scratch) {
    NDArray flatZero = scratch.zeros(new Shape(), DataType.FLOAT32, masterDevice);
    flatGradient.set(new NDIndex(":"), flatZero); // also replica 0's, when they are its slices
    for (int i = gradientsShared ? 1 : 0; i < replicas.size(); i++) {
      NDArray zero = null;
      List<Parameter> params = parameters.get(i);
      for (int k = 0; k < params.size(); k++) {
        if (!layout.trainable()[k]) {
          continue;
        }
        NDArray g = params.get(k).getArray().getGradient();
        g.attach(scratch);
        if (zero == null || zero.getDataType() != g.getDataType()) {
          zero = scratch.zeros(new Shape(), g.getDataType(), g.getDevice());
        }
        NDArray target = g.getShape().dimension() == 0 ? g.reshape(1) : g;
        target.attach(scratch);
        target.set(new NDIndex(":"), zero);
      }
    }
  }

  /**
   * Copies the master weights into every replica that does not share them: the trainable ones
   * (one cast and device copy of the flat vector per replica, then a copy per parameter), and the
   * frozen ones too when {@code all}.
   */
  void broadcast(NDManager scratch, boolean all) {
    for (int i = 0; i < replicas.size(); i++) {
      List<Parameter> params = parameters.get(i);
      boolean viewsOfMaster = i == 0 && shared;
      NDArray flat = null;
      for (int k = 0; k < params.size(); k++) {
        NDArray dst = params.get(k).getArray();
        if (!layout.trainable()[k]) {
          if (all) {
            Checkpoints.copyInto(dst, master[k], scratch);
          }
          continue;
        }
        if (viewsOfMaster) {
          continue;
        }
        if (flat == null) {
          flat = Devices.onDevice(flatMaster, dst.getDevice(), scratch);
          if (flat.getDataType() != dst.getDataType()) {
            flat = flat.toType(dst.getDataType(), false);
            flat.attach(scratch);
          }
        }
        NDArray source = layout.view(flat, k);
        source.attach(scratch);
        Checkpoints.copyInto(dst, source, scratch);
      }
    }
  }

  /** Copies per-parameter values (e.g. the EMA) into replica 0's parameters. */
  void loadIntoFirst(NDArray[] values, NDManager scratch) {
    List<Parameter> params = parameters.get(0);
    for (int k = 0; k < params.size(); k++) {
      Checkpoints.copyInto(params.get(k).getArray(), values[k], scratch);
    }
  }

  /** Gives replica 0's parameters arrays of their own again if they were views of the master. */
  @Override
  public void close() {
    if (!shared || boundManagers.isEmpty()) {
      return;
    }
    Field field;
    try {
      field = Parameter.class.getDeclaredField("array");
      field.setAccessible(true);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
    List<Parameter> params = parameters.get(0);
    int j = 0;
    for (int k = 0; k < params.size(); k++) {
      if (!layout.trainable()[k]) {
        continue;
      }
      Parameter p = params.get(k);
      NDArray view = p.getArray();
      NDArray own = view.duplicate();
      own.attach(boundManagers.get(j++));
      own.setName(view.getName());
      own.setRequiresGradient(true);
      set(field, p, own);
    }
    boundManagers.clear();
  }
}

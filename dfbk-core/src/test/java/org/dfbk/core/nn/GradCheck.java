package org.dfbk.core.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.dfbk.core.math.Ops;
import org.dfbk.fixtures.Params;
import org.dfbk.fixtures.Tolerance;

/**
 * Float64 central finite-difference checks of d(sum(out · w))/d(coordinate) against autograd,
 * for coordinates of an input or of a parameter.
 */
final class GradCheck {
  private static final double STEP = 1e-6;

  private GradCheck() {}

  /** Loss weights: a fixed pseudo-random pattern of the output's shape. */
  private static NDArray weights(NDManager m, NDArray out) {
    long size = out.getShape().size();
    double[] w = new double[(int) size];
    for (int i = 0; i < w.length; i++) {
      w[i] = Math.sin(0.7 * i + 0.3);
    }
    return Ops.engineOwned(m.create(w, out.getShape()));
  }

  private static double loss(Block block, NDManager m, NDList inputs) {
    NDArray out = block.forward(new ParameterStore(m, false), inputs, false).head();
    return out.mul(weights(m, out)).sum().getDouble();
  }

  /** Checks coordinates of input {@code inputIndex} (flat indices). */
  static void checkInput(Block block, NDManager m, NDList inputs, int inputIndex, int[] coords,
      String what) {
    NDArray x = inputs.get(inputIndex);
    if (x.getDataType() != DataType.FLOAT64) {
      throw new IllegalArgumentException("gradient checks need float64 inputs");
    }
    double[] analytic;
    zeroGradients(block);
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      x.setRequiresGradient(true);
      NDArray out = block.forward(new ParameterStore(m, false), inputs, true).head();
      NDArray loss = out.mul(weights(m, out)).sum();
      gc.backward(loss);
      analytic = x.getGradient().toDoubleArray();
    }
    double[] base = x.toDoubleArray();
    double[] numeric = new double[coords.length];
    double[] picked = new double[coords.length];
    for (int k = 0; k < coords.length; k++) {
      numeric[k] = central(block, m, inputs, inputIndex, base, coords[k]);
      picked[k] = analytic[coords[k]];
    }
    Tolerance.assertClose(numeric, picked, 1e-5, 1e-8, what + " d loss / d input coordinate");
  }

  private static double central(Block block, NDManager m, NDList inputs, int inputIndex,
      double[] base, int coord) {
    double[] v = base.clone();
    NDArray original = inputs.get(inputIndex);
    v[coord] = base[coord] + STEP;
    NDList plus = replace(m, inputs, inputIndex, v, original);
    double fPlus = loss(block, m, plus);
    v[coord] = base[coord] - STEP;
    NDList minus = replace(m, inputs, inputIndex, v, original);
    double fMinus = loss(block, m, minus);
    return (fPlus - fMinus) / (2 * STEP);
  }

  private static NDList replace(NDManager m, NDList inputs, int index, double[] v,
      NDArray original) {
    NDList copy = new NDList();
    for (int i = 0; i < inputs.size(); i++) {
      copy.add(i == index ? Ops.engineOwned(m.create(v, original.getShape())) : inputs.get(i));
    }
    return copy;
  }

  /** Gradients accumulate across backward passes: clear those of the block's parameters. */
  private static void zeroGradients(Block block) {
    for (Parameter p : block.getParameters().values()) {
      NDArray a = p.getArray();
      if (a.hasGradient()) {
        Params.zero(a.getGradient());
      }
    }
  }

  /** Checks coordinates of a parameter (flat indices). */
  static void checkParameter(Block block, NDManager m, NDList inputs, Parameter p, int[] coords,
      String what) {
    NDArray array = p.getArray();
    if (array.getDataType() != DataType.FLOAT64) {
      throw new IllegalArgumentException("gradient checks need float64 parameters");
    }
    double[] analytic;
    zeroGradients(block);
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray out = block.forward(new ParameterStore(m, false), inputs, true).head();
      NDArray loss = out.mul(weights(m, out)).sum();
      gc.backward(loss);
      analytic = array.getGradient().toDoubleArray();
    }
    double[] base = array.toDoubleArray();
    double[] numeric = new double[coords.length];
    double[] picked = new double[coords.length];
    for (int k = 0; k < coords.length; k++) {
      double[] v = base.clone();
      v[coords[k]] = base[coords[k]] + STEP;
      array.set(v);
      double fPlus = loss(block, m, inputs);
      v[coords[k]] = base[coords[k]] - STEP;
      array.set(v);
      double fMinus = loss(block, m, inputs);
      array.set(base);
      numeric[k] = (fPlus - fMinus) / (2 * STEP);
      picked[k] = analytic[coords[k]];
    }
    Tolerance.assertClose(numeric, picked, 1e-5, 1e-8, what + " d loss / d " + p.getName());
  }
}

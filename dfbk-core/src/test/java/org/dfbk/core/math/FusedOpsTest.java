package org.dfbk.core.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.function.Function;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fused libtorch kernels against the same functions composed from DJL operators, values and
 * gradients, in float64 (the composites are the references: each is checked against torch or by
 * hand in OpsTest, GroupNormBlockTest and the block goldens).
 */
class FusedOpsTest {
  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
    Engine.getInstance().setRandomSeed(7);
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private NDArray random(long... shape) {
    return manager.randomNormal(new Shape(shape)).toType(DataType.FLOAT64, false);
  }

  /** f(inputs) and the gradients of sum(f · w) with respect to every input. */
  private NDList valueAndGradients(Function<List<NDArray>, NDArray> f, NDArray w, NDArray... in) {
    NDList out = new NDList();
    NDList leaves = new NDList(); // fresh copies: a gradient would accumulate over calls
    for (NDArray a : in) {
      NDArray leaf = a.duplicate();
      leaf.setRequiresGradient(true);
      leaves.add(leaf);
    }
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray y = f.apply(leaves);
      out.add(y.duplicate());
      gc.backward(y.mul(w).sum());
    }
    for (NDArray leaf : leaves) {
      out.add(leaf.getGradient().duplicate());
    }
    return out;
  }

  private static void assertSameResults(NDList expected, NDList actual, double tol, String what) {
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i).getShape().getShape(), actual.get(i).getShape().getShape(),
          what + " output " + i + " shape");
      Tolerance.assertClose(expected.get(i).toDoubleArray(), actual.get(i).toDoubleArray(), tol,
          tol, what + (i == 0 ? " value" : " gradient of input " + (i - 1)));
    }
  }

  @Test
  void siluEqualsXTimesSigmoidWithGradient() {
    NDArray x = random(2, 3, 4, 5).mul(3);
    NDArray w = random(2, 3, 4, 5);
    assertSameResults(
        valueAndGradients(a -> a.get(0).mul(Activation.sigmoid(a.get(0))), w, x),
        valueAndGradients(a -> FusedOps.silu(a.get(0)), w, x), 1e-12, "silu");
  }

  @Test
  void groupNormEqualsComposedFormWithAffineAndWithout() {
    NDArray x = random(2, 6, 3, 4).mul(2).add(1);
    NDArray gamma = random(6);
    NDArray beta = random(6);
    NDArray w = random(2, 6, 3, 4);
    assertSameResults(
        valueAndGradients(a -> Ops.groupNormComposed(a.get(0), 3, a.get(1), a.get(2), 1e-5f), w,
            x, gamma, beta),
        valueAndGradients(a -> FusedOps.groupNorm(a.get(0), 3, a.get(1), a.get(2)), w,
            x, gamma, beta), 1e-10, "group_norm (affine)");
    assertSameResults(
        valueAndGradients(a -> Ops.groupNormComposed(a.get(0), 2, null, null, 1e-5f), w, x),
        valueAndGradients(a -> FusedOps.groupNorm(a.get(0), 2, null, null), w, x), 1e-10,
        "group_norm (plain)");
  }

  @Test
  void groupNormTakesTheFusedPathOnlyForItsEps() {
    // eps 1e-3 must use the composed form: the fused module has 1e-5 built in
    NDArray x = manager.create(new double[] {1, 3}, new Shape(1, 2, 1));
    double s = 1 / Math.sqrt(1 + 1e-3);
    Tolerance.assertClose(new double[] {-s, s}, Ops.groupNorm(x, 1, null, null, 1e-3f)
        .toDoubleArray(), 0, 1e-9, "group norm with eps 1e-3");
  }

  @Test
  void roll2dEqualsTwoRollsForAnyShift() {
    NDArray x = random(2, 3, 6, 6);
    NDArray w = random(2, 3, 6, 6);
    for (int shift : new int[] {-3, -1, 0, 2, 6, 8, -13}) {
      assertSameResults(
          valueAndGradients(a -> Ops.roll(Ops.roll(a.get(0), shift, 2), shift, 3), w, x),
          valueAndGradients(a -> FusedOps.roll2d(a.get(0), shift), w, x), 0, "roll2d " + shift);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FusedOps.roll2d(random(1, 1, 4, 6), 1));
    assertTrue(e.getMessage().contains("(1, 1, 4, 6)"), e.getMessage());
  }

  @Test
  void upsampleEqualsRepeatingEveryPixelTwice() {
    NDArray x = random(2, 3, 4, 5);
    NDArray w = random(2, 3, 8, 10);
    assertSameResults(
        valueAndGradients(a -> a.get(0).reshape(2, 3, 4, 1, 5, 1)
            .broadcast(new Shape(2, 3, 4, 2, 5, 2)).reshape(2, 3, 8, 10), w, x),
        valueAndGradients(a -> FusedOps.upsampleNearest2x(a.get(0)), w, x), 0, "upsample");
  }

  @Test
  void resultsBelongToTheFirstInputsManager() {
    try (NDManager step = manager.newSubManager()) {
      NDArray x = step.randomNormal(new Shape(1, 4, 2, 2));
      NDArray gamma = manager.ones(new Shape(4));
      NDArray beta = manager.zeros(new Shape(4));
      assertSame(step, FusedOps.silu(x).getManager());
      assertSame(step, FusedOps.groupNorm(x, 2, gamma, beta).getManager());
      assertSame(step, FusedOps.roll2d(x, 1).getManager());
      assertSame(step, FusedOps.upsampleNearest2x(x).getManager());
    }
  }
}

package org.dfbk.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.dfbk.fixtures.Params;
import org.junit.jupiter.api.Test;

/**
 * Long training runs must not accumulate native arrays in the model's manager: 200 DFB (50 KG)
 * forward/backward steps, each in its own sub-manager, leave the model manager's array count
 * unchanged (an op whose first operand is a parameter would add one array per step).
 */
class BlockLeakTest {
  private static final int STEPS = 200;

  private static void step(Block block, NDManager model, NDList inputs) {
    try (NDManager step = model.newSubManager()) {
      NDList in = new NDList();
      for (NDArray a : inputs) {
        in.add(a.duplicate());
      }
      in.attach(step);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray out = block.forward(new ParameterStore(step, false), in, true).head();
        gc.backward(out.square().mean());
      }
    }
  }

  private static void assertNoGrowth(Block block, NDManager model, NDList inputs, int steps,
      String what) {
    // a non-zero projection so that gradients reach every parameter
    for (Parameter p : ParameterNames.dotted(block).values()) {
      NDArray a = p.getArray();
      try (NDArray r = model.randomNormal(0f, 0.1f, a.getShape(), DataType.FLOAT32)) {
        Params.assign(a, r.toFloatArray());
      }
    }
    step(block, model, inputs);
    int before = model.getManagedArrays().size();
    for (int i = 1; i < steps; i++) {
      step(block, model, inputs);
    }
    int after = model.getManagedArrays().size();
    assertEquals(before, after, what + ": arrays in the model manager after 1 step vs after "
        + steps + " steps");
  }

  @Test
  void dfbTrainingStepsLeaveTheModelManagerFlat() {
    try (NDManager model = NDManager.newBaseManager()) {
      DfbBlock block = DfbBlock.builder().setChannels(8).optHeadChannels(4).build();
      Shape shape = new Shape(1, 8, 4, 4);
      block.initialize(model, DataType.FLOAT32, shape);
      try (NDManager data = model.newSubManager()) {
        NDList in = new NDList(data.randomNormal(0f, 1f, shape, DataType.FLOAT32));
        assertNoGrowth(block, model, in, STEPS, "DFB LH");
      }
    }
  }

  @Test
  void kgTrainingStepsLeaveTheModelManagerFlat() {
    try (NDManager model = NDManager.newBaseManager()) {
      KgBlock block = KgBlock.builder().setChannels(8).setTextDim(6).optHeadChannels(4).build();
      Shape z = new Shape(2, 8, 4, 4);
      Shape text = new Shape(2, 3, 6);
      block.initialize(model, DataType.FLOAT32, z, text, new Shape(2, 3));
      try (NDManager data = model.newSubManager()) {
        NDList in = new NDList(data.randomNormal(0f, 1f, z, DataType.FLOAT32),
            data.randomNormal(0f, 1f, text, DataType.FLOAT32),
            data.create(new float[] {1, 1, 0, 1, 1, 1}, new Shape(2, 3)));
        assertNoGrowth(block, model, in, STEPS / 4, "KG LH");
      }
    }
  }
}

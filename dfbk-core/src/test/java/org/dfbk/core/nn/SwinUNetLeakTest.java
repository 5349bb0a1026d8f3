package org.dfbk.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.dfbk.core.math.DeviceConstants;
import org.dfbk.core.spec.UNetSpec;
import org.junit.jupiter.api.Test;

/**
 * Training steps of the whole tiny network, each in its own sub-manager, leave the model
 * manager's array count unchanged (no op of the network attaches its result to the parameters'
 * manager), and the constants of its layers (masks, indices, filters) are made once and leave
 * nothing else behind in their own managers.
 */
class SwinUNetLeakTest {

  @Test
  void trainingStepsLeaveTheModelManagerFlat() {
    UNetSpec spec = UNetSpec.tiny();
    SwinUNet net = SwinUNet.of(spec);
    try (NDManager model = NDManager.newBaseManager()) {
      net.initialize(model);
      step(net, model, spec);
      int before = model.getManagedArrays().size();
      int constants = DeviceConstants.size();
      int held = DeviceConstants.heldArrays();
      for (int i = 0; i < 10; i++) {
        step(net, model, spec);
      }
      assertEquals(before, model.getManagedArrays().size(),
          "arrays in the model manager after 1 training step vs after 11");
      assertEquals(constants, DeviceConstants.size(),
          "device constants after 1 training step vs after 11 (made once, then reused)");
      assertEquals(held, DeviceConstants.heldArrays(),
          "arrays in the device constants' managers after 1 training step vs after 11");
      assertEquals(DeviceConstants.size(), DeviceConstants.heldArrays(),
          "only the constants themselves live in the constants' managers");
    }
  }

  private static void step(SwinUNet net, NDManager model, UNetSpec spec) {
    try (NDManager step = model.newSubManager()) {
      NDList in = new NDList(step.randomNormal(new Shape(2, 2, 16, 16)),
          step.create(new long[] {0, 3}), step.randomNormal(new Shape(2, 4, spec.textDim())),
          step.ones(new Shape(2, 4)));
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray y = net.forward(new ParameterStore(step, false), in, true).singletonOrThrow();
        gc.backward(y.square().mean());
      }
    }
  }
}

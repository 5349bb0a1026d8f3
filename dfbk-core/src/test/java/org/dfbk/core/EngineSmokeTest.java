package org.dfbk.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class EngineSmokeTest {
  @Test
  void pytorchCpuEngineStartsOfflineAndComputes() {
    assertEquals("PyTorch", Engine.getInstance().getEngineName());
    assertEquals("2.3.1", Engine.getInstance().getVersion());
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = m.create(new float[] {1, 2, 3});
      assertEquals(14f, a.mul(a).sum().getFloat(), 0f);
    }
  }
}

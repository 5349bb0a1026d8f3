package org.dfbk.core.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Constants are made once per key, device and type, converted to the type asked for. */
class DeviceConstantsTest {
  @Test
  void madeOncePerKeyDeviceAndTypeAndConverted() {
    AtomicInteger made = new AtomicInteger();
    String key = "test-constant:" + System.nanoTime();
    NDArray a = DeviceConstants.get(key, Device.cpu(), DataType.FLOAT32, home -> {
      made.incrementAndGet();
      return home.create(new double[] {0.5, -1.25, 3}, new Shape(3));
    });
    NDArray again = DeviceConstants.get(key, Device.cpu(), DataType.FLOAT32, home -> {
      made.incrementAndGet();
      return home.zeros(new Shape(3));
    });
    assertSame(a, again, "the same key, device and type give the same array");
    assertEquals(1, made.get(), "the maker ran once");
    assertEquals(DataType.FLOAT32, a.getDataType());
    assertArrayEquals(new float[] {0.5f, -1.25f, 3f}, a.toFloatArray(), 0f);

    NDArray half = DeviceConstants.get(key, Device.cpu(), DataType.FLOAT16,
        home -> home.create(new double[] {0.5, -1.25, 3}, new Shape(3)));
    assertNotSame(a, half);
    assertEquals(DataType.FLOAT16, half.getDataType());
    try (NDManager local = NDManager.newBaseManager(Device.cpu())) {
      // an operation on a constant lands in the constants' manager: attach it (the class contract)
      NDArray widened = half.toType(DataType.FLOAT32, true);
      assertEquals(DeviceConstants.size() + 1, DeviceConstants.heldArrays(),
          "the result sits beside the constants until attached");
      widened.attach(local);
      assertArrayEquals(new float[] {0.5f, -1.25f, 3f}, widened.toFloatArray(), 0f,
          "exact in float16");
    }
    assertEquals(DeviceConstants.size(), DeviceConstants.heldArrays(),
        "nothing but the constants in their managers");
  }
}

package org.dfbk.core.math;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Constant arrays computed in Java (the shifted-window mask, the relative position index, the Haar
 * filters, the timestep frequencies) made once per device and data type and kept for the life of
 * the JVM, as a PyTorch module keeps its buffers.
 *
 * <p>Making such an array on every forward pass costs a host-to-device copy on CUDA, and PyTorch
 * waits for the stream to drain before it copies from pageable memory: every such copy stops the
 * host from queueing work ahead of the GPU. The cache makes that copy once.
 *
 * <p>Arrays are keyed by content (a key string that names everything the maker depends on), device
 * and type, so models built with the same settings share them and the cache stays as small as the
 * set of distinct settings. They live in one base manager per device that is never closed: callers
 * must not close a constant, and an operation whose <em>first</em> operand is a constant puts its
 * result in that manager, where it would stay for the life of the JVM; such results must be
 * {@link NDArray#attach attached} to the caller's manager at once (or the constant passed second).
 */
public final class DeviceConstants {
  private static final Map<Device, NDManager> HOMES = new ConcurrentHashMap<>();
  private static final Map<String, NDArray> ARRAYS = new ConcurrentHashMap<>();

  private DeviceConstants() {}

  /**
   * The constant named {@code key} on {@code device} in {@code type}.
   *
   * @param key names the constant and every value it depends on (e.g. {@code "swin-mask:48:8:4"})
   * @param device where the array lives
   * @param type its data type; the made array is converted when its type differs
   * @param maker makes the array in the given manager (on the CPU or the device, any type); it is
   *     called at most once per key, device and type
   */
  public static NDArray get(String key, Device device, DataType type,
      Function<NDManager, NDArray> maker) {
    return ARRAYS.computeIfAbsent(key + "@" + device + "#" + type, k -> {
      NDManager home = HOMES.computeIfAbsent(device,
          d -> NDManager.newBaseManager(d, "PyTorch"));
      // an engine-owned copy: made arrays may wrap a Java buffer (see Ops.engineOwned)
      NDArray made = Ops.engineOwned(maker.apply(home));
      NDArray typed = made.toType(type, false);
      if (typed != made) {
        made.close();
      }
      NDArray placed = typed.toDevice(device, false);
      if (placed != typed) {
        typed.close();
      }
      placed.attach(home);
      return placed;
    });
  }

  /** Number of constants held, all devices and types. */
  public static int size() {
    return ARRAYS.size();
  }

  /**
   * Number of arrays in the constants' managers, all devices: equal to {@link #size()} unless an
   * operation left a result there (a leak that lasts for the life of the JVM).
   */
  public static int heldArrays() {
    return HOMES.values().stream().mapToInt(h -> h.getManagedArrays().size()).sum();
  }
}

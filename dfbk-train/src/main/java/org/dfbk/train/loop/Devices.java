package org.dfbk.train.loop;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** Moving arrays between devices with the copy owned by a scratch manager. */
final class Devices {
  private Devices() {}

  /** {@code a} itself when it is on {@code device}, else a copy there owned by {@code scratch}. */
  static NDArray onDevice(NDArray a, Device device, NDManager scratch) {
    if (a.getDevice().equals(device)) {
      return a;
    }
    NDArray moved = a.toDevice(device, false);
    moved.attach(scratch);
    return moved;
  }
}

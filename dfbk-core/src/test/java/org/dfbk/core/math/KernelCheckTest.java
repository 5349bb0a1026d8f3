package org.dfbk.core.math;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.Test;

class KernelCheckTest {

  /** Forward: 217 terms of magnitude sum ≤ 217, γ(217)·217 with u = 2⁻²⁴ = 2.8068e-3 by hand. */
  @Test
  void boundsAreTheFloat32SummationBounds() {
    double u = Math.pow(2, -24);
    Tolerance.assertClose(217 * u / (1 - 217 * u) * 217, KernelCheck.FORWARD.bound(), 1e-15,
        "forward bound");
    Tolerance.assertClose(2.8068e-3, KernelCheck.FORWARD.bound(), 1e-7, "forward, rounded");
    Tolerance.assertClose(9 * u / (1 - 9 * u) * 9, KernelCheck.INPUT_GRADIENT.bound(), 1e-18,
        "gradient bound");
  }

  /** The Java references on a hand-checked case: a 1×1 input, so only the kernel centre counts. */
  @Test
  void referencesOnAHandCase() {
    float[] x = {2f};
    float[] w = {0, 0, 0, 0, 0.5f, 0, 0, 0, 0};
    Tolerance.assertClose(new double[] {1.25}, KernelCheck.forward(x, w, new float[] {0.25f}, 1,
        1, 1, 1), 0, 0, "1x1 forward: 0.25 + 2 * 0.5");
    Tolerance.assertClose(new double[] {1.5}, KernelCheck.inputGradient(new float[] {3f}, w, 1, 1,
        1, 1), 0, 0, "1x1 gradient: 3 * 0.5");
  }

  /**
   * The test JVMs run with the launcher's oneDNN setting (DNNL_MAX_CPU_ISA from the build), where
   * both kernels are right to rounding. scripts/ci/portability.sh runs this under other settings,
   * where it fails on machines with a faulty kernel.
   */
  @Test
  void cpuKernelsAreRightToRounding() {
    try (NDManager m = NDManager.newBaseManager()) {
      for (KernelCheck.Probe p : KernelCheck.PROBES) {
        double error = KernelCheck.error(m, p);
        assertTrue(error <= p.bound(), p.describe() + ": max |float32 - exact| " + error
            + " > bound " + p.bound() + " (DNNL_MAX_CPU_ISA=" + System.getenv("DNNL_MAX_CPU_ISA")
            + ")");
      }
    }
    assertDoesNotThrow(KernelCheck::requireCorrectCpuConvolution);
  }
}

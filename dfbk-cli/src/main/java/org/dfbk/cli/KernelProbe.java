package org.dfbk.cli;

import ai.djl.engine.Engine;
import org.dfbk.core.math.KernelCheck;

/**
 * Whether this JVM's CPU convolution kernels are right ({@link KernelCheck}), as an exit code for
 * the {@code dfbk} launcher, which runs it under each oneDNN instruction-set limit
 * ({@code DNNL_MAX_CPU_ISA}) from the widest down and keeps the first that passes: 0 right, 10
 * wrong (the fault on standard error), 1 the engine did not start.
 */
public final class KernelProbe {
  static final int WRONG = 10;

  private KernelProbe() {}

  public static void main(String[] args) {
    System.setProperty("ai.djl.offline", "true");
    System.setProperty("ai.djl.default_engine", "PyTorch");
    System.setProperty(EngineStart.THREADS_PROPERTY, "1");
    try {
      Engine.getEngine("PyTorch");
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      System.err.println("dfbk kernel probe: the engine did not start: " + e);
      System.exit(1);
    }
    String fault = KernelCheck.firstFault();
    if (fault != null) {
      System.err.println("dfbk kernel probe: DNNL_MAX_CPU_ISA=" + System.getenv("DNNL_MAX_CPU_ISA")
          + ": " + fault);
    }
    System.exit(fault == null ? 0 : WRONG);
  }
}

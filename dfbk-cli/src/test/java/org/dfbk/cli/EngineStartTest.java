package org.dfbk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/**
 * The native flavour: the bundled jar's, unless {@code PYTORCH_LIBRARY_PATH} names an external
 * libtorch (then {@code PYTORCH_FLAVOR}, or "external"); cuDNN autotuning on by default. Uses the
 * system properties, which DJL reads like the environment variables; changed values are restored.
 */
class EngineStartTest {
  private static void withProperties(String path, String flavor, Runnable r) {
    String oldPath = System.getProperty("PYTORCH_LIBRARY_PATH");
    String oldFlavor = System.getProperty("PYTORCH_FLAVOR");
    try {
      set("PYTORCH_LIBRARY_PATH", path);
      set("PYTORCH_FLAVOR", flavor);
      r.run();
    } finally {
      set("PYTORCH_LIBRARY_PATH", oldPath);
      set("PYTORCH_FLAVOR", oldFlavor);
    }
  }

  private static void set(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }

  @Test
  void bundledFlavourUnlessAnExternalLibtorchIsNamed() {
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("PYTORCH_LIBRARY_PATH") == null,
        "PYTORCH_LIBRARY_PATH is set in the environment");
    withProperties(null, "cu130", () -> {
      assertNull(EngineStart.externalLibTorch());
      assertEquals(EngineStart.nativeProperties().getProperty("flavor"), EngineStart.nativeFlavor(),
          "the bundled jar's flavour");
    });
    withProperties("/opt/torch/lib", "cu130", () -> {
      assertEquals("/opt/torch/lib", EngineStart.externalLibTorch());
      assertEquals("cu130", EngineStart.nativeFlavor());
    });
    withProperties("/opt/torch/lib", null,
        () -> assertEquals("external", EngineStart.nativeFlavor()));
    withProperties("  ", null, () -> assertNull(EngineStart.externalLibTorch()));
  }

  @Test
  void cudnnAutotuningIsOnUnlessTheUserSaysOtherwise() {
    String old = System.getProperty(EngineStart.CUDNN_BENCHMARK_PROPERTY);
    try {
      System.clearProperty(EngineStart.CUDNN_BENCHMARK_PROPERTY);
      EngineStart.start(false);
      assertEquals("true", System.getProperty(EngineStart.CUDNN_BENCHMARK_PROPERTY));
      System.setProperty(EngineStart.CUDNN_BENCHMARK_PROPERTY, "false");
      EngineStart.start(false);
      assertEquals("false", System.getProperty(EngineStart.CUDNN_BENCHMARK_PROPERTY),
          "a value the user gave is kept");
    } finally {
      set(EngineStart.CUDNN_BENCHMARK_PROPERTY, old);
    }
  }
}

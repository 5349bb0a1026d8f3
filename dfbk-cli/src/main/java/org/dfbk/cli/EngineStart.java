package org.dfbk.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.Utils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.dfbk.core.error.ConfigException;
import org.dfbk.core.math.KernelCheck;

/**
 * Starts the DJL PyTorch engine offline, once, and turns native-library problems into one
 * clear message instead of a DJL stack trace. The first start also checks that the CPU's float32
 * convolution is right ({@link KernelCheck}), so a faulty native kernel stops the run with the fix
 * instead of training or translating with wrong numbers.
 */
public final class EngineStart {
  private static volatile Engine engine;

  private EngineStart() {}

  /** What the native jar on the classpath says about itself ("cpu", "cu121"), or null. */
  public static Properties nativeProperties() {
    try (InputStream in =
        EngineStart.class.getClassLoader().getResourceAsStream("native/lib/pytorch.properties")) {
      if (in == null) {
        return null;
      }
      Properties p = new Properties();
      p.load(in);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The libtorch folder named by {@code PYTORCH_LIBRARY_PATH} (environment or system property),
   * which DJL loads instead of the bundled natives, or null.
   */
  public static String externalLibTorch() {
    String path = Utils.getEnvOrSystemProperty("PYTORCH_LIBRARY_PATH");
    return path == null || path.isBlank() ? null : path;
  }

  /**
   * The native flavour in use: the bundled one ("cpu", "cu121"), "none", or for an external
   * libtorch ({@code PYTORCH_LIBRARY_PATH}) its {@code PYTORCH_FLAVOR} ("cu130", "cpu"), else
   * "external".
   */
  public static String nativeFlavor() {
    if (externalLibTorch() != null) {
      String f = Utils.getEnvOrSystemProperty("PYTORCH_FLAVOR");
      return f == null || f.isBlank() ? "external" : f;
    }
    Properties p = nativeProperties();
    return p == null ? "none" : p.getProperty("flavor", "unknown");
  }

  /**
   * Turns autograd off on the calling thread. PyTorch's grad mode is per thread and DJL turns it
   * off only on the thread that starts the engine; a thread that did not (a Spark task thread, a
   * pool thread) would record graphs, and initialising or translating with a network there fails
   * ("a leaf Variable that requires grad is being used in an in-place operation"). Call it on
   * such a thread after {@link #start} and before any network call; it costs one JNI call.
   */
  public static void inferenceOnThisThread() {
    ai.djl.pytorch.jni.JniUtils.setGradMode(false);
  }

  /**
   * Starts the engine (never downloads). {@code wantGpu} makes a CPU-only build fail clearly.
   */
  public static synchronized Engine start(boolean wantGpu) {
    System.setProperty("ai.djl.offline", "true");
    System.setProperty("ai.djl.default_engine", "PyTorch");
    if (System.getProperty(THREADS_PROPERTY) == null) {
      System.setProperty(THREADS_PROPERTY, Integer.toString(defaultThreads()));
    }
    if (System.getProperty(CUDNN_BENCHMARK_PROPERTY) == null) {
      System.setProperty(CUDNN_BENCHMARK_PROPERTY, "true");
    }
    String flavor = nativeFlavor();
    if ("none".equals(flavor)) {
      throw new ConfigException("no PyTorch native library on the classpath. Rebuild with "
          + "'mvn -B package -DskipTests' (CPU) or 'mvn -B -Pcuda package -DskipTests' (GPU)");
    }
    if (wantGpu && "cpu".equals(flavor)) {
      throw new ConfigException("GPU devices requested but this build is for CPU: "
          + "built for CPU; rebuild with -Pcuda for GPUs (mvn -B -Pcuda package -DskipTests), "
          + "or run with --devices cpu");
    }
    if (engine == null) {
      try {
        engine = Engine.getEngine("PyTorch");
      } catch (RuntimeException | UnsatisfiedLinkError e) {
        String hint = externalLibTorch() != null
            ? "PYTORCH_LIBRARY_PATH=" + externalLibTorch() + " could not be loaded; that folder "
                + "must hold libtorch and a libdjl_torch.so built for that PyTorch version (DJL "
                + "0.29's JNI), or unset PYTORCH_LIBRARY_PATH to use the bundled natives"
            : flavor.startsWith("cu")
            ? "built for CUDA (" + flavor
                + ") but the CUDA libraries or driver could not be loaded;"
                + " rebuild without -Pcuda for CPU, or install an NVIDIA driver for CUDA 12.1"
            : "the PyTorch " + flavor + " native library failed to load; rebuild with "
                + "'mvn -B package -DskipTests' and check the DJL cache at " + cacheDir();
        throw new ConfigException(
            "PyTorch engine failed to start: " + hint + " (" + rootMessage(e) + ")", e);
      }
      if (flavor.startsWith("cu") && externalLibTorch() == null && engine.getGpuCount() == 0) {
        throw new ConfigException("built for CUDA (" + flavor + ") but no GPU is visible; "
            + "rebuild without -Pcuda for CPU (mvn -B package -DskipTests)");
      }
      KernelCheck.requireCorrectCpuConvolution();
    }
    if (wantGpu && engine.getGpuCount() == 0) {
      throw new ConfigException(
          "GPU devices requested but the engine sees none; run with --devices cpu");
    }
    return engine;
  }

  /**
   * DJL's system property for cuDNN autotuning ({@code torch.backends.cudnn.benchmark}), read when
   * the engine starts; dfbk sets it to true unless it is given. The model's shapes are fixed by
   * its configuration, so each convolution is tuned once; on an H200 it took the float16 training
   * step of the 192-px network from 234 to 159 ms and left float32 unchanged (BENCHMARKS.md). Turn
   * it off with {@code DFBK_JAVA_OPTS=-Dai.djl.pytorch.cudnn_benchmark=false}.
   */
  public static final String CUDNN_BENCHMARK_PROPERTY = "ai.djl.pytorch.cudnn_benchmark";

  /** DJL's system property for PyTorch's intra-op thread count. */
  public static final String THREADS_PROPERTY = "ai.djl.pytorch.num_threads";

  /**
   * Intra-op threads when the user sets none: one core is left to the JVM (loader, logging, GC).
   * PyTorch's OpenMP threads spin while they wait for each other, so a team as large as the core
   * count stalls badly whenever anything else runs: on 2 cores a training step measured 0.4 s with
   * one thread and from 0.26 s to over 20 s with two, depending on other load.
   */
  public static int defaultThreads() {
    return Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
  }

  /** DJL's cache folder (where the native library is unpacked on first start). */
  public static Path cacheDir() {
    return Utils.getEngineCacheDir();
  }

  /** All devices the engine sees, CPU first. */
  public static List<Device> devices(Engine e) {
    List<Device> out = new ArrayList<>();
    out.add(Device.cpu());
    for (int i = 0; i < e.getGpuCount(); i++) {
      out.add(Device.gpu(i));
    }
    return out;
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.getClass().getSimpleName() + ": " + c.getMessage();
  }
}

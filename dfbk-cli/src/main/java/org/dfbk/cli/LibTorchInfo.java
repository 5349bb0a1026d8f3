package org.dfbk.cli;

import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.jni.LibUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the running libtorch works with: its thread counts, build features and the CPU
 * instruction set of its kernels. Call after {@link EngineStart#start}.
 */
public final class LibTorchInfo {
  /** Environment variables that change which CPU kernels ATen, MKL and oneDNN choose. */
  public static final List<String> ISA_VARIABLES =
      List.of("ATEN_CPU_CAPABILITY", "MKL_ENABLE_INSTRUCTIONS", "DNNL_MAX_CPU_ISA");

  private static final Path CPUINFO = Path.of("/proc/cpuinfo");

  private LibTorchInfo() {}

  /** libtorch's intra-op thread count ({@code at::get_num_threads}). */
  public static int intraOpThreads() {
    return JniUtils.getNumThreads();
  }

  /** libtorch's inter-op thread count ({@code at::get_num_interop_threads}). */
  public static int interOpThreads() {
    return JniUtils.getNumInteropThreads();
  }

  /** The loaded libtorch's build features as DJL reports them ("MKL", "OPENMP", "CUDA"), sorted. */
  public static List<String> features() {
    return List.copyOf(new TreeSet<>(JniUtils.getFeatures()));
  }

  /** The folder of the loaded libtorch. */
  public static String libraryPath() {
    return LibUtils.getLibtorchPath();
  }

  /** The variables of {@link #ISA_VARIABLES} that are set, with their values. */
  public static Map<String, String> isaOverrides() {
    Map<String, String> set = new LinkedHashMap<>();
    for (String v : ISA_VARIABLES) {
      String value = System.getenv(v);
      if (value != null && !value.isEmpty()) {
        set.put(v, value);
      }
    }
    return set;
  }

  /**
   * The instruction set of ATen's CPU kernels, chosen as libtorch 2.3 chooses it when it starts
   * ({@code compute_cpu_capability} in ATen's DispatchStub.cpp): {@code ATEN_CPU_CAPABILITY} when
   * it holds "default", "avx2" or "avx512"; else "avx512" on a CPU with AVX-512 VL, BW and DQ and
   * FMA, "avx2" with AVX2 and FMA, otherwise "default". libtorch does not report its choice
   * through DJL, so this reads the CPU's flags from /proc/cpuinfo; "unknown" without it.
   */
  public static String cpuCapability() {
    String forced = System.getenv("ATEN_CPU_CAPABILITY");
    if (forced != null && Set.of("default", "avx2", "avx512").contains(forced)) {
      return forced;
    }
    Set<String> flags = cpuFlags();
    if (flags == null) {
      return "unknown";
    }
    return cpuCapability(flags);
  }

  /** {@link #cpuCapability()} for a CPU with the given /proc/cpuinfo flags. */
  static String cpuCapability(Set<String> flags) {
    if (flags.containsAll(Set.of("avx512vl", "avx512bw", "avx512dq", "fma"))) {
      return "avx512";
    }
    if (flags.containsAll(Set.of("avx2", "fma"))) {
      return "avx2";
    }
    return "default";
  }

  /** The CPU's model name from /proc/cpuinfo, or "unknown". */
  public static String cpuModel() {
    String model = cpuinfoField("model name");
    return model == null ? "unknown" : model;
  }

  /** The first processor's flags from /proc/cpuinfo, or null where it cannot be read. */
  private static Set<String> cpuFlags() {
    String flags = cpuinfoField("flags");
    return flags == null ? null : new HashSet<>(Arrays.asList(flags.split("\\s+")));
  }

  private static String cpuinfoField(String name) {
    try {
      for (String line : Files.readAllLines(CPUINFO)) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).strip().equals(name)) {
          return line.substring(colon + 1).strip();
        }
      }
    } catch (IOException | SecurityException e) {
      return null;
    }
    return null;
  }
}

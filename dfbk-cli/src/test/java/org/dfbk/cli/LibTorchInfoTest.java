package org.dfbk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The kernel instruction set libtorch 2.3 picks from a CPU's /proc/cpuinfo flags. */
class LibTorchInfoTest {
  @Test
  void cpuCapabilityFollowsAtensRule() {
    assertEquals("avx512", LibTorchInfo.cpuCapability(
        Set.of("sse4_2", "avx2", "fma", "avx512f", "avx512vl", "avx512bw", "avx512dq")));
    assertEquals("avx2", LibTorchInfo.cpuCapability(
        Set.of("avx2", "fma", "avx512f", "avx512vl", "avx512bw")), "AVX-512 without DQ");
    assertEquals("avx2", LibTorchInfo.cpuCapability(Set.of("avx", "avx2", "fma")));
    assertEquals("default", LibTorchInfo.cpuCapability(Set.of("avx", "avx2")), "AVX2 without FMA");
    assertEquals("default", LibTorchInfo.cpuCapability(Set.of("sse4_2")));
  }
}

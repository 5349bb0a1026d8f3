package org.dfbk.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SwinLayerTest {

  @Test
  void effectiveWindowFollowsTheDocumentedRule() {
    assertEquals(8, SwinLayer.effectiveWindow(96, 8));
    assertEquals(12, SwinLayer.effectiveWindow(12, 8)); // one window covers the 12x12 map
    assertEquals(6, SwinLayer.effectiveWindow(6, 8));
    assertEquals(14, SwinLayer.effectiveWindow(14, 14));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SwinLayer.effectiveWindow(20, 8));
    assertTrue(e.getMessage().contains("20") && e.getMessage().contains("[2, 4, 5, 10]"),
        e.getMessage());
  }

  @Test
  void shiftedLayoutHasAllNineRegionLabels() {
    int size = 16;
    int w = 4;
    int s = 2;
    int[] labels = SwinBlock.shiftRegionLabels(size, w, s);
    Set<Integer> distinct = new TreeSet<>();
    for (int l : labels) {
      distinct.add(l);
    }
    assertEquals(Set.of(0, 1, 2, 3, 4, 5, 6, 7, 8), distinct);
    // corner pixels: top-left region 0, bottom-right region 8, row S-w band 1, row S-s band 2
    assertEquals(0, labels[0]);
    assertEquals(8, labels[size * size - 1]);
    assertEquals(3, labels[(size - w) * size]);
    assertEquals(6, labels[(size - s) * size]);
    assertEquals(1, labels[size - w]);
    assertEquals(2, labels[size - s]);
  }

  @Test
  void shiftMaskSeparatesExactlyTheTokensOfDifferentRegions() {
    int size = 8;
    int w = 4;
    int s = 2;
    float[] m = SwinBlock.shiftMask(size, w, s);
    int t = w * w;
    assertEquals(4 * t * t, m.length);
    // window 0 (top-left) lies in region 0 only: no masking
    for (int i = 0; i < t * t; i++) {
      assertEquals(0f, m[i], "window 0 entry " + i);
    }
    // window 3 (bottom-right) holds regions 4, 5, 7, 8: 4 blocks of 2x2 tokens; token 0 (region 4)
    // vs token 3 (col 3 -> region 5) is masked, token 0 vs token 1 is not.
    int base = 3 * t * t;
    assertEquals(0f, m[base + 1]);
    assertEquals(-100f, m[base + 3]);
    assertEquals(-100f, m[base + 15]);
    int masked = 0;
    for (int i = 0; i < t * t; i++) {
      if (m[base + i] != 0f) {
        masked++;
      }
    }
    // each of the 16 tokens shares its region with 4 tokens: 16·(16-4) masked pairs
    assertEquals(16 * 12, masked);
  }

  @Test
  void relativePositionIndexCoversTheTableSymmetrically() {
    int w = 3;
    long[] idx = WindowAttention.relativePositionIndex(w);
    int t = w * w;
    int side = 2 * w - 1;
    Set<Long> used = new TreeSet<>();
    for (int p = 0; p < t; p++) {
      assertEquals((w - 1) * side + (w - 1), idx[p * t + p], "diagonal is offset (0, 0)");
      for (int q = 0; q < t; q++) {
        used.add(idx[p * t + q]);
        // offset (Δi, Δj) and (−Δi, −Δj) mirror around the centre of the table
        assertEquals(side * side - 1 - idx[p * t + q], idx[q * t + p]);
      }
    }
    assertEquals(side * side, used.size());
  }

  @Test
  void layerAlternatesWindowAndShiftedWindow() {
    SwinLayer l = SwinLayer.builder().setChannels(16).setEmbedDim(16).setHeadChannels(8)
        .setMapSize(16).setWindow(4).setDepth(3).optGroups(8).build();
    assertEquals(0, l.getBlocks().get(0).getShift());
    assertEquals(2, l.getBlocks().get(1).getShift());
    assertEquals(0, l.getBlocks().get(2).getShift());
    SwinLayer whole = SwinLayer.builder().setChannels(16).setEmbedDim(16).setHeadChannels(8)
        .setMapSize(6).setWindow(8).setDepth(2).optGroups(8).build();
    assertEquals(6, whole.getBlocks().get(1).getWindow());
    assertEquals(0, whole.getBlocks().get(1).getShift(), "no shift when one window covers all");
  }
}

package org.dfbk.cli.command;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.dfbk.data.volume.Volume;
import org.junit.jupiter.api.Test;

class TranslateCommandTest {
  @Test
  void nonFiniteVoxelsBecomeBackgroundAndOthersAreKept() {
    float[] d = {1f, Float.NaN, 3f, Float.POSITIVE_INFINITY, 5f, Float.NEGATIVE_INFINITY, 7f, 8f};
    Volume v = new Volume(2, 2, 2, d, new double[] {1, 1, 1},
        new double[][] {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}});
    assertEquals(3, TranslateCommand.countNonFinite(v));
    Volume w = TranslateCommand.withBackground(v, -1024f);
    assertArrayEquals(new float[] {1f, -1024f, 3f, -1024f, 5f, -1024f, 7f, 8f}, w.data(), 0f);
    assertEquals(Float.NaN, v.data()[1], 0f, "the input volume is not modified");
    assertEquals(0, TranslateCommand.countNonFinite(w));
  }
}

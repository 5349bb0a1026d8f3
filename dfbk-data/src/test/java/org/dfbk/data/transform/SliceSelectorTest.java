package org.dfbk.data.transform;

import static org.dfbk.data.transform.NormalizationTest.volume;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dfbk.core.error.DataException;
import org.dfbk.data.volume.Volume;
import org.junit.jupiter.api.Test;

class SliceSelectorTest {
  /** 10 x 10 x 40 volume whose axial slices first..last hold a 5 x 5 square of value 100. */
  private static Volume blocks(int first, int last) {
    float[] d = new float[10 * 10 * 40];
    for (int z = first; z <= last; z++) {
      for (int y = 2; y < 7; y++) {
        for (int x = 2; x < 7; x++) {
          d[x + 10 * (y + 10 * z)] = 100;
        }
      }
    }
    return volume(10, 10, 40, d);
  }

  private static final Normalization MR = new Normalization(ModalityKind.MR, 0, 100);

  @Test
  void evenlySpacedOverTheNonEmptyRange() {
    Volume v = blocks(10, 29);
    // i * 19 / 4 = 0, 4.75, 9.5, 14.25, 19 -> rounded 0, 5, 10, 14, 19
    assertArrayEquals(new int[] {10, 15, 20, 24, 29},
        SliceSelector.select("s", v, MR, v, MR, SliceOptions.axial(5, 16)));
    assertArrayEquals(new int[] {20},
        SliceSelector.select("s", v, MR, v, MR, SliceOptions.axial(1, 16)));
  }

  @Test
  void rangeNeedsForegroundInBothSourceAndTarget() {
    Volume source = blocks(5, 30);
    Volume target = blocks(12, 35);
    assertArrayEquals(new int[] {12, 30},
        SliceSelector.select("s", source, MR, target, MR, SliceOptions.axial(2, 16)));
  }

  @Test
  void sliceBelowTheForegroundFractionIsEmpty() {
    // 25 of 100 pixels are foreground: empty when 30 % is required
    Volume v = blocks(0, 39);
    SliceOptions strict = new SliceOptions(2, 2, 16, SquareMode.CROP, 0.3);
    DataException e = assertThrows(DataException.class,
        () -> SliceSelector.select("s7", v, MR, v, MR, strict));
    assertTrue(e.getMessage().contains("s7"), e.getMessage());
  }

  @Test
  void tooShortRangeSaysHowManySlicesThereAre() {
    Volume v = blocks(10, 13);
    DataException e = assertThrows(DataException.class,
        () -> SliceSelector.select("s3", v, MR, v, MR, SliceOptions.axial(8, 16)));
    assertTrue(e.getMessage().contains("s3") && e.getMessage().contains("10..13")
        && e.getMessage().contains("at most 4"), e.getMessage());
  }
}

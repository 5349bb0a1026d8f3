package org.dfbk.data.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HalfTest {
  private static void assertBits(int expected, float f) {
    short h = Half.fromFloat(f);
    assertEquals(expected, h & 0xFFFF, String.format(Locale.ROOT,
        "half bits of %s: expected 0x%04X found 0x%04X", f, expected, h & 0xFFFF));
  }

  @Test
  void knownBitPatternsFromTheIeeeTable() {
    assertBits(0x3C00, 1f);
    assertBits(0xC000, -2f);
    assertBits(0x7BFF, 65504f); // largest finite half
    assertBits(0x7C00, 65520f); // rounds up to infinity
    assertBits(0x0001, 0x1.0p-24f); // smallest subnormal
    assertBits(0x0400, 0x1.0p-14f); // smallest normal
    assertBits(0x3555, 1f / 3); // 0.333251953125
    assertBits(0x0000, 0x1.0p-26f); // underflows to zero
    assertBits(0x8000, -0f);
    assertBits(0x3C00, 1f + 0x1.0p-11f); // tie between 1 and 1 + 2^-10: round to even (1)
    assertBits(0x3C02, 1f + 3 * 0x1.0p-11f); // tie between 0x3C01 and 0x3C02: even
    assertTrue(Float.isNaN(Half.toFloat(Half.fromFloat(Float.NaN))));
  }

  @Test
  void roundTripErrorOnMinusOneToOneIsAtMostHalfAnUlp() {
    SplittableRandom r = new SplittableRandom(5);
    for (int i = 0; i < 100_000; i++) {
      float f = (float) (2 * r.nextDouble() - 1);
      float back = Half.toFloat(Half.fromFloat(f));
      double ulp = Math.max(Math.ulp(back) * 8192, 0x1.0p-24);
      assertTrue(Math.abs(back - f) <= 0.5 * ulp + 1e-12 && Math.abs(back - f) <= 2.45e-4,
          "value " + f + " came back as " + back);
    }
    for (int h = 0; h < 0x7C00; h++) {
      assertEquals(h, Half.fromFloat(Half.toFloat((short) h)) & 0xFFFF, "half 0x" + h);
    }
  }
}

package org.dfbk.train.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tick choice on hand-worked cases. Tick values are compared exactly: each is one correctly
 * rounded product or quotient of an integer and a power of ten, so it is the same double as the
 * decimal literal it stands for (see {@link AxisTicks}).
 */
class AxisTicksTest {

  @Test
  void linearPicksTheSmallestOneTwoFiveStepThatFits() {
    // [0, 1] in <= 6 ticks: raw step 0.2 -> 0.2 (0.1 is below it)
    assertTicks(new double[] {0, 0.2, 0.4, 0.6, 0.8, 1.0}, AxisTicks.linear(0, 1, 6));
    // [0, 97]: raw 19.4 -> 20; the axis ends at the first tick above 97
    assertTicks(new double[] {0, 20, 40, 60, 80, 100}, AxisTicks.linear(0, 97, 6));
    // [0.0123, 0.0567]: raw 0.00889 -> 0.01; 0.01 .. 0.06 is 6 ticks
    assertTicks(new double[] {0.01, 0.02, 0.03, 0.04, 0.05, 0.06},
        AxisTicks.linear(0.0123, 0.0567, 6));
    // [-1.3, 2.1] in <= 5: step 1 needs -2 .. 3 (6 ticks), so 2: -2 .. 4
    assertTicks(new double[] {-2, 0, 2, 4}, AxisTicks.linear(-1.3, 2.1, 5));
    // a value on a tick stays the axis end: 0.3 / 0.1 = 2.9999999999999996 in doubles
    assertTicks(new double[] {0.3, 0.4, 0.5, 0.6, 0.7}, AxisTicks.linear(0.3, 0.7, 5));
  }

  @Test
  void linearWidensASingleValue() {
    assertTicks(new double[] {0, 0.2, 0.4, 0.6, 0.8, 1.0}, AxisTicks.linear(0, 0, 6));
    // 20 +- 5 %: [19, 21], raw 0.4 -> 0.5
    assertTicks(new double[] {19, 19.5, 20, 20.5, 21}, AxisTicks.linear(20, 20, 5));
  }

  @Test
  void linearLabelsUseTheStepsDecimalsAndThousands() {
    assertEquals(List.of("0.0", "0.2", "0.4", "0.6", "0.8", "1.0"),
        AxisTicks.linear(0, 1, 6).labels());
    assertEquals(List.of("0.01", "0.02", "0.03", "0.04", "0.05", "0.06"),
        AxisTicks.linear(0.0123, 0.0567, 6).labels());
    assertEquals(List.of("0", "20", "40", "60", "80", "100"), AxisTicks.linear(0, 97, 6).labels());
    // [0, 290 000] steps in <= 7: raw 48 333 -> 50 000
    assertEquals(List.of("0", "50k", "100k", "150k", "200k", "250k", "300k"),
        AxisTicks.linear(0, 290_000, 7).labels());
    // the step is 2000 but the axis stays below 10 000: plain numbers
    assertEquals(List.of("0", "2000", "4000", "6000", "8000"),
        AxisTicks.linear(0, 7900, 6).labels());
    assertEquals(List.of("0", "2M", "4M", "6M", "8M", "10M", "12M"),
        AxisTicks.linear(0, 1.15e7, 7).labels());
  }

  @Test
  void logUsesTheRichestMantissaSetThatFits() {
    // [0.031, 0.048]: every integer mantissa fits
    assertTicks(new double[] {0.03, 0.04, 0.05}, AxisTicks.log(0.031, 0.048, 8));
    // [0.02, 0.5]: 1..9 gives 0.02 .. 0.5 = 13 ticks; {1, 2, 5} gives 5
    assertTicks(new double[] {0.02, 0.05, 0.1, 0.2, 0.5}, AxisTicks.log(0.02, 0.5, 8));
    // [0.003, 7]: {1, 2, 5} needs 0.002 .. 10 = 12 ticks; decades 0.001 .. 10 = 5
    assertTicks(new double[] {0.001, 0.01, 0.1, 1, 10}, AxisTicks.log(0.003, 7, 8));
    // [1e-6, 1e3] in <= 5: 10 decades, every second is 6 ticks, every third 4
    assertTicks(new double[] {1e-6, 1e-3, 1, 1e3}, AxisTicks.log(1e-6, 1e3, 5));
    // a single value on a tick gets the next one
    assertTicks(new double[] {0.2, 0.3}, AxisTicks.log(0.2, 0.2, 8));
  }

  @Test
  void logLabels() {
    assertEquals(List.of("0.02", "0.05", "0.1", "0.2", "0.5"),
        AxisTicks.log(0.02, 0.5, 8).labels());
    assertEquals(List.of("1e-6", "0.001", "1", "1000"), AxisTicks.log(1e-6, 1e3, 5).labels());
    assertEquals(List.of("1", "10", "100", "1000", "10000", "1e5"),
        AxisTicks.log(1, 1e5, 8).labels());
  }

  @Test
  void fractionMapsTheAxisToZeroOne() {
    AxisTicks lin = AxisTicks.linear(0, 97, 6);
    assertEquals(0.0, lin.fraction(0));
    assertEquals(1.0, lin.fraction(100));
    assertEquals(0.25, lin.fraction(25), 1e-15);
    AxisTicks log = AxisTicks.log(0.003, 7, 8); // 0.001 .. 10: four decades
    assertEquals(0.0, log.fraction(0.001), 1e-15);
    assertEquals(0.5, log.fraction(0.1), 1e-15);
    assertEquals(0.75, log.fraction(1), 1e-15);
  }

  @Test
  void badRangesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> AxisTicks.linear(2, 1, 5));
    assertThrows(IllegalArgumentException.class, () -> AxisTicks.linear(0, Double.NaN, 5));
    assertThrows(IllegalArgumentException.class, () -> AxisTicks.linear(0, 1, 2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AxisTicks.log(0, 1, 5));
    assertEquals("a log axis needs positive values, got min 0.0", e.getMessage());
  }

  private static void assertTicks(double[] expected, AxisTicks t) {
    assertArrayEquals(expected, t.values(), t.toString());
    assertEquals(expected[0], t.low(), t.toString());
    assertEquals(expected[expected.length - 1], t.high(), t.toString());
  }
}

package org.dfbk.data.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dfbk.data.phantom.PhantomGenerator;
import org.dfbk.data.phantom.PhantomSubject;
import org.dfbk.data.volume.Volume;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.Test;

/** Input profiles on hand-built slices and on skull-on and skull-stripped phantoms. */
class InputProfileTest {
  private static boolean[] mask(String... rows) {
    boolean[] m = new boolean[rows.length * rows[0].length()];
    for (int r = 0; r < rows.length; r++) {
      for (int c = 0; c < rows[r].length(); c++) {
        m[r * rows[0].length() + c] = rows[r].charAt(c) == '#';
      }
    }
    return m;
  }

  @Test
  void enclosedDarkFractionCountsHolesOnly() {
    // a 5x5 ring of 16 pixels around 9 dark ones: 9 / 25
    boolean[] ring = mask(".......", ".#####.", ".#...#.", ".#...#.", ".#...#.", ".#####.",
        ".......");
    Tolerance.assertClose(9.0 / 25, InputProfile.enclosedDarkFraction(ring, 7, 7), 1e-15,
        "closed ring");
    boolean[] open = mask(".......", ".##.##.", ".#...#.", ".#...#.", ".#...#.", ".#####.",
        ".......");
    Tolerance.assertClose(0, InputProfile.enclosedDarkFraction(open, 7, 7), 0,
        "a gap joins the inside to the outside");
    boolean[] filled = mask("....", ".##.", ".##.", "....");
    Tolerance.assertClose(0, InputProfile.enclosedDarkFraction(filled, 4, 4), 0, "no hole");
    Tolerance.assertClose(0, InputProfile.enclosedDarkFraction(new boolean[9], 3, 3), 0,
        "no foreground");
  }

  @Test
  void measuresForegroundQuantilesAndFieldOfView() {
    // 4 slices of 10 x 10 (x 2 mm in-plane): slices 1 and 2 hold 20 pixels of 1..20 (5 %: both
    // measured... and 20 %), slice 3 holds 4 pixels (4 %: left out), slice 0 none
    int nx = 10;
    int ny = 10;
    float[] d = new float[nx * ny * 4];
    for (int i = 0; i < 20; i++) {
      d[100 + i] = 1 + i;
      d[200 + i] = 1 + i;
    }
    for (int i = 0; i < 4; i++) {
      d[300 + i] = 10;
    }
    Volume v = new Volume(nx, ny, 4, d, new double[] {2, 2, 3},
        new double[][] {{2, 0, 0, 0}, {0, 2, 0, 0}, {0, 0, 3, 0}, {0, 0, 0, 1}});
    Normalization n = Normalization.fit(ModalityKind.MR, v, null);
    InputProfile p = InputProfile.measure(v, n, 2);
    assertEquals(2, p.slices(), "slices with >= 5 % foreground");
    Tolerance.assertClose(0.19, p.foregroundFraction(), 1e-15, "19 of 100 pixels (the 1s are"
        + " at the threshold, not above it)");
    Tolerance.assertClose(80.0 / 81, p.floorBackgroundShare(), 1e-15, "80 zeros of the 81"
        + " background pixels (the 1 is not foreground and not 0)");
    Tolerance.assertClose(20, p.fieldOfViewMm(), 1e-12, "10 pixels of 2 mm");
    // foreground above 5 % of the 99.5th percentile of all 44 positive voxels (the values 1..20
    // twice and four 10s: position 0.995 * 43 = 42.785 of the sorted values, both 20 -> 20):
    // threshold 1.0, so the 1s are not foreground: 19 values 2..20 per slice, as fractions of 20
    Tolerance.assertClose(20, n.high(), 1e-12, "percentile");
    // quantile 0.5 of 38 values (2..20 twice): position 18.5 -> between 11 and 11 -> 11 / 20
    Tolerance.assertClose(11.0 / 20, p.quantiles()[2], 1e-6, "median on the percentile scale");
    // quantile 0.05: position 1.85 -> 2 + 0.85 * (3 - 2) = 2.85 -> / 20
    Tolerance.assertClose(2.85 / 20, p.quantiles()[0], 1e-6, "5th percentile");
  }

  private static PhantomSubject phantom(int subject, boolean stripped) {
    return PhantomGenerator.builder().optSize(64, 64, 32).optSeed(3).optSkullStripped(stripped)
        .build().generate(subject);
  }

  @Test
  void skullOnAndSkullStrippedPhantomsAreTold() {
    for (String m : new String[] {"T1", "T2", "FLAIR"}) {
      Volume on = phantom(0, false).image(m);
      Volume off = phantom(0, true).image(m);
      InputProfile pOn = InputProfile.measure(on, Normalization.fit(ModalityKind.MR, on, null), 2);
      InputProfile pOff = InputProfile.measure(off, Normalization.fit(ModalityKind.MR, off, null),
          2);
      assertTrue(pOn.looksSkullOn(), m + " with skull: " + pOn);
      assertFalse(pOff.looksSkullOn(), m + " stripped: " + pOff);
      // dark CSF inside the brain (FLAIR) is below the threshold without being 0: not all of it
      assertTrue(pOff.floorBackgroundShare() > 0.9, m + ": a mask's background is 0: " + pOff);
      assertTrue(pOn.floorBackgroundShare() < 0.1, m + ": a scanner's background is noise: "
          + pOn);
      assertTrue(pOn.foregroundFraction() > 1.2 * pOff.foregroundFraction(), m + ": the head ("
          + pOn.foregroundFraction() + ") covers more than the brain (" + pOff.foregroundFraction()
          + ")");
    }
  }

  @Test
  void strippingKeepsTheBrainAndDefaultOutputsAreUnchanged() {
    PhantomSubject on = phantom(1, false);
    PhantomSubject off = phantom(1, true);
    PhantomSubject again = PhantomGenerator.builder().optSize(64, 64, 32).optSeed(3).build()
        .generate(1);
    float[] labels = on.labels().data();
    for (String m : new String[] {"T1", "CT"}) {
      float[] a = on.image(m).data();
      float[] b = off.image(m).data();
      // bitwise: the same draws, only the mask differs
      assertTrue(java.util.Arrays.equals(a, again.image(m).data()), m + ": default unchanged");
      for (int i = 0; i < a.length; i++) {
        int l = (int) labels[i];
        boolean outside = l <= 2; // background, scalp, skull
        float expected = outside ? (m.equals("CT") ? -1024f : 0f) : a[i];
        if (b[i] != expected) {
          throw new AssertionError(m + " voxel " + i + " label " + l + ": " + b[i] + " vs "
              + expected);
        }
      }
    }
  }

  @Test
  void obliquityIsTheLargestAxisTilt() {
    double c = Math.cos(Math.toRadians(20));
    double s = Math.sin(Math.toRadians(20));
    // 0.7 x 0.7 x 3 mm voxels, the in-plane axes rotated 20 degrees about z
    double[][] a = {{0.7 * c, -0.7 * s, 0, 0}, {0.7 * s, 0.7 * c, 0, 0}, {0, 0, 3, 0},
        {0, 0, 0, 1}};
    Tolerance.assertClose(20, InputProfile.obliqueDegrees(a), 1e-9, "20 degrees about z");
    double[][] flipped = {{0, -1, 0, 0}, {-1, 0, 0, 0}, {0, 0, 2, 0}, {0, 0, 0, 1}};
    Tolerance.assertClose(0, InputProfile.obliqueDegrees(flipped), 0,
        "axes swapped and flipped are not oblique");
  }

  @Test
  void summaryOfProfiles() {
    double[] q = {0.1, 0.2, 0.3, 0.4, 0.5};
    InputProfile a = new InputProfile(10, 0.3, q, 180, 0.01, 1, 0);
    InputProfile b = new InputProfile(12, 0.5, new double[] {0.2, 0.3, 0.4, 0.5, 0.6}, 200, 0.2,
        1, 4);
    InputProfile c = new InputProfile(8, 0.4, new double[] {0.3, 0.4, 0.5, 0.6, 0.7}, 220, 0.02,
        1, 2);
    DataProfile d = DataProfile.of(java.util.List.of(a, b, c,
        new InputProfile(0, 0, new double[5], 100, 0, 1, 30)), ModalityKind.MR);
    assertEquals(3, d.volumes(), "the profile without a measured slice is left out");
    Tolerance.assertClose(0.4, d.foregroundFraction(), 0, "median");
    Tolerance.assertClose(0.3, d.foregroundFractionMin(), 0, "min");
    Tolerance.assertClose(0.5, d.foregroundFractionMax(), 0, "max");
    Tolerance.assertClose(0.4, d.quantiles()[2], 0, "median of the medians");
    Tolerance.assertClose(0.1, d.quantilesMin()[0], 0, "smallest 5th percentile");
    Tolerance.assertClose(0.7, d.quantilesMax()[4], 0, "largest 95th percentile");
    Tolerance.assertClose(200, d.fieldOfViewMm(), 0, "median field of view");
    Tolerance.assertClose(1.0 / 3, d.skullOnShare(), 1e-15, "one of three looks skull-on");
    Tolerance.assertClose(4, d.obliqueDegreesMax(), 0, "the most tilted measured volume");
    assertEquals(null, DataProfile.of(java.util.List.of(a), ModalityKind.CT).skullOnShare(),
        "no skull verdict for CT");
  }
}

package org.dfbk.train.infer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The scale warning of translate: thresholds, direction and the advice's numbers. */
class ScaleCheckTest {
  private static final Path F = Path.of("scan.nii.gz");

  @Test
  void withinAQuarterOfTheTrainingScaleSaysNothing() {
    assertTrue(ScaleCheck.warning(F, 2.0, 2.0, 64).isEmpty());
    assertTrue(ScaleCheck.warning(F, 2.49, 2.0, 64).isEmpty(), "ratio 1.245");
    assertTrue(ScaleCheck.warning(F, 1.61, 2.0, 64).isEmpty(), "ratio 0.805");
  }

  @Test
  void unknownScalesSayNothing() {
    assertTrue(ScaleCheck.warning(F, 5.0, null, 64).isEmpty(), "checkpoint without a scale");
    assertTrue(ScaleCheck.warning(F, Double.NaN, 2.0, 64).isEmpty(), "nothing translated");
  }

  @Test
  void aWiderFieldOfViewIsToldToBeCropped() {
    // 3.75 mm per model pixel at 64 px = 240 mm; trained at 2.84375 mm = 182 mm
    Optional<String> w = ScaleCheck.warning(F, 3.75, 2.84375, 64);
    assertTrue(w.isPresent());
    String m = w.get();
    assertTrue(m.contains("scan.nii.gz") && m.contains("240 mm") && m.contains("182 mm")
        && m.contains("1.32 times smaller") && m.contains("Fix: crop the scan in-plane to about"
        + " 182 mm"), m);
  }

  @Test
  void aNarrowerFieldOfViewIsToldToBePadded() {
    Optional<String> w = ScaleCheck.warning(F, 1.5, 3.0, 64);
    assertTrue(w.isPresent());
    assertTrue(w.get().contains("2.00 times larger") && w.get().contains("Fix: pad the scan"
        + " in-plane to about 192 mm"), w.get());
  }
}

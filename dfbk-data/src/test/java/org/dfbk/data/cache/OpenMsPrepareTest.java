package org.dfbk.data.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.dfbk.data.nifti.NiftiIO;
import org.dfbk.data.transform.SliceTransform;
import org.dfbk.data.transform.Slicing;
import org.dfbk.data.volume.Volume;
import org.dfbk.fixtures.SharedData;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Preparation of real open-ms data (182 x 218 x 182, 1 mm, T1 and T2 on one grid). */
class OpenMsPrepareTest {
  @TempDir Path work;

  /**
   * T1 → T2, 8 axial slices per subject, centre crop 218 x 182 → 182 x 182 and model size 182 (no
   * resize), float32 store: every stored value is in [−1, 1], and the inverse transform of each
   * stored T2 slice gives back the file's voxels, clamped to [0, p99.5], inside the crop box.
   * Tolerance: 1e-6 relative to the percentile (float32 rounding of n = 2v/p − 1 and of its
   * inverse is about 6e-8 · p each), plus 1e-6 relative to the voxel.
   */
  @Test
  void t1ToT2SlicesAreInRangeAndInvertToTheOriginalVoxels() {
    Path root = SharedData.require("data/open-ms");
    PrepareSpec spec = PrepareSpec.of("paired", root, "T1", "T2", 8, 182)
        .withStore(StoreType.FLOAT32);
    SliceCache cache = SliceCache.prepare(spec, work.resolve("cache"), null);
    assertEquals(16, cache.size());
    Map<String, Integer> perSubject = new HashMap<>();
    Map<String, Volume> t2 = new HashMap<>();
    for (int i = 0; i < cache.size(); i++) {
      SliceInfo info = cache.info(i);
      perSubject.merge(info.subject(), 1, Integer::sum);
      for (float v : cache.source(i)) {
        assertTrue(v >= -1 && v <= 1, "T1 value " + v + " in slice " + i);
      }
      float[] model = cache.target(i);
      for (float v : model) {
        assertTrue(v >= -1 && v <= 1, "T2 value " + v + " in slice " + i);
      }
      Volume vol = t2.computeIfAbsent(info.subject(),
          s -> canonical(NiftiIO.read(root.resolve(s).resolve("T2.nii.gz")).volume()));
      SliceTransform t = info.transform();
      assertEquals(18, t.boxRow());
      double p = t.target().high();
      float[] original = Slicing.extract(vol, 2, t.sliceIndex());
      float[] back = t.targetToSource(model);
      int w = t.sourceWidth();
      double worst = 0;
      for (int r = t.boxRow(); r < t.boxRow() + t.boxSide(); r++) {
        for (int c = 0; c < w; c++) {
          double expected = Math.min(p, Math.max(0, original[r * w + c]));
          double diff = Math.abs(back[r * w + c] - expected);
          worst = Math.max(worst, diff);
          assertTrue(diff <= 1e-6 * p + 1e-6 * expected, String.format(Locale.ROOT,
              "subject %s slice %d pixel (%d, %d): expected %.7g found %.7g (p99.5 %.6g)",
              info.subject(), t.sliceIndex(), r, c, expected, back[r * w + c], p));
        }
      }
      Tolerance.assertClose(0, worst, 1e-6 * p + 1e-6 * p, "worst inverse error of slice " + i);
    }
    assertEquals(Map.of("patient07", 8, "patient19", 8), perSubject);
  }

  /** The cache slices the closest-canonical (RAS) voxel order; open-ms is stored LAS. */
  private static Volume canonical(Volume v) {
    return org.dfbk.data.volume.Canonical.of(v.affine()).apply(v);
  }
}

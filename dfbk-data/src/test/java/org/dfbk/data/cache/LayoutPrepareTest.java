package org.dfbk.data.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.dfbk.data.dataset.SplitSpec;
import org.dfbk.data.nifti.NiftiIO;
import org.dfbk.data.phantom.PhantomGenerator;
import org.dfbk.data.phantom.PhantomSubject;
import org.dfbk.data.transform.ModalityKind;
import org.dfbk.data.transform.Normalization;
import org.dfbk.data.transform.SliceTransform;
import org.dfbk.data.transform.Slicing;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Preparation through the named dataset layouts, on phantom volumes saved under their names. */
class LayoutPrepareTest {
  @TempDir Path tmp;

  private static final PhantomGenerator GEN =
      PhantomGenerator.builder().optSize(40, 40, 20).optSeed(4).build();

  @Test
  void bratsT1ToFlair() {
    Path root = tmp.resolve("brats");
    for (int s = 0; s < 2; s++) {
      String id = String.format(Locale.ROOT, "BraTS-GLI-%05d-000", s);
      PhantomSubject p = GEN.generate(s);
      Map<String, String> files = Map.of("t1n", "T1", "t2w", "T2", "t2f", "FLAIR", "t1c", "T1");
      files.forEach((suffix, m) -> NiftiIO.writeFloat32(
          root.resolve(id).resolve(id + "-" + suffix + ".nii.gz"), p.image(m), null));
    }
    PrepareSpec spec = PrepareSpec.of("brats2023", root, "T1", "FLAIR", 3, 32)
        .withSplit(SplitSpec.fractions(0.5, 0.5), 0);
    SliceCache c = SliceCache.prepare(spec, tmp.resolve("cache"), null);
    assertEquals(6, c.size());
    assertEquals(1, c.split().train().size());
    assertEquals(1, c.split().val().size());
    assertTrue(c.sources().get(1).path().endsWith("BraTS-GLI-00000-000-t2f.nii.gz"),
        c.sources().get(1).path());
  }

  @Test
  void synthradMrToCtUsesTheFixedHounsfieldWindow() {
    Path root = tmp.resolve("Task1/brain");
    for (int s = 0; s < 2; s++) {
      PhantomSubject p = GEN.generate(s);
      Path dir = root.resolve(String.format(Locale.ROOT, "1BA%03d", s + 1));
      NiftiIO.writeFloat32(dir.resolve("mr.nii.gz"), p.image("T1"), null);
      NiftiIO.writeFloat32(dir.resolve("ct.nii.gz"), p.image("CT"), null);
    }
    PrepareSpec spec = PrepareSpec.of("synthrad2023", root, "MR", "CT", 2, 40)
        .withStore(StoreType.FLOAT32);
    assertEquals(ModalityKind.CT, spec.targetKind());
    SliceCache c = SliceCache.prepare(spec, tmp.resolve("cache"), null);
    assertEquals(4, c.size());
    SliceTransform t = c.info(0).transform();
    assertEquals(new Normalization(ModalityKind.CT, -1024, 3000), t.target());
    // 40 -> 40 pixels: no resize, so the inverse gives back Hounsfield units within float error
    PhantomSubject p = GEN.generate(0);
    float[] original = Slicing.extract(p.image("CT"), 2, t.sliceIndex());
    float[] back = t.targetToSource(c.target(0));
    float[] clamped = new float[original.length];
    for (int i = 0; i < original.length; i++) {
      clamped[i] = Math.max(-1024, Math.min(3000, original[i]));
    }
    Tolerance.assertClose(clamped, back, 0, 1e-6 * 4024, "CT slice back in HU");
  }
}

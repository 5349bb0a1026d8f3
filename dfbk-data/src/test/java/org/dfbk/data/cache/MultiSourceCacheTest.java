package org.dfbk.data.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dfbk.core.error.ConfigException;
import org.dfbk.core.error.DataException;
import org.dfbk.data.dataset.SplitSpec;
import org.dfbk.data.nifti.NiftiIO;
import org.dfbk.data.phantom.PhantomGenerator;
import org.dfbk.data.transform.ConditionLayout;
import org.dfbk.data.transform.ModalityKind;
import org.dfbk.data.transform.Normalization;
import org.dfbk.data.transform.SlicePreparer;
import org.dfbk.data.transform.SliceTransform;
import org.dfbk.data.transform.Slicing;
import org.dfbk.data.transform.SquareMode;
import org.dfbk.data.volume.Canonical;
import org.dfbk.data.volume.Volume;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slice caches of several sources and of slice context: what the records hold, what the
 * manifest records, and that a cache written before either existed still reads. The stores are
 * float32 and every expected image is computed by the same float arithmetic from the volumes on
 * disk, so records compare bit for bit.
 */
class MultiSourceCacheTest {
  @TempDir static Path data;
  @TempDir Path work;

  @BeforeAll
  static void writePhantoms() {
    PhantomGenerator.writeDataset(data,
        2, PhantomGenerator.builder().optSize(40, 40, 20).optSeed(5).build());
  }

  private static PrepareSpec spec(String source, String target) {
    return PrepareSpec.of("paired", data, source, target, 4, 32)
        .withSplit(SplitSpec.fractions(0.5, 0.0), 3).withStore(StoreType.FLOAT32);
  }

  private static Volume read(String subject, String modality) {
    Volume v = NiftiIO.read(data.resolve(subject).resolve(modality + ".nii.gz")).volume();
    return Canonical.of(v.affine()).apply(v);
  }

  /** The model image of {@code modality}'s slice {@code z}, normalised with its own fit. */
  private static float[] expected(SliceInfo info, String modality, int z) {
    Volume v = read(info.subject(), modality);
    Normalization n = Normalization.fit(ModalityKind.MR, v, null);
    SliceTransform t = info.transform();
    return t.toModel(Slicing.extract(v, t.axis(), z), n);
  }

  @Test
  void recordsHoldTheTargetThenEverySourceInOrder() {
    SliceCache single = SliceCache.prepare(spec("T1", "FLAIR"), work.resolve("single"), null);
    SliceCache multi = SliceCache.prepare(spec("T1", "FLAIR")
        .withCondition(new ConditionLayout(List.of("T1", "T2"), 0)), work.resolve("multi"), null);
    assertEquals(List.of("target:FLAIR", "source:T1", "source:T2"), multi.channels());
    assertEquals(new ConditionLayout(List.of("T1", "T2"), 0), multi.conditionLayout());
    assertEquals(2, multi.conditionChannels());
    assertEquals(single.size(), multi.size(), "slices are selected on the first source");
    int plane = 32 * 32;
    for (int i = 0; i < multi.size(); i++) {
      assertEquals(single.info(i).transform(), multi.info(i).transform(), "slice " + i);
      assertArrayEquals(single.target(i), multi.target(i), "target of slice " + i);
      float[] condition = multi.condition(i);
      assertEquals(2 * plane, condition.length);
      assertArrayEquals(single.source(i), java.util.Arrays.copyOfRange(condition, 0, plane),
          "T1 channel of slice " + i);
      assertArrayEquals(expected(multi.info(i), "T2", multi.info(i).transform().sliceIndex()),
          java.util.Arrays.copyOfRange(condition, plane, 2 * plane), "T2 channel of slice " + i);
    }
  }

  @Test
  void contextChannelsHoldTheNeighbouringSlices() {
    SliceCache c = SliceCache.prepare(spec("T1", "T2")
        .withCondition(new ConditionLayout(List.of("T1"), 1)), work.resolve("context"), null);
    assertEquals(List.of("target:T2", "source:T1", "source:T1@-1", "source:T1@+1"),
        c.channels());
    int plane = 32 * 32;
    for (int i = 0; i < c.size(); i++) {
      SliceInfo info = c.info(i);
      int z = info.transform().sliceIndex();
      int n = read(info.subject(), "T1").nz();
      float[] condition = c.condition(i);
      int[] slices = {z, Math.max(0, z - 1), Math.min(n - 1, z + 1)};
      for (int ch = 0; ch < 3; ch++) {
        assertArrayEquals(expected(info, "T1", slices[ch]),
            java.util.Arrays.copyOfRange(condition, ch * plane, (ch + 1) * plane),
            "channel " + ch + " of slice " + i + " (z " + z + ")");
      }
    }
  }

  @Test
  void aMissingSourceIsAnErrorThatNamesIt() {
    DataException e = assertThrows(DataException.class, () -> SliceCache.prepare(spec("T1", "T2")
        .withCondition(new ConditionLayout(List.of("T1", "DWI"), 0)), work.resolve("dwi"), null));
    assertTrue(e.getMessage().contains("DWI") && e.getMessage().contains("no DWI image"),
        e.getMessage());
    assertFalse(Files.exists(work.resolve("dwi").resolve(SliceCache.MANIFEST_FILE)));
  }

  @Test
  void theTargetMayNotBeASourceAndTheFirstSourceLeads() {
    ConfigException target = assertThrows(ConfigException.class, () -> spec("T1", "T2")
        .withCondition(new ConditionLayout(List.of("T1", "T2"), 0)));
    assertTrue(target.getMessage().contains("include the target"), target.getMessage());
    PrepareSpec s = spec("T1", "FLAIR");
    ConfigException first = assertThrows(ConfigException.class, () -> new PrepareSpec(s.layout(),
        s.root(), "T1", "FLAIR", null, null, 4, 2, 32, SquareMode.CROP, 0.05, s.split(), 0,
        StoreType.FLOAT32, new ConditionLayout(List.of("T2", "T1"), 0)));
    assertTrue(first.getMessage().contains("first source"), first.getMessage());
  }

  @Test
  void sourcesOnDifferentGridsAreRefusedNamingFilesShapesAndAffines() {
    Volume a = read(PhantomGenerator.subjectId(0), "T1");
    Volume b = read(PhantomGenerator.subjectId(0), "T2");
    Volume smaller = new Volume(b.nx(), b.ny(), b.nz() - 1,
        java.util.Arrays.copyOf(b.data(), b.nx() * b.ny() * (b.nz() - 1)), b.voxelSize(),
        b.affine());
    DataException e = assertThrows(DataException.class, () -> SlicePreparer.prepare("s",
        List.of(Path.of("s/T1.nii.gz"), Path.of("s/T2.nii.gz")), List.of(a, smaller),
        ModalityKind.MR, Path.of("s/FLAIR.nii.gz"), a, ModalityKind.MR,
        spec("T1", "FLAIR").sliceOptions(), new ConditionLayout(List.of("T1", "T2"), 0)));
    String m = e.getMessage();
    assertTrue(m.contains("s/T2.nii.gz") && m.contains("40x40x19") && m.contains("40x40x20")
        && m.contains("affine"), m);
  }

  @Test
  void aCacheWrittenBeforeSeveralSourcesStillReads() throws IOException {
    PrepareSpec s = spec("T1", "T2");
    assertFalse(CacheIdentity.specMap(s).containsKey("sourceModalities"),
        "a single-source spec hashes as before, so its old caches stay up to date");
    Path dir = work.resolve("old");
    SliceCache fresh = SliceCache.prepare(s, dir, null);
    Path manifest = dir.resolve(SliceCache.MANIFEST_FILE);
    String json = Files.readString(manifest);
    String old = json.replaceAll("(?s)\\s*\"conditionSources\": \\[[^\\]]*\\],", "")
        .replaceAll("\\s*\"context\": 0,", "");
    assertFalse(old.contains("conditionSources") || old.contains("\"context\""), old);
    Files.writeString(manifest, old);
    SliceCache c = SliceCache.open(dir);
    assertEquals(ConditionLayout.single("T1"), c.conditionLayout());
    assertEquals(1, c.conditionChannels());
    assertArrayEquals(fresh.source(0), c.condition(0));
    assertTrue(SliceCache.prepare(s, dir, null).reusedExisting(), "the old cache is reused");
  }
}

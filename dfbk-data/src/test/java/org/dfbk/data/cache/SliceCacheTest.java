package org.dfbk.data.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.dfbk.core.error.ConfigException;
import org.dfbk.core.error.DataException;
import org.dfbk.data.dataset.SplitSpec;
import org.dfbk.data.nifti.NiftiIO;
import org.dfbk.data.phantom.PhantomGenerator;
import org.dfbk.data.transform.DataProfile;
import org.dfbk.data.transform.ModalityKind;
import org.dfbk.data.transform.Normalization;
import org.dfbk.data.transform.NormalizationMethod;
import org.dfbk.data.transform.SliceTransform;
import org.dfbk.data.transform.Slicing;
import org.dfbk.data.volume.Volume;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SliceCacheTest {
  @TempDir static Path data;
  @TempDir Path work;

  @BeforeAll
  static void writePhantoms() {
    PhantomGenerator.writeDataset(data,
        3, PhantomGenerator.builder().optSize(40, 40, 20).optSeed(11).build());
  }

  private static PrepareSpec spec(StoreType store) {
    return PrepareSpec.of("paired", data, "T1", "T2", 4, 32)
        .withSplit(SplitSpec.fractions(0.34, 0.33), 1).withStore(store);
  }

  @Test
  void preparesNSlicesPerSubjectInRangeWithTheirSplits() {
    List<int[]> progress = new ArrayList<>();
    SliceCache c = SliceCache.prepare(spec(StoreType.FLOAT32), work.resolve("cache"),
        (done, total, s) -> progress.add(new int[] {done, total}));
    assertEquals(12, c.size());
    assertEquals(3, progress.size());
    assertArrayEquals(new int[] {3, 3}, progress.get(2));
    assertEquals(List.of("target:T2", "source:T1"), c.channels());
    for (int i = 0; i < c.size(); i++) {
      SliceInfo info = c.info(i);
      assertEquals(c.split().splitOf(info.subject()), info.split(), "split of slice " + i);
      for (float[] img : List.of(c.source(i), c.target(i))) {
        for (float v : img) {
          assertTrue(v >= -1 && v <= 1, "slice " + i + " has value " + v + " outside [-1, 1]");
        }
      }
    }
    assertEquals(1, c.indices("train").length / 4);
    assertEquals(12, c.indices("train").length + c.indices("val").length
        + c.indices("test").length);
  }

  @Test
  void theSplitsPartitionTheSlicesBySubject() {
    SliceCache c = SliceCache.prepare(spec(StoreType.FLOAT16), work.resolve("cache"), null);
    List<Integer> all = new ArrayList<>();
    for (String s : List.of("train", "val", "test")) {
      for (int i : c.indices(s)) {
        all.add(i);
        assertEquals(s, c.info(i).split(), "split of slice " + i);
        assertTrue(c.split().ids(s).contains(c.info(i).subject()),
            "subject " + c.info(i).subject() + " of slice " + i + " is not in split " + s);
      }
    }
    all.sort(null);
    assertEquals(java.util.stream.IntStream.range(0, c.size()).boxed().toList(), all,
        "every slice in exactly one split");
  }

  @Test
  void storedSlicesEqualTheTransformOfTheSourceVolumes() {
    SliceCache c = SliceCache.prepare(spec(StoreType.FLOAT32), work.resolve("cache"), null);
    SliceInfo info = c.info(5);
    Path dir = data.resolve(info.subject());
    Volume t1 = NiftiIO.read(dir.resolve("T1.nii.gz")).volume();
    Volume t2 = NiftiIO.read(dir.resolve("T2.nii.gz")).volume();
    SliceTransform t = info.transform();
    assertEquals(2, t.axis());
    float[] expectedSource = t.toModel(Slicing.extract(t1, 2, t.sliceIndex()), t.source());
    float[] expectedTarget = t.toModel(Slicing.extract(t2, 2, t.sliceIndex()), t.target());
    Tolerance.assertClose(expectedSource, c.source(5), 0, 0, "stored source slice");
    Tolerance.assertClose(expectedTarget, c.target(5), 0, 0, "stored target slice");
    Tolerance.assertClose(Normalization.fit(ModalityKind.MR, t2, null).high(), t.target().high(),
        0, "target percentile in the manifest");
  }

  @Test
  void referenceTargetNormalizationIsTheMedianOverTrainingSubjects() {
    PrepareSpec allTrain = spec(StoreType.FLOAT16).withSplit(SplitSpec.fractions(1, 0), 0);
    SliceCache c = SliceCache.prepare(allTrain, work.resolve("cache"), null);
    double[] highs = new double[3];
    for (int s = 0; s < 3; s++) {
      Volume t2 = NiftiIO.read(data.resolve(PhantomGenerator.subjectId(s)).resolve("T2.nii.gz"))
          .volume();
      highs[s] = Normalization.fit(ModalityKind.MR, t2, null).high();
    }
    java.util.Arrays.sort(highs);
    Normalization ref = c.statistics().referenceTargetNormalization();
    assertEquals(ModalityKind.MR, ref.kind());
    Tolerance.assertClose(highs[1], ref.high(), 0, "median target percentile");
  }

  @Test
  void modelPixelSizeIsThePixelSizeTimesTheBoxOverTheModelSize() throws IOException {
    SliceCache c = SliceCache.prepare(spec(StoreType.FLOAT16), work.resolve("cache"), null);
    // 40 x 40 phantom slices, one 40-pixel box each, resized to 32: fov/40 mm x 40 / 32
    double pixel = PhantomGenerator.builder().optSize(40, 40, 20).optSeed(11).build()
        .voxelSize()[0];
    Tolerance.assertClose(pixel * 40 / 32, c.statistics().modelPixelMm().orElseThrow(), 1e-12,
        "mm per model pixel");
    // a cache written before pixel sizes were recorded: unknown, not a guess
    Path manifest = work.resolve("cache").resolve(SliceCache.MANIFEST_FILE);
    String json = Files.readString(manifest);
    Files.writeString(manifest, json.replaceAll(",?\\s*\"pixelMm\"\\s*:\\s*\\{[^}]*\\}", ""));
    SliceCache old = SliceCache.prepare(spec(StoreType.FLOAT16), work.resolve("cache"), null);
    assertTrue(old.statistics().modelPixelMm().isEmpty(), "no pixel sizes in the manifest: "
        + Files.readString(manifest).contains("pixelMm"));
  }

  @Test
  void normalizationAndInputProfilesAreRecordedAndOldCachesMeanPercentile() throws IOException {
    PrepareSpec pct = spec(StoreType.FLOAT32);
    assertFalse(CacheIdentity.specMap(pct).containsKey("normalization"),
        "the percentile rule leaves the spec hash of earlier caches unchanged");
    SliceCache c = SliceCache.prepare(pct, work.resolve("pct"), null);
    assertEquals(NormalizationMethod.PERCENTILE, c.normalization());
    DataProfile profile = c.statistics().sourceProfile().orElseThrow();
    assertEquals(c.split().train().size(), profile.volumes(), "the training subjects' sources");
    assertTrue(profile.foregroundFraction() > 0 && profile.foregroundFraction() < 1,
        profile.toString());

    PrepareSpec tissue = pct.withNormalization(NormalizationMethod.TISSUE);
    assertEquals("TISSUE", CacheIdentity.specMap(tissue).get("normalization"));
    SliceCache t = SliceCache.prepare(tissue, work.resolve("tissue"), null);
    assertNotEquals(c.specHash(), t.specHash());
    assertEquals(NormalizationMethod.TISSUE, t.normalization());
    for (int i = 0; i < t.size(); i++) {
      SliceInfo info = t.info(i);
      Path dir = data.resolve(info.subject());
      Volume t1 = NiftiIO.read(dir.resolve("T1.nii.gz")).volume();
      Volume t2 = NiftiIO.read(dir.resolve("T2.nii.gz")).volume();
      // the same fit on the same floats: bitwise equal by construction
      assertEquals(NormalizationMethod.TISSUE.fit(ModalityKind.MR, t1, null, "T1"),
          info.transform().source(), "slice " + i + " source");
      assertEquals(NormalizationMethod.TISSUE.fit(ModalityKind.MR, t2, null, "T2"),
          info.transform().target(), "slice " + i + " target");
      assertEquals(c.info(i).transform().sliceIndex(), info.transform().sliceIndex(),
          "the same slices whatever the normalisation");
    }

    // a cache written before the two were recorded: percentile, and no profile (not a guess)
    Path manifest = work.resolve("pct").resolve(SliceCache.MANIFEST_FILE);
    com.google.gson.JsonObject json = com.google.gson.JsonParser.parseString(
        Files.readString(manifest)).getAsJsonObject();
    assertEquals("PERCENTILE", json.remove("normalization").getAsString());
    assertTrue(json.remove("inputProfiles").isJsonObject());
    Files.writeString(manifest, json.toString());
    SliceCache old = SliceCache.prepare(pct, work.resolve("pct"), null);
    assertTrue(old.reusedExisting(), "still up to date");
    assertEquals(NormalizationMethod.PERCENTILE, old.normalization());
    assertTrue(old.statistics().sourceProfile().isEmpty(), "inputProfiles left in the manifest: "
        + Files.readString(manifest).contains("inputProfiles"));
  }

  @Test
  void float16StoreMatchesFloat32WithinHalfAnUlp() {
    SliceCache c32 = SliceCache.prepare(spec(StoreType.FLOAT32), work.resolve("c32"), null);
    SliceCache c16 = SliceCache.prepare(spec(StoreType.FLOAT16), work.resolve("c16"), null);
    assertEquals(c32.size(), c16.size());
    for (int i = 0; i < c32.size(); i++) {
      // binary16 spacing on [0.5, 1) is 2^-11, so rounding errs by at most 2^-12 = 2.44e-4
      Tolerance.assertClose(c32.source(i), c16.source(i), 0, 2.45e-4, "float16 source " + i);
      Tolerance.assertClose(c32.target(i), c16.target(i), 0, 2.45e-4, "float16 target " + i);
    }
  }

  @Test
  void storeIsTheSameForOneAndThreeThreads() throws IOException {
    SliceCache one = SliceCache.prepare(spec(StoreType.FLOAT16), work.resolve("one"), null, 1);
    SliceCache three = SliceCache.prepare(spec(StoreType.FLOAT16), work.resolve("three"), null, 3);
    assertArrayEquals(Files.readAllBytes(one.directory().resolve(SliceCache.STORE_FILE)),
        Files.readAllBytes(three.directory().resolve(SliceCache.STORE_FILE)));
    assertEquals(Files.readString(one.directory().resolve(SliceCache.MANIFEST_FILE))
        .replace(work.resolve("one").toString(), "X"),
        Files.readString(three.directory().resolve(SliceCache.MANIFEST_FILE))
        .replace(work.resolve("three").toString(), "X"));
  }

  @Test
  void rerunWithUnchangedSpecAndFilesIsANoOp() throws IOException {
    Path dir = work.resolve("cache");
    SliceCache first = SliceCache.prepare(spec(StoreType.FLOAT16), dir, null);
    assertFalse(first.reusedExisting());
    FileTime written = Files.getLastModifiedTime(dir.resolve(SliceCache.STORE_FILE));
    Object key = Files.readAttributes(dir.resolve(SliceCache.STORE_FILE),
        java.nio.file.attribute.BasicFileAttributes.class).fileKey();
    SliceCache second = SliceCache.prepare(spec(StoreType.FLOAT16), dir, null);
    assertTrue(second.reusedExisting(), "second prepare with the same spec rebuilt the cache");
    assertEquals(written, Files.getLastModifiedTime(dir.resolve(SliceCache.STORE_FILE)));
    assertEquals(key, Files.readAttributes(dir.resolve(SliceCache.STORE_FILE),
        java.nio.file.attribute.BasicFileAttributes.class).fileKey());
    assertEquals(first.specHash(), second.specHash());
    for (int i = 0; i < first.size(); i++) {
      assertEquals(first.info(i), second.info(i), "manifest entry " + i + " after reading back");
    }
  }

  @Test
  void changedSpecOrTouchedSourceRebuilds() throws IOException {
    Path dir = work.resolve("cache");
    SliceCache.prepare(spec(StoreType.FLOAT16), dir, null);
    SliceCache otherSpec = SliceCache.prepare(spec(StoreType.FLOAT32), dir, null);
    assertFalse(otherSpec.reusedExisting(), "a new store type must rebuild");
    Path t1 = data.resolve("phantom-001/T1.nii.gz");
    FileTime before = Files.getLastModifiedTime(t1);
    try {
      Files.setLastModifiedTime(t1, FileTime.fromMillis(before.toMillis() + 5000));
      SliceCache touched = SliceCache.prepare(spec(StoreType.FLOAT32), dir, null);
      assertFalse(touched.reusedExisting(), "a changed source mtime must rebuild");
    } finally {
      Files.setLastModifiedTime(t1, before);
    }
  }

  @Test
  void subjectOnAnotherGridLeavesNothingBehindAndKeepsTheOldCache(@TempDir Path bad)
      throws IOException {
    PhantomGenerator gen = PhantomGenerator.builder().optSize(40, 40, 20).optSeed(11).build();
    PhantomGenerator.writeDataset(bad, 2, gen);
    Volume t2 = NiftiIO.read(bad.resolve("phantom-001/T2.nii.gz")).volume();
    double[][] shifted = t2.affine().clone();
    shifted[0] = shifted[0].clone();
    shifted[0][3] += 2.0;
    NiftiIO.writeFloat32(bad.resolve("phantom-001/T2.nii.gz"),
        new Volume(t2.nx(), t2.ny(), t2.nz(), t2.data(), t2.voxelSize(), shifted), null);
    PrepareSpec badSpec = PrepareSpec.of("paired", bad, "T1", "T2", 4, 32)
        .withSplit(SplitSpec.fractions(1, 0), 0);

    Path dir = work.resolve("cache");
    DataException e = assertThrows(DataException.class,
        () -> SliceCache.prepare(badSpec, dir, null));
    assertTrue(e.getMessage().contains("phantom-001/T1.nii.gz")
        && e.getMessage().contains("phantom-001/T2.nii.gz") && e.getMessage().contains("40x40x20"),
        e.getMessage());
    assertFalse(Files.exists(dir), "cache folder exists after a failed prepare");
    try (Stream<Path> s = Files.list(work)) {
      assertEquals(List.of(), s.toList(), "leftovers after a failed prepare");
    }

    SliceCache good = SliceCache.prepare(spec(StoreType.FLOAT16), dir, null);
    assertThrows(DataException.class, () -> SliceCache.prepare(badSpec, dir, null));
    SliceCache reopened = SliceCache.open(dir);
    assertEquals(good.specHash(), reopened.specHash());
    assertEquals(good.size(), reopened.size());
    try (Stream<Path> s = Files.list(work)) {
      assertEquals(List.of(dir), s.toList(), "leftovers after a failed re-prepare");
    }
  }

  @Test
  void missingModalityIsReportedBeforeAnythingIsWritten() {
    PrepareSpec flairToPd = PrepareSpec.of("paired", data, "T1", "DWI", 4, 32);
    Path dir = work.resolve("cache");
    DataException e = assertThrows(DataException.class,
        () -> SliceCache.prepare(flairToPd, dir, null));
    assertTrue(e.getMessage().contains("phantom-000") && e.getMessage().contains("DWI")
        && e.getMessage().contains("T2.nii.gz"), e.getMessage());
    assertFalse(Files.exists(dir));
  }

  @Test
  void fourDimensionalFileIsRejectedNamingTheVolumeCount(@TempDir Path four) throws IOException {
    Path example = org.dfbk.fixtures.SharedData.require("data/nifti-conformance/example4d.nii.gz");
    Files.createDirectories(four.resolve("s1"));
    Files.copy(example, four.resolve("s1/T1.nii.gz"));
    Files.copy(example, four.resolve("s1/T2.nii.gz"));
    int volumes = NiftiIO.read(example).volumeCount();
    DataException e = assertThrows(DataException.class, () -> SliceCache.prepare(
        PrepareSpec.of("paired", four, "T1", "T2", 1, 32), work.resolve("cache"), null));
    assertTrue(e.getMessage().contains("s1/T1.nii.gz is 4-D")
        && e.getMessage().contains(volumes + " volumes); slice preparation needs one 3-D"
            + " volume per file. Fix: extract the volume to use, e.g. fslroi T1.nii.gz"
            + " T1_vol0.nii.gz 0 1"),
        e.getMessage());
    assertFalse(Files.exists(work.resolve("cache")), "cache folder exists after a failed prepare");
  }

  @Test
  void refusesToReplaceAFolderThatIsNotACache() throws IOException {
    Path dir = Files.createDirectories(work.resolve("results"));
    Files.writeString(dir.resolve("notes.txt"), "keep me");
    ConfigException e = assertThrows(ConfigException.class,
        () -> SliceCache.prepare(spec(StoreType.FLOAT16), dir, null));
    assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
    assertEquals("keep me", Files.readString(dir.resolve("notes.txt")));
  }
}

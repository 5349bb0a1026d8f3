package org.dfbk.train.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.dfbk.core.error.DataException;
import org.dfbk.data.nifti.NiftiIO;
import org.dfbk.data.transform.ModalityKind;
import org.dfbk.data.volume.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one-file flow's guards, with an analytic slice model (identity, std = constant). */
class FileTranslatorTest {
  @TempDir Path tmp;

  private static final double[][] AFFINE = {{1.5, 0, 0, -12}, {0, 1.5, 0, 7}, {0, 0, 3, 2},
      {0, 0, 0, 1}};

  private static Volume volume(long seed) {
    Random r = new Random(seed);
    float[] d = new float[16 * 16 * 4];
    for (int z = 1; z < 3; z++) {
      for (int i = 0; i < 256; i++) {
        d[z * 256 + i] = 100 + 900 * r.nextFloat();
      }
    }
    return new Volume(16, 16, 4, d, new double[] {1.5, 1.5, 3}, AFFINE);
  }

  /** Returns its inputs; with K &gt; 1 a constant std of 0.25 model units. */
  private static FileTranslator.SliceModel identity(List<Integer> calls, boolean std) {
    return (sources, size, seed, progress) -> {
      calls.add(sources.size());
      List<float[]> s = null;
      if (std) {
        s = new ArrayList<>();
        for (float[] x : sources) {
          float[] c = new float[x.length];
          java.util.Arrays.fill(c, 0.25f);
          s.add(c);
        }
      }
      if (progress != null) {
        progress.accept(sources.size());
      }
      return new SliceTranslator.Output(sources, s);
    };
  }

  private static FileTranslator translator(List<Integer> calls, boolean std, Integer volume,
      Double trainedMm) {
    return new FileTranslator(identity(calls, std), std, new FileTranslator.Settings(
        ModalityKind.MR, ModalityKind.MR, 2, 16, trainedMm, 0, volume));
  }

  /** A translator whose caller picks the volume of a series with {@code volumeOption}. */
  private static FileTranslator translator(String volumeOption) {
    return new FileTranslator(identity(new ArrayList<>(), false), false,
        new FileTranslator.Settings(ModalityKind.MR, ModalityKind.MR, 2, 16, null, 0, null,
            volumeOption, null, null, null, false));
  }

  @Test
  void writesPredictionAndStdOnTheInputGrid() throws IOException {
    Path in = tmp.resolve("scan.nii.gz");
    NiftiIO.writeFloat32(in, volume(1), null);
    List<Integer> calls = new ArrayList<>();
    List<Integer> progressed = new ArrayList<>();
    FileTranslator.Outcome o = translator(calls, true, null, 1.5).translate(in,
        tmp.resolve("out/T2.nii.gz"), w -> { }, (f, n) -> progressed::add);
    assertEquals(List.of(2), calls, "the two slices with foreground, in one call");
    assertEquals(List.of(2), progressed);
    assertEquals(2, o.translatedSlices());
    assertEquals(tmp.resolve("out/T2_std.nii.gz"), o.std());
    assertEquals(List.of(), o.warnings(), "a scan at the training scale, all voxels finite");
    Volume pred = NiftiIO.read(o.output()).volume();
    Volume std = NiftiIO.read(o.std()).volume();
    assertTrue(pred.sameGrid(volume(1), 1e-6) && std.sameGrid(volume(1), 1e-6), "input grid kept");
    try (var s = Files.list(tmp.resolve("out"))) {
      assertEquals(2, s.count(), "no temporary file left beside the outputs");
    }
  }

  @Test
  void nonFiniteVoxelsBecomeBackgroundAndOthersAreKept() {
    float[] d = {1f, Float.NaN, 3f, Float.POSITIVE_INFINITY, 5f, Float.NEGATIVE_INFINITY, 7f, 8f};
    Volume v = new Volume(2, 2, 2, d, new double[] {1, 1, 1},
        new double[][] {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}});
    assertEquals(3, FileTranslator.countNonFinite(v));
    Volume w = FileTranslator.withBackground(v, -1024f);
    assertArrayEquals(new float[] {1f, -1024f, 3f, -1024f, 5f, -1024f, 7f, 8f}, w.data(), 0f);
    assertEquals(Float.NaN, v.data()[1], 0f, "the input volume is not modified");
    assertEquals(0, FileTranslator.countNonFinite(w));
  }

  @Test
  void nanVoxelsAreTranslatedAsBackgroundWithAWarning() {
    Volume v = volume(2);
    float[] d = v.data().clone();
    d[300] = Float.NaN;
    d[301] = Float.POSITIVE_INFINITY;
    Path in = tmp.resolve("nan.nii");
    NiftiIO.writeFloat32(in, v.withData(d), null);
    List<String> warnings = new ArrayList<>();
    FileTranslator.Outcome o = translator(new ArrayList<>(), false, null, null).translate(in,
        tmp.resolve("o/nan.nii.gz"), warnings::add, null);
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).contains("nan.nii") && warnings.get(0).contains("2 NaN or infinite"),
        warnings.get(0));
    assertEquals(warnings, o.warnings());
    assertEquals(0, FileTranslator.countNonFinite(NiftiIO.read(o.output()).volume()));
  }

  @Test
  void theOneVolumeStepGuardsLikeTranslateAndWritesNothing() throws IOException {
    Volume v = volume(4);
    float[] d = v.data().clone();
    d[300] = Float.NaN;
    Path in = tmp.resolve("step/nan.nii.gz");
    NiftiIO.writeFloat32(in, v.withData(d), null);
    List<String> warnings = new ArrayList<>();
    FileTranslator t = translator(new ArrayList<>(), true, null, null);
    FileTranslator.Translation r = t.translateVolume(List.of(in), warnings::add, null);
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).contains("1 NaN or infinite"), warnings.get(0));
    assertEquals(warnings, r.warnings());
    assertEquals(0f, r.sources().get(0).data()[300], 0f, "the NaN voxel as background");
    assertEquals(0, FileTranslator.countNonFinite(r.prediction()));
    assertTrue(r.std() != null && r.prediction().sameGrid(v, 1e-6), "on the input grid");
    assertEquals(2, r.translatedSlices());
    try (var s = Files.list(tmp.resolve("step"))) {
      assertEquals(1, s.count(), "only the input: the step writes nothing");
    }
    // what translate writes is what the step returns (the same identity model, no sampling)
    FileTranslator.Outcome o = t.translate(in, tmp.resolve("step-out/nan.nii.gz"), null, null);
    assertArrayEquals(r.prediction().data(), NiftiIO.read(o.output()).volume().data(), 0f,
        "float32 written and read back bit for bit");
    DataException several = assertThrows(DataException.class,
        () -> t.translateVolume(List.of(in, in), null, null));
    assertTrue(several.getMessage().contains("takes 1 source(s)"), several.getMessage());
  }

  /** {@code volume(3)} twice as a 4-D float32 .nii: dim[0] = 4, dim[4] = 2. */
  private Path series() throws IOException {
    Path three = tmp.resolve("three.nii");
    NiftiIO.writeFloat32(three, volume(3), null);
    byte[] one = Files.readAllBytes(three);
    int off = 352;
    byte[] two = java.util.Arrays.copyOf(one, one.length + (one.length - off));
    System.arraycopy(one, off, two, one.length, one.length - off);
    ByteBuffer.wrap(two).order(ByteOrder.LITTLE_ENDIAN).putShort(40, (short) 4).putShort(48,
        (short) 2);
    return Files.write(tmp.resolve("dwi.nii"), two);
  }

  @Test
  void fourDimensionalFileNeedsAVolumeIndex() throws IOException {
    Path four = series();
    Path out = tmp.resolve("o4/dwi.nii.gz");
    DataException e = assertThrows(DataException.class,
        () -> translator("--volume").translate(four, out, null, null));
    assertEquals(four + " is 4-D (dims [16, 16, 4, 2], 2 volumes); translation takes one 3-D"
        + " volume per file. Fix: pass --volume T to translate volume T (0..1), or extract it, e.g."
        + " fslroi dwi.nii dwi_vol0.nii.gz 0 1", e.getMessage());
    assertFalse(Files.exists(out), "nothing written");
    FileTranslator.Outcome o = translator(new ArrayList<>(), false, 1, null).translate(four, out,
        null, null);
    assertTrue(NiftiIO.read(o.output()).volumeCount() == 1, "one 3-D volume written");
  }

  @Test
  void aCallerWithoutAVolumeOptionIsToldToExtractAVolume() throws IOException {
    // dfbk eval translates with no --volume: its refusal must not offer one
    Path four = series();
    Path out = tmp.resolve("o4/dwi.nii.gz");
    DataException e = assertThrows(DataException.class,
        () -> translator(null).translate(four, out, null, null));
    assertEquals(four + " is 4-D (dims [16, 16, 4, 2], 2 volumes); translation takes one 3-D"
        + " volume per file. Fix: extract the volume to use, e.g. fslroi dwi.nii dwi_vol0.nii.gz"
        + " 0 1", e.getMessage());
    assertFalse(Files.exists(out), "nothing written");
  }

  @Test
  void scaleDifferentFromTrainingWarns() {
    Path in = tmp.resolve("s.nii.gz");
    NiftiIO.writeFloat32(in, volume(4), null);
    // 16 px of 1.5 mm resized to 16: 1.5 mm per model pixel; trained at 3 mm: twice as large
    List<String> warnings = new ArrayList<>();
    translator(new ArrayList<>(), false, null, 3.0).translate(in, tmp.resolve("so/s.nii.gz"),
        warnings::add, null);
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).contains("2.00 times larger"), warnings.get(0));
  }

  @Test
  void outputsThatAreTheInputAreRefusedBeforeAnythingIsWritten() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("in"));
    Path in = dir.resolve("a.nii.gz");
    NiftiIO.writeFloat32(in, volume(5), null);
    byte[] before = Files.readAllBytes(in);
    List<Integer> calls = new ArrayList<>();
    DataException same = assertThrows(DataException.class,
        () -> translator(calls, false, null, null).translate(in, dir.resolve("a.nii.gz"), null,
            null));
    assertTrue(same.getMessage().contains("a.nii.gz") && same.getMessage().contains("overwrite"),
        same.getMessage());
    // an input named like the std map of the requested output
    Path stdLike = dir.resolve("b_std.nii.gz");
    Files.copy(in, stdLike);
    byte[] stdBefore = Files.readAllBytes(stdLike);
    DataException std = assertThrows(DataException.class,
        () -> translator(calls, true, null, null).translate(stdLike, dir.resolve("b.nii.gz"),
            null, null));
    assertTrue(std.getMessage().contains("b_std.nii.gz"), std.getMessage());
    assertFalse(Files.exists(dir.resolve("b.nii.gz")), "the prediction is not written either");
    assertEquals(List.of(), calls, "refused before translating");
    assertArrayEquals(before, Files.readAllBytes(in));
    assertArrayEquals(stdBefore, Files.readAllBytes(stdLike));
  }

  @Test
  void imageOfAnAnalyzePairIsProtected() {
    Path hdr = tmp.resolve("pair/scan.hdr");
    DataException e = assertThrows(DataException.class,
        () -> FileTranslator.requireNotInput(hdr, tmp.resolve("pair/scan.img")));
    assertTrue(e.getMessage().contains("scan.img") && e.getMessage().contains("scan.hdr"),
        e.getMessage());
    FileTranslator.requireNotInput(hdr, tmp.resolve("pair/scan.nii.gz")); // a different file
  }

  @Test
  void unreadableFileNamesItself() throws IOException {
    Path bad = Files.write(tmp.resolve("broken.nii.gz"), new byte[] {31, -117, 8, 0, 1, 2, 3});
    Path out = tmp.resolve("bo/broken.nii.gz");
    DataException e = assertThrows(DataException.class,
        () -> translator(new ArrayList<>(), false, null, null).translate(bad, out, null, null));
    assertTrue(e.getMessage().contains("broken.nii.gz"), e.getMessage());
    assertFalse(Files.exists(out.getParent()), "nothing written");
  }

  private static Volume phantomT1(double fovMm, boolean stripped) {
    return org.dfbk.data.phantom.PhantomGenerator.builder().optSize(48, 48, 24)
        .optFieldOfView(fovMm, 160).optSeed(9).optSkullStripped(stripped).build().generate(0)
        .image("T1");
  }

  private FileTranslator checked(Volume trainedOn, boolean strict, List<Integer> calls) {
    org.dfbk.data.transform.DataProfile trained = org.dfbk.data.transform.DataProfile.of(List.of(
        org.dfbk.data.transform.InputProfile.measure(trainedOn,
            org.dfbk.data.transform.Normalization.fit(ModalityKind.MR, trainedOn, null), 2)),
        ModalityKind.MR);
    double trainedMm = VolumeTranslator.plannedModelPixelMm(trainedOn, Path.of("train.nii"),
        ModalityKind.MR, 2, 16);
    return new FileTranslator(identity(calls, false), false, new FileTranslator.Settings(
        ModalityKind.MR, ModalityKind.MR, 2, 16, trainedMm, 0, null, null,
        org.dfbk.data.transform.NormalizationMethod.PERCENTILE, "T1", trained, strict));
  }

  @Test
  void aScanAtAnotherFieldOfViewIsWarnedAboutAndStrictRefusesIt() {
    Path in = tmp.resolve("wide.nii.gz");
    NiftiIO.writeFloat32(in, phantomT1(330, true), null);
    List<Integer> calls = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    FileTranslator.Outcome o = checked(phantomT1(220, true), false, calls).translate(in,
        tmp.resolve("o/wide.nii.gz"), warnings::add, null);
    assertTrue(warnings.stream().anyMatch(w -> w.contains("covers 330 mm")
        && w.contains("covered 220 mm")), warnings.toString());
    assertEquals(warnings, o.warnings(), "the warnings reach the outcome (the Spark manifest)");
    assertEquals(warnings, checked(phantomT1(220, true), false, calls).check(in),
        "check gives what translate gives, without translating");
    Path out = tmp.resolve("strict/wide.nii.gz");
    DataException e = assertThrows(DataException.class, () -> checked(phantomT1(220, true),
        true, new ArrayList<>()).translate(in, out, w -> { }, null));
    assertTrue(e.getMessage().contains("--strict") && e.getMessage().contains("330 mm"),
        e.getMessage());
    assertFalse(Files.exists(out.getParent()), "nothing written under --strict");
  }

  @Test
  void strictRefusesASkullOnScanBeforeTheModelRuns() {
    Path in = tmp.resolve("raw.nii.gz");
    NiftiIO.writeFloat32(in, phantomT1(220, false), null);
    List<Integer> calls = new ArrayList<>();
    Path out = tmp.resolve("s/raw.nii.gz");
    DataException e = assertThrows(DataException.class, () -> checked(phantomT1(220, true), true,
        calls).translate(in, out, w -> { }, null));
    assertTrue(e.getMessage().contains("looks skull-on") && e.getMessage().contains("SynthStrip"),
        e.getMessage());
    assertEquals(List.of(), calls, "the model never ran");
    assertFalse(Files.exists(out), "nothing written");
    FileTranslator.Outcome o = checked(phantomT1(220, true), false, calls).translate(in,
        tmp.resolve("w/raw.nii.gz"), w -> { }, null);
    assertTrue(o.warnings().stream().anyMatch(w -> w.contains("looks skull-on")),
        o.warnings().toString());
    assertTrue(Files.exists(o.output()), "without --strict the scan is translated, with warnings");
  }
}

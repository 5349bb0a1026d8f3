package org.dfbk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dfbk.data.nifti.NiftiIO;
import org.dfbk.data.volume.Volume;
import org.dfbk.fixtures.Golden;
import org.dfbk.fixtures.SharedData;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalCliTest {
  @TempDir Path tmp;

  /** T1 "predicting" T2 must reproduce scikit-image's whole-volume PSNR/SSIM of the pair. */
  @Test
  void evalOfRealVolumesMatchesScikitImageReference() throws Exception {
    Path openMs = SharedData.require("data/open-ms");
    JsonObject ref = Golden.file(SharedData.require("reference/metrics-skimage.json"));
    Path out = tmp.resolve("eval");
    CliTest.Result r = CliTest.run("eval", "--pred", openMs.toString(), "--glob", "T1.nii.gz",
        "--truth", openMs.toString(), "--truth-name", "T2.nii.gz", "--source-name", "T1.nii.gz",
        "--lesions", openMs.toString(), "--lesion-name", "GOLD_STANDARD.nii.gz",
        "--method", "T1asT2", "-o", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("Dice (mean) ↑") && r.out().contains("Lesion contrast error ↓"),
        "structure metrics in the printed table:\n" + r.out());
    List<String> lines = Files.readAllLines(out.resolve("volumes.csv"));
    String header = lines.get(0);
    List<String> cols = List.of(header.split(","));
    int psnr3d = cols.indexOf("volume_psnr");
    int ssim3d = cols.indexOf("volume_ssim");
    assertTrue(psnr3d > 0 && ssim3d > 0, "volume_psnr / volume_ssim columns in " + header);
    int checked = 0;
    for (JsonElement e : ref.getAsJsonArray("pairs")) {
      JsonObject p = e.getAsJsonObject();
      if (!p.get("a").getAsString().equals("T1") || !p.get("b").getAsString().equals("T2")) {
        continue;
      }
      String subject = p.get("patient").getAsString() + "/T1";
      String row = lines.stream().filter(l -> l.contains(",T1asT2," + subject + ",")).findFirst()
          .orElseThrow(() -> new AssertionError("no row for " + subject + " in " + lines));
      String[] v = row.split(",");
      Tolerance.assertClose(p.get("volume_psnr").getAsDouble(), Double.parseDouble(v[psnr3d]), 1e-4,
          subject + " volume PSNR");
      Tolerance.assertClose(p.get("volume_ssim").getAsDouble(), Double.parseDouble(v[ssim3d]), 1e-4,
          subject + " volume SSIM");
      checked++;
    }
    assertEquals(2, checked, "both patients checked");
    int lesionTruth = cols.indexOf("volume_lesion_contrast_truth");
    int dice = cols.indexOf("volume_dice_mean");
    for (String row : lines.subList(1, lines.size())) {
      String[] v = row.split(",");
      // MS lesions are hyperintense in T2 against the white matter around them
      assertTrue(Double.parseDouble(v[lesionTruth]) > 1, "T2 lesion contrast > 1 in " + row);
      double d = Double.parseDouble(v[dice]);
      assertTrue(d > 0 && d < 1, "T1 as T2 shares some but not all tissue classes: " + row);
    }
    assertTrue(Files.readString(out.resolve("slices.csv")).contains("HistMatch"),
        "baselines evaluated");
  }

  @Test
  void missingTruthIsDataError() throws Exception {
    Path pred = tmp.resolve("pred");
    Files.createDirectories(pred);
    org.dfbk.data.nifti.NiftiIO.writeFloat32(pred.resolve("a.nii.gz"),
        new org.dfbk.data.volume.Volume(2, 2, 2, new float[8], new double[] {1, 1, 1},
        new double[][] {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}}), null);
    CliTest.Result r = CliTest.run("eval", "--pred", pred.toString(), "--truth",
        tmp.resolve("none").toString());
    assertEquals(ExitCode.DATA, r.code(), r.err());
    assertTrue(r.err().contains("a.nii.gz"), r.err());
  }

  private static final double[][] EYE = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}};

  /** A 12 x 12 x 4 volume with a bright square, so that every slice has foreground. */
  private static Volume square(double[][] affine) {
    float[] d = new float[12 * 12 * 4];
    for (int z = 0; z < 4; z++) {
      for (int y = 2; y < 10; y++) {
        for (int x = 2; x < 10; x++) {
          d[x + 12 * (y + 12 * z)] = 100 + x + y;
        }
      }
    }
    return new Volume(12, 12, 4, d, new double[] {1, 1, 1}, affine);
  }

  /** pred/s1/T2.nii.gz and truth/s1/T2.nii.gz; returns the pred folder. */
  private Path pair(Volume pred, Volume truth) {
    Path p = tmp.resolve("pred/s1/T2.nii.gz");
    Path t = tmp.resolve("truth/s1/T2.nii.gz");
    NiftiIO.writeFloat32(p, pred, null);
    NiftiIO.writeFloat32(t, truth, null);
    return tmp.resolve("pred");
  }

  private CliTest.Result eval(Path pred, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("eval", "--pred", pred.toString(),
        "--truth", tmp.resolve("truth").toString()));
    args.addAll(List.of(more));
    if (!args.contains("-o")) {
      args.addAll(List.of("-o", tmp.resolve("out").toString()));
    }
    return CliTest.run(args.toArray(String[]::new));
  }

  @Test
  void nonFiniteVoxelsAreADataErrorNamingTheFile() {
    Volume truth = square(EYE);
    float[] d = truth.data().clone();
    d[30] = Float.NaN;
    Path pred = pair(truth.withData(d), truth);
    CliTest.Result r = eval(pred);
    assertEquals(ExitCode.DATA, r.code(), r.err());
    assertTrue(r.err().contains("pred/s1/T2.nii.gz") && r.err().contains("non-finite"), r.err());
    assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
  }

  @Test
  void predictionOnAnotherGridNamesBothFilesAndTheDifference() {
    double[][] shifted = {{1, 0, 0, 2.5}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}};
    Path pred = pair(square(shifted), square(EYE));
    CliTest.Result r = eval(pred);
    assertEquals(ExitCode.DATA, r.code(), r.err());
    assertTrue(r.err().contains("pred/s1/T2.nii.gz") && r.err().contains("truth/s1/T2.nii.gz")
        && r.err().contains("2.5") && r.err().contains("Fix"), r.err());
  }

  @Test
  void fourDimensionalPredictionIsRefusedNotCutToItsFirstVolume() throws Exception {
    Path pred = pair(square(EYE), square(EYE));
    Path p = pred.resolve("s1/T2.nii.gz");
    Path p3 = tmp.resolve("three.nii");
    NiftiIO.writeFloat32(p3, square(EYE), null);
    byte[] one = Files.readAllBytes(p3);
    byte[] two = java.util.Arrays.copyOf(one, one.length + (one.length - 352));
    System.arraycopy(one, 352, two, one.length, one.length - 352);
    java.nio.ByteBuffer.wrap(two).order(java.nio.ByteOrder.LITTLE_ENDIAN).putShort(40, (short) 4)
        .putShort(48, (short) 2);
    Files.delete(p);
    Files.write(pred.resolve("s1/T2.nii"), two);
    CliTest.Result r = eval(pred, "--truth-name", "T2.nii.gz");
    assertEquals(ExitCode.DATA, r.code(), r.err());
    assertTrue(r.err().contains("T2.nii") && r.err().contains("4-D")
        && r.err().contains("[12, 12, 4, 2]"), r.err());
  }

  @Test
  void allMissingTruthsAreListedBeforeAnyVolumeIsRead() {
    Path pred = pair(square(EYE), square(EYE));
    NiftiIO.writeFloat32(pred.resolve("s2/T2.nii.gz"), square(EYE), null);
    NiftiIO.writeFloat32(pred.resolve("s3/T2.nii.gz"), square(EYE), null);
    CliTest.Result r = eval(pred);
    assertEquals(ExitCode.DATA, r.code(), r.err());
    assertTrue(r.err().contains("2 of 3") && r.err().contains("s2") && r.err().contains("s3"),
        r.err());
    assertFalse(Files.exists(tmp.resolve("out")), "no tables written");
  }

  @Test
  void outputThatIsAFileIsAUsageError() throws Exception {
    Path pred = pair(square(EYE), square(EYE));
    Path file = Files.writeString(tmp.resolve("tables.txt"), "keep");
    CliTest.Result r = eval(pred, "-o", file.toString());
    assertEquals(ExitCode.USAGE, r.code(), r.err());
    assertTrue(r.err().contains("tables.txt"), r.err());
    assertEquals("keep", Files.readString(file));
  }

  @Test
  void volumeThinnerThanTheSsimWindowGetsSliceMetrics() throws Exception {
    Path pred = pair(square(EYE), square(EYE));
    CliTest.Result r = eval(pred);
    assertEquals(0, r.code(), r.err());
    List<String> rows = Files.readAllLines(tmp.resolve("out/slices.csv"));
    assertEquals(1 + 4, rows.size(), "a row per slice of the 4-slice volume: " + rows);
  }

  @Test
  void slicesSmallerThanTheSsimWindowAreADataError() {
    float[] d = new float[8 * 8 * 12];
    java.util.Arrays.fill(d, 50f);
    Volume tiny = new Volume(8, 8, 12, d, new double[] {1, 1, 1}, EYE);
    Path pred = pair(tiny, tiny);
    CliTest.Result r = eval(pred);
    assertEquals(ExitCode.DATA, r.code(), r.err());
    assertTrue(r.err().contains("8x8") && r.err().contains("SSIM"), r.err());
  }

  /** truth/s1/{ct,mask}.nii.gz and pred/s1/ct.nii.gz, 14 x 14 x 9 in HU. */
  private Path ctPair() {
    int n = 14 * 14 * 9;
    float[] t = new float[n];
    float[] p = new float[n];
    float[] m = new float[n];
    java.util.Random rnd = new java.util.Random(17);
    for (int i = 0; i < n; i++) {
      int x = i % 14;
      int y = i / 14 % 14;
      boolean body = x >= 2 && x < 12 && y >= 3 && y < 11;
      t[i] = body ? (x == 6 ? 1800f : 30f) : -1000f;
      p[i] = t[i] + (float) (40 * rnd.nextGaussian()) + (body && y == 5 ? 3500f : 0f);
      m[i] = body ? 1 : 0;
    }
    NiftiIO.writeFloat32(tmp.resolve("truth/s1/ct.nii.gz"), new Volume(14, 14, 9, t,
        new double[] {1, 1, 1}, EYE), null);
    NiftiIO.writeFloat32(tmp.resolve("truth/s1/mask.nii.gz"), new Volume(14, 14, 9, m,
        new double[] {1, 1, 1}, EYE), null);
    NiftiIO.writeFloat32(tmp.resolve("pred/s1/ct.nii.gz"), new Volume(14, 14, 9, p,
        new double[] {1, 1, 1}, EYE), null);
    return tmp.resolve("pred");
  }

  @Test
  void synthRadProtocolPrintsTheChallengeMetricsOfEachVolume() throws Exception {
    Path pred = ctPair();
    CliTest.Result r = eval(pred, "--protocol", "synthrad2023", "--json");
    assertEquals(0, r.code(), r.err());
    JsonObject table = com.google.gson.JsonParser.parseString(r.out()).getAsJsonObject();
    assertEquals("[\"synthrad_mae\",\"synthrad_psnr\",\"synthrad_ssim\"]",
        table.get("metrics").toString());
    Volume t = NiftiIO.read(tmp.resolve("truth/s1/ct.nii.gz")).volume();
    Volume p = NiftiIO.read(pred.resolve("s1/ct.nii.gz")).volume();
    float[] md = NiftiIO.read(tmp.resolve("truth/s1/mask.nii.gz")).volume().data();
    boolean[] mask = new boolean[md.length];
    for (int i = 0; i < md.length; i++) {
      mask[i] = md[i] > 0;
    }
    org.dfbk.train.metrics.SynthRad2023.Scores s = org.dfbk.train.metrics.SynthRad2023.evaluate(
        t.data(), p.data(), mask, org.dfbk.train.metrics.Grid.of3d(14, 14, 9));
    JsonObject cells = table.getAsJsonArray("rows").get(0).getAsJsonObject()
        .getAsJsonObject("cells").getAsJsonObject("truth");
    // one subject: the mean is the value itself, printed as the shortest decimal of the double
    assertEquals(s.mae(), cells.getAsJsonObject("synthrad_mae").get("mean").getAsDouble(), 0);
    assertEquals(s.ssim(), cells.getAsJsonObject("synthrad_ssim").get("mean").getAsDouble(), 0);
    assertTrue(Files.readString(tmp.resolve("out/volumes.csv")).contains("volume_synthrad_psnr"));

    Files.delete(tmp.resolve("truth/s1/mask.nii.gz"));
    CliTest.Result missing = eval(pred, "--protocol", "synthrad2023", "-o",
        tmp.resolve("out2").toString());
    assertEquals(ExitCode.DATA, missing.code(), missing.err());
    assertTrue(missing.err().contains("truth/s1/mask.nii.gz"), missing.err());
    assertFalse(Files.exists(tmp.resolve("out2")), "nothing written");
  }

  @Test
  void evalOptionMistakesAreUsageErrors() {
    Path pred = pair(square(EYE), square(EYE));
    CliTest.Result proto = eval(pred, "--protocol", "brats");
    assertEquals(ExitCode.USAGE, proto.code(), proto.err());
    assertTrue(proto.err().contains("paper") && proto.err().contains("synthrad2023"), proto.err());
    CliTest.Result name = eval(pred, "--lesion-name", "GOLD_STANDARD.nii.gz");
    assertEquals(ExitCode.USAGE, name.code(), name.err());
    assertTrue(name.err().contains("--lesions"), name.err());
    CliTest.Result contrast = eval(pred, "--tissue-contrast", "T7");
    assertEquals(ExitCode.USAGE, contrast.code(), contrast.err());
    assertTrue(contrast.err().contains("FLAIR"), contrast.err());
  }

  @Test
  void helpShowsEachModesOptionsUnderItsOwnHeading() {
    CliTest.Result r = CliTest.run("eval", "--help");
    assertEquals(0, r.code(), r.err());
    String help = r.out();
    String[][] sections = {
        {"Predicted volumes against the truth", "--pred", "--truth", "--glob", "--truth-name",
            "--source-name", "--mask", "--lesions", "--lesion-name", "--ct", "--task"},
        {"A checkpoint's test split", "--checkpoint", "--config"},
        {"Paired comparison", "--compare"},
        {"Ablation table", "--ablation"},
        {"Metrics (with --pred or --checkpoint)", "--protocol", "--tissue-contrast",
            "--no-structure"}};
    for (String[] section : sections) {
      int start = help.indexOf("\n" + section[0]);
      assertTrue(start >= 0, "no section '" + section[0] + "' in:\n" + help);
      int end = help.indexOf("\n\n", start + 1);
      String body = help.substring(start, end < 0 ? help.length() : end);
      for (String option : java.util.Arrays.copyOfRange(section, 1, section.length)) {
        assertTrue(body.contains("  " + option + "=") || body.contains("  " + option + " ")
            || body.contains(", " + option + "="),
            option + " not under '" + section[0] + "':\n" + body);
      }
    }
  }

  @Test
  void modesAndTheirOptionsDoNotMix() {
    Path pred = pair(square(EYE), square(EYE));
    CliTest.Result both = eval(pred, "--checkpoint", tmp.resolve("c.zip").toString());
    assertEquals(ExitCode.USAGE, both.code(), both.err());
    assertTrue(both.err().contains("mutually exclusive"), both.err());
    CliTest.Result lesionsWithCheckpoint = CliTest.run("eval", "--checkpoint",
        tmp.resolve("c.zip").toString(), "--lesions", tmp.toString());
    assertEquals(ExitCode.USAGE, lesionsWithCheckpoint.code(), lesionsWithCheckpoint.err());
    assertTrue(lesionsWithCheckpoint.err().contains("--pred"), lesionsWithCheckpoint.err());
    CliTest.Result noTruth = CliTest.run("eval", "--pred", pred.toString());
    assertEquals(ExitCode.USAGE, noTruth.code(), noTruth.err());
    assertTrue(noTruth.err().contains("--truth"), noTruth.err());
    assertFalse(Files.exists(tmp.resolve("out")), "nothing written");
  }

  /** A slices.csv with one DFBK slice of the given PSNR and SSIM. */
  private static void slicesCsv(Path dir, double psnr, double ssim) throws Exception {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("slices.csv"),
        "task,method,subject,slice,psnr,ssim,mae,masked_psnr,masked_ssim,masked_mae\n"
            + "T1→T2,DFBK,s1,0," + psnr + "," + ssim + ",0.1,20,0.5,0.2\n"
            + "T1→T2,DFBK,s1,1," + psnr + "," + ssim + ",0.1,20,0.5,0.2\n");
  }

  @Test
  void ablationRowsAreNamedByTheRunsNotByTheirSharedEvalFolder(@TempDir Path tmp) throws Exception {
    // the layout of scripts/run_ablations.sh: RUNS/<task>/<setting>/eval
    slicesCsv(tmp.resolve("task/none/eval"), 20.5, 0.61);
    slicesCsv(tmp.resolve("task/dfb/eval"), 21.5, 0.71);
    slicesCsv(tmp.resolve("task/kg/eval"), 22.5, 0.81);
    Path out = tmp.resolve("table3");
    CliTest.Result r = CliTest.run("eval", "--ablation", tmp.resolve("task/none/eval").toString(),
        tmp.resolve("task/dfb/eval").toString(), tmp.resolve("task/kg/eval").toString(),
        "--output", out.toString());
    assertEquals(0, r.code(), r.err());
    String md = Files.readString(out.resolve("ablation.md"));
    assertTrue(md.contains("| none | 20.50") && md.contains("| dfb | <u>21.50")
        && md.contains("| kg | **22.50"), md);
    assertFalse(md.contains("| eval |"), md);

    CliTest.Result cmp = CliTest.run("eval", "--compare", tmp.resolve("task/none/eval").toString(),
        tmp.resolve("task/kg/eval").toString(), "--output", tmp.resolve("cmp").toString());
    assertEquals(0, cmp.code(), cmp.err());
    assertTrue(cmp.out().contains("B = kg vs A = none"), cmp.out());

    CliTest.Result twice = CliTest.run("eval", "--ablation",
        tmp.resolve("task/dfb/eval").toString(), tmp.resolve("task/dfb/eval/").toString(),
        "--output", tmp.resolve("t").toString());
    assertEquals(ExitCode.USAGE, twice.code(), twice.out() + twice.err());
    assertTrue(twice.err().contains("given twice"), twice.err());
  }

  @Test
  void seededSettingsGiveTheSpreadOverSeedsAndPairedTests(@TempDir Path tmp) throws Exception {
    // the layout of scripts/run_ablations.sh with ABLATION_SEEDS: RUNS/<task>/<setting>/seed-N/eval
    slicesCsv(tmp.resolve("task/none/seed-0/eval"), 20.0, 0.60);
    slicesCsv(tmp.resolve("task/none/seed-1/eval"), 21.0, 0.62);
    slicesCsv(tmp.resolve("task/dfb/seed-0/eval"), 22.0, 0.70);
    slicesCsv(tmp.resolve("task/dfb/seed-1/eval"), 22.0, 0.72);
    slicesCsv(tmp.resolve("task/dfb/seed-10/eval"), 23.0, 0.74);
    Path out = tmp.resolve("table3");
    CliTest.Result r = CliTest.run("eval", "--ablation", tmp.resolve("task/none").toString(),
        tmp.resolve("task/dfb").toString(), "--output", out.toString());
    assertEquals(0, r.code(), r.err());
    String md = Files.readString(out.resolve("ablation.md"));
    // none: run means 20, 21 -> 20.5 ± 0.71; dfb: 22, 22, 23 -> 22.33 ± 0.58; the two slices
    // of each run are equal, so the paired difference is 22.33 - 20.5 on both (sd 0: no interval)
    assertTrue(md.contains("| none | 2 | 20.50 ± 0.71 | 0.610 ± 0.014 |"), md);
    assertTrue(md.contains("| dfb | 3 | 22.33 ± 0.58 | 0.720 ± 0.020 |"), md);
    assertTrue(md.contains("| dfb | +1.83"), md);
    assertEquals(md, r.out());

    Files.createDirectories(tmp.resolve("task/kg/seed-0"));
    CliTest.Result empty = CliTest.run("eval", "--ablation", tmp.resolve("task/none").toString(),
        tmp.resolve("task/kg").toString(), "--output", tmp.resolve("t").toString());
    assertEquals(ExitCode.DATA, empty.code(), empty.err());
    assertTrue(empty.err().contains("seed-0") && empty.err().contains("slices.csv"), empty.err());
  }
}

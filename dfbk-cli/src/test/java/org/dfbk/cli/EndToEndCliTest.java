package org.dfbk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dfbk.data.nifti.NiftiIO;
import org.dfbk.data.volume.Volume;
import org.dfbk.fixtures.Golden;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * phantom → tiny training (DFB + KG) → translate → eval: files exist, geometry and numbers hold.
 */
class EndToEndCliTest {
  @TempDir Path tmp;

  @Test
  void phantomTrainTranslateEvaluate() throws Exception {
    Path ph = tmp.resolve("phantom");
    assertEquals(0, CliTest.run("phantom", "--output", ph.toString(), "--subjects", "3", "--size",
        "32", "--slices", "16").code());
    Path cfg = tmp.resolve("tiny.yaml");
    Files.writeString(cfg, String.join("\n",
        "name: tiny",
        "data: {layout: paired, root: " + ph + ", source: T1, target: T2, slices_per_subject: 6,",
        "       image_size: 32, cache: " + tmp.resolve("cache")
            + ", split: {train: 0.34, val: 0.33}}",
        "model: {image_size: 32, channels: 32, channel_mult: [1, 2], num_res_blocks: 1,",
        "        attention_resolutions: [16], swin_embed_dim: 32, head_channels: 32,"
            + " window_size: 8,",
        "        dfb: {mode: LH, scope: window}, kg: {mode: LH}}",
        "train: {batch_size: 4, lr: 2.0e-4, max_steps: 12, log_every: 4, val_every: 6,",
        "        checkpoint_every: 6, val_slices: 4}",
        "knowledge: {cache: " + tmp.resolve("knowledge") + "}",
        "eval: {batch: 8, figures_per_subject: 1}",
        ""));
    Path run = tmp.resolve("run");
    CliTest.Result tr =
        CliTest.run("train", "--config", cfg.toString(), "--output", run.toString());
    assertEquals(0, tr.code(), tr.err());
    Path ckpt = run.resolve("checkpoints/last.zip");
    assertTrue(
        Files.isRegularFile(ckpt) && Files.isRegularFile(run.resolve("checkpoints/best.zip")));
    assertTrue(Files.readAllLines(run.resolve("validation.csv")).size() >= 3,
        "two validations logged");

    Path src = ph.resolve("phantom-002/T1.nii.gz");
    Path out = tmp.resolve("pred");
    CliTest.Result tl = CliTest.run("translate", "--checkpoint", ckpt.toString(), "--input",
        src.toString(), "--output", out.toString(), "--output-name", "T2.nii.gz", "--samples", "2");
    assertEquals(0, tl.code(), tl.err());
    Volume in = NiftiIO.read(src).volume();
    Volume pred = NiftiIO.read(out.resolve("T2.nii.gz")).volume();
    assertTrue(pred.sameGrid(in, 1e-6), "translation keeps the source grid");
    assertTrue(Files.isRegularFile(out.resolve("T2_std.nii.gz")), "uncertainty map written");
    assertTrue(!tl.err().contains("warning"), "a scan at the training scale: " + tl.err());
    Double trainedMm = org.dfbk.train.loop.Checkpoints.readState(ckpt).modelPixelMm();
    assertTrue(trainedMm != null && trainedMm > 0, "checkpoint records the training scale");

    // The same pixels with half the voxel size: half the field of view, so the model would see
    // the anatomy twice as large as in training; translated, with a warning that says so
    double[][] half = new double[4][];
    for (int r = 0; r < 4; r++) {
      half[r] = in.affine()[r].clone();
      for (int col = 0; col < 3; col++) {
        half[r][col] /= 2;
      }
    }
    double[] halfVs = {in.voxelSize()[0] / 2, in.voxelSize()[1] / 2, in.voxelSize()[2] / 2};
    Path small = tmp.resolve("small/T1.nii.gz");
    Files.createDirectories(small.getParent());
    NiftiIO.writeFloat32(small, new Volume(in.nx(), in.ny(), in.nz(), in.data(), halfVs, half),
        null);
    CliTest.Result ts = CliTest.run("translate", "--checkpoint", ckpt.toString(), "--input",
        small.toString(), "--output", tmp.resolve("pred-small").toString());
    assertEquals(0, ts.code(), ts.err());
    assertTrue(ts.err().contains("warning") && ts.err().contains("small/T1.nii.gz")
        && ts.err().contains("2.00 times larger") && ts.err().contains("Fix: pad"), ts.err());
    org.dfbk.data.transform.DataProfile trained =
        org.dfbk.train.loop.Checkpoints.readState(ckpt).inputProfile();
    assertTrue(trained != null && trained.skullOnShare() == 1.0, "the checkpoint records its"
        + " training sources (skull-on phantoms): " + trained);
    // --strict: the same scan is refused, exit code 3, nothing written
    Path strictOut = tmp.resolve("pred-strict");
    CliTest.Result st = CliTest.run("translate", "--checkpoint", ckpt.toString(), "--input",
        small.toString(), "--output", strictOut.toString(), "--strict");
    assertEquals(ExitCode.DATA, st.code(), st.err());
    assertTrue(st.err().contains("--strict") && st.err().contains("2.00 times larger"), st.err());
    assertTrue(!Files.exists(strictOut.resolve("T1.nii.gz")), "nothing written under --strict");
    // --tta flip: both passes, same grid
    CliTest.Result tf = CliTest.run("translate", "--checkpoint", ckpt.toString(), "--input",
        src.toString(), "--output", tmp.resolve("pred-tta").toString(), "--tta", "flip");
    assertEquals(0, tf.code(), tf.err());
    assertTrue(NiftiIO.read(tmp.resolve("pred-tta/T1.nii.gz")).volume().sameGrid(in, 1e-6));
    assertEquals(ExitCode.USAGE, CliTest.run("translate", "--checkpoint", ckpt.toString(),
        "--input", src.toString(), "--output", tmp.resolve("pred-x").toString(), "--tta", "rot")
        .code(), "--tta names its choices");

    // A 4-D file whose volume 1 is the scan (volume 0 is its negative): --volume 1 translates
    // exactly what the 3-D file gives; without --volume the file is refused, naming the option
    Path three = tmp.resolve("vol/T1.nii");
    Files.createDirectories(three.getParent());
    NiftiIO.writeFloat32(three, in, null);
    byte[] one = Files.readAllBytes(three);
    int off = 352;
    byte[] two = java.util.Arrays.copyOf(one, one.length + (one.length - off));
    java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(two).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (int i = off; i < one.length; i += 4) {
      bb.putFloat(i, -bb.getFloat(i)); // volume 0: the negative
    }
    System.arraycopy(one, off, two, one.length, one.length - off); // volume 1: the scan
    bb.putShort(40, (short) 4).putShort(48, (short) 2);
    Path four = tmp.resolve("vol4d/T1.nii");
    Files.createDirectories(four.getParent());
    Files.write(four, two);
    CliTest.Result t3 = CliTest.run("translate", "--checkpoint", ckpt.toString(), "--input",
        three.toString(), "--output", tmp.resolve("pred-3d").toString());
    CliTest.Result t4 = CliTest.run("translate", "--checkpoint", ckpt.toString(), "--input",
        four.toString(), "--output", tmp.resolve("pred-4d").toString(), "--volume", "1");
    assertEquals(0, t3.code(), t3.err());
    assertEquals(0, t4.code(), t4.err());
    Volume p3 = NiftiIO.read(tmp.resolve("pred-3d/T1.nii.gz")).volume();
    Volume p4 = NiftiIO.read(tmp.resolve("pred-4d/T1.nii.gz")).volume();
    assertTrue(p4.sameGrid(in, 1e-6), "a 3-D output on the input's grid");
    // the same slices through the same network, but from other arrays (other memory, possibly
    // other kernels): equal to float32 reordering. Each of the 4 network calls is within
    // Tolerance.reordering (~1e-3 for the tiny network) of x0 in [-1, 1], which translate scales
    // to the volume's range; volume 0 (the negative) would differ by the whole range.
    double range = 0;
    for (float v : p3.data()) {
      range = Math.max(range, Math.abs(v));
    }
    Tolerance.assertClose(p3.data(), p4.data(), 0, 4e-3 * range,
        "volume 1 of the 4-D file = the 3-D file");
    CliTest.Result refused = CliTest.run("translate", "--checkpoint", ckpt.toString(), "--input",
        four.toString(), "--output", tmp.resolve("pred-4d-x").toString());
    assertEquals(ExitCode.DATA, refused.code(), refused.err());
    assertTrue(refused.err().contains("--volume T") && refused.err().contains("0..1"),
        refused.err());
    CliTest.Result outside = CliTest.run("translate", "--checkpoint", ckpt.toString(), "--input",
        four.toString(), "--output", tmp.resolve("pred-4d-y").toString(), "--volume", "2");
    assertEquals(ExitCode.DATA, outside.code(), outside.err());
    assertTrue(outside.err().contains("out of range") && outside.err().contains("2 volume(s)"),
        outside.err());

    // The same scan stored with x and y reversed (LPS instead of RAS) translates to the same
    // image: slices come from the canonical order, results go back to the file's own order.
    int nx = in.nx();
    int ny = in.ny();
    float[] flipped = new float[in.data().length];
    for (int z = 0; z < in.nz(); z++) {
      for (int y = 0; y < ny; y++) {
        for (int x = 0; x < nx; x++) {
          flipped[in.index(x, y, z)] = in.get(nx - 1 - x, ny - 1 - y, z);
        }
      }
    }
    double[][] a = new double[4][];
    for (int r = 0; r < 4; r++) {
      double[] row = in.affine()[r].clone();
      row[3] += row[0] * (nx - 1) + row[1] * (ny - 1);
      row[0] = -row[0];
      row[1] = -row[1];
      a[r] = row;
    }
    Path lps = tmp.resolve("lps/T1.nii.gz");
    Files.createDirectories(lps.getParent());
    NiftiIO.writeFloat32(lps, new Volume(nx, ny, in.nz(), flipped, in.voxelSize(), a), null);
    Path outLps = tmp.resolve("pred-lps");
    CliTest.Result tlps = CliTest.run("translate", "--checkpoint", ckpt.toString(), "--input",
        lps.toString(), "--output", outLps.toString(), "--output-name", "T2.nii.gz", "--samples",
        "2");
    assertEquals(0, tlps.code(), tlps.err());
    Volume predLps = NiftiIO.read(outLps.resolve("T2.nii.gz")).volume();
    double worst = 0;
    for (int z = 0; z < in.nz(); z++) {
      for (int y = 0; y < ny; y++) {
        for (int x = 0; x < nx; x++) {
          worst = Math.max(worst,
              Math.abs(predLps.get(x, y, z) - pred.get(nx - 1 - x, ny - 1 - y, z)));
        }
      }
    }
    assertEquals(0, worst, 1e-4, "LPS-stored copy vs RAS original, max |diff| " + worst);

    CliTest.Result overwrite = CliTest.run("translate", "--checkpoint", ckpt.toString(), "--input",
        src.toString(), "--output", src.getParent().toString());
    assertEquals(ExitCode.DATA, overwrite.code(),
        "refuses to overwrite its input: " + overwrite.err());

    Path batch = tmp.resolve("batch");
    Files.createDirectories(batch);
    Files.copy(src, batch.resolve("good.nii.gz"));
    Files.write(batch.resolve("broken.nii.gz"), new byte[] {31, -117, 8, 0, 1, 2, 3});
    CliTest.Result kg = CliTest.run("translate", "--checkpoint", ckpt.toString(), "--input",
        batch.toString(), "--output", tmp.resolve("batch-out").toString(), "--keep-going");
    assertEquals(ExitCode.DATA, kg.code(), "a failed file makes the run exit 3: " + kg.err());
    assertTrue(kg.err().contains("broken.nii.gz"), "the failure names the file: " + kg.err());
    assertTrue(Files.isRegularFile(tmp.resolve("batch-out/good.nii.gz")),
        "the good file is translated");
    assertTrue(!Files.exists(tmp.resolve("batch-out/broken.nii.gz")),
        "nothing written for the bad file");

    Path ev = tmp.resolve("eval");
    CliTest.Result er = CliTest.run("eval", "--checkpoint", ckpt.toString(), "-o", ev.toString(),
        "--json");
    assertEquals(0, er.code(), er.err());
    JsonOutputCliTest.oneJsonDocument(er.out(), "eval --checkpoint --json");
    assertTrue(er.err().contains("report.html"), "the report's path is on stderr: " + er.err());
    assertTrue(Files.isRegularFile(ev.resolve("report.html")));
    try (var pngs = Files.list(ev.resolve("figures"))) {
      assertEquals(1, pngs.filter(p -> p.toString().endsWith(".png")).count(),
          "one figure per subject");
    }
    // The table's DFBK PSNR equals the mean recomputed from the per-slice CSV.
    List<String> rows = Files.readAllLines(ev.resolve("tables/slices.csv"));
    List<String> header = List.of(rows.get(0).split(","));
    int psnr = header.indexOf("psnr");
    double sum = 0;
    int n = 0;
    for (String r : rows.subList(1, rows.size())) {
      String[] v = r.split(",");
      if (v[1].equals("DFBK")) {
        sum += Double.parseDouble(v[psnr]);
        n++;
      }
    }
    JsonObject table = Golden.file(ev.resolve("table.json"));
    double mean = table.getAsJsonArray("rows").get(0).getAsJsonObject().getAsJsonObject("cells")
        .getAsJsonObject("T1→T2").getAsJsonObject("psnr").get("mean").getAsDouble();
    assertTrue(n > 0, "DFBK slices evaluated");
    assertEquals(sum / n, mean, 1e-9, "table mean = recomputed mean over " + n + " slices");

    // The report's Training section shows the run's curves, written next to report.html; the
    // row counts it states are those of metrics.jsonl (a run without resume repeats no step)
    String html = Files.readString(ev.resolve("report.html"));
    assertTrue(html.contains("<h2>Training</h2>"), "a Training section");
    for (String png : List.of("training-loss.png", "training-validation.png",
        "training-blocks.png")) {
      assertTrue(Files.isRegularFile(ev.resolve(png)), png + " next to report.html");
      assertTrue(html.contains("<img src=\"" + png + "\""), png + " in the report");
    }
    List<String> metrics = Files.readAllLines(run.resolve("metrics.jsonl"));
    long trainRows = metrics.stream().filter(l -> l.contains("\"kind\":\"train\"")).count();
    long valRows = metrics.stream().filter(l -> l.contains("\"kind\":\"validation\"")).count();
    long blockRows = metrics.stream().filter(l -> l.contains("\"kind\":\"blocks\"")).count();
    String counts = trainRows + " training rows up to step 12, " + valRows + " validations, "
        + blockRows + " block readings";
    assertTrue(html.contains(counts), "'" + counts + "' in the report");

    // eval --checkpoint translates each test subject with translate's one-volume step: NaN
    // source voxels are translated as background with a warning, a 4-D source is refused
    Path nanData = tmp.resolve("phantom-nan");
    Path fourData = tmp.resolve("phantom-4d");
    try (var subjects = Files.list(ph)) {
      for (Path subject : subjects.filter(Files::isDirectory).toList()) {
        Path t2 = subject.resolve("T2.nii.gz");
        Volume t1 = NiftiIO.read(subject.resolve("T1.nii.gz")).volume();
        float[] d = t1.data().clone();
        d[t1.index(t1.nx() / 2, t1.ny() / 2, t1.nz() / 2)] = Float.NaN;
        Path nanSubject = nanData.resolve(subject.getFileName());
        NiftiIO.writeFloat32(nanSubject.resolve("T1.nii.gz"), t1.withData(d), null);
        Files.copy(t2, nanSubject.resolve("T2.nii.gz"));
        Path fourSubject = fourData.resolve(subject.getFileName());
        NiftiIO.writeFloat32(fourSubject.resolve("T1.nii"), t1, null);
        byte[] vol = Files.readAllBytes(fourSubject.resolve("T1.nii"));
        byte[] series = java.util.Arrays.copyOf(vol, vol.length + (vol.length - off));
        System.arraycopy(vol, off, series, vol.length, vol.length - off);
        java.nio.ByteBuffer.wrap(series).order(java.nio.ByteOrder.LITTLE_ENDIAN)
            .putShort(40, (short) 4).putShort(48, (short) 2);
        Files.write(fourSubject.resolve("T1.nii"), series);
        Files.copy(t2, fourSubject.resolve("T2.nii.gz"));
      }
    }
    Path nanCfg = tmp.resolve("tiny-nan.yaml");
    Files.writeString(nanCfg, Files.readString(cfg).replace("root: " + ph, "root: " + nanData));
    Path nanEval = tmp.resolve("eval-nan");
    CliTest.Result en = CliTest.run("eval", "--checkpoint", ckpt.toString(), "--config",
        nanCfg.toString(), "-o", nanEval.toString());
    assertEquals(0, en.code(), en.err());
    assertTrue(en.err().contains("warning") && en.err().contains("T1.nii.gz has 1 NaN or infinite"
        + " voxel(s); they are translated as background (0.0)"), en.err());
    assertTrue(Files.isRegularFile(nanEval.resolve("report.html")), "evaluated");
    Path fourCfg = tmp.resolve("tiny-4d.yaml");
    Files.writeString(fourCfg, Files.readString(cfg).replace("root: " + ph, "root: " + fourData));
    Path fourEval = tmp.resolve("eval-4d");
    CliTest.Result e4 = CliTest.run("eval", "--checkpoint", ckpt.toString(), "--config",
        fourCfg.toString(), "-o", fourEval.toString());
    assertEquals(ExitCode.DATA, e4.code(), e4.err());
    assertTrue(e4.err().contains("T1.nii is 4-D") && e4.err().contains("[32, 32, 16, 2]"),
        e4.err());
    // eval has no --volume: the fix is to extract a volume, not an option it lacks
    assertTrue(e4.err().contains("Fix: extract the volume to use, e.g. fslroi T1.nii")
        && !e4.err().contains("--volume"), e4.err());
    assertTrue(!Files.exists(fourEval.resolve("predictions")), "nothing translated or written");

    // a damaged metrics file next to a checkpoint stops the evaluation before anything is written
    Path bad = tmp.resolve("damaged-run");
    Files.createDirectories(bad.resolve("checkpoints"));
    Files.copy(ckpt, bad.resolve("checkpoints/last.zip"));
    metrics.set(1, metrics.get(1).substring(0, 12));
    Files.write(bad.resolve("metrics.jsonl"), metrics);
    Path badOut = tmp.resolve("damaged-eval");
    CliTest.Result eb = CliTest.run("eval", "--checkpoint",
        bad.resolve("checkpoints/last.zip").toString(), "-o", badOut.toString());
    assertEquals(3, eb.code(), eb.err());
    assertTrue(eb.err().contains(bad.resolve("metrics.jsonl") + " line 2 is malformed"),
        eb.err());
    assertTrue(!Files.exists(badOut), "nothing written");
  }
}

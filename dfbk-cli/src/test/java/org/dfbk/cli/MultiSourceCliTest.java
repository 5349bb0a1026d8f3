package org.dfbk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dfbk.data.nifti.NiftiIO;
import org.dfbk.data.transform.ConditionLayout;
import org.dfbk.data.volume.Volume;
import org.dfbk.train.loop.CheckpointState;
import org.dfbk.train.loop.Checkpoints;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many-to-one with slice context through the command line: a tiny T1 + T2 → FLAIR model with
 * context 1 trains, its checkpoint records the sources and context, subject folders translate,
 * and inputs that do not fit the checkpoint are refused with what it expects.
 */
class MultiSourceCliTest {
  @TempDir static Path tmp;
  static Path phantom;
  static Path checkpoint;

  @BeforeAll
  static void trainTinyModel() throws Exception {
    phantom = tmp.resolve("phantom");
    assertEquals(0, CliTest.run("phantom", "--output", phantom.toString(), "--subjects", "3",
        "--size", "32", "--slices", "16").code());
    Path cfg = tmp.resolve("multi.yaml");
    Files.writeString(cfg, String.join("\n",
        "name: multi",
        "data: {layout: paired, root: " + phantom + ", source: [T1, T2], target: FLAIR,",
        "       context: 1, slices_per_subject: 6, image_size: 32,",
        "       cache: " + tmp.resolve("cache") + ", split: {train: 0.34, val: 0.33}}",
        "model: {image_size: 32, channels: 32, channel_mult: [1, 2], num_res_blocks: 1,",
        "        attention_resolutions: [16], swin_embed_dim: 32, head_channels: 32,"
            + " window_size: 8,",
        "        dfb: {mode: none}, kg: {mode: none}}",
        "train: {batch_size: 4, max_steps: 4, log_every: 2, val_every: 4, checkpoint_every: 4,",
        "        val_slices: 4}",
        "eval: {batch: 8, figures_per_subject: 0}",
        ""));
    CliTest.Result summary = CliTest.run("model", "summary", "--config", cfg.toString());
    assertEquals(0, summary.code(), summary.err());
    assertTrue(summary.out().contains("input: (N, 7, 32, 32) = x_t, source:T1, source:T2,"
        + " source:T1@-1, source:T2@-1, source:T1@+1, source:T2@+1"), summary.out());
    Path run = tmp.resolve("run");
    CliTest.Result tr = CliTest.run("train", "--config", cfg.toString(), "--output",
        run.toString());
    assertEquals(0, tr.code(), tr.err());
    checkpoint = run.resolve("checkpoints/last.zip");
  }

  private static CliTest.Result translate(String... args) {
    String[] all = new String[args.length + 4];
    all[0] = "translate";
    all[1] = "--checkpoint";
    all[2] = checkpoint.toString();
    all[3] = "--devices=cpu";
    System.arraycopy(args, 0, all, 4, args.length);
    return CliTest.run(all);
  }

  @Test
  void theCheckpointRecordsTheSourcesAndContext() {
    CheckpointState s = Checkpoints.readState(checkpoint);
    assertEquals(List.of("T1", "T2"), s.sources());
    assertEquals(1, s.context());
    assertEquals(new ConditionLayout(List.of("T1", "T2"), 1), s.conditionLayout("T1"));
  }

  @Test
  void subjectFoldersTranslateOnTheSourceGrid() {
    Path subject = phantom.resolve("phantom-002");
    Path out = tmp.resolve("pred");
    CliTest.Result r = translate("--input", subject.toString(), "--output", out.toString());
    assertEquals(0, r.code(), r.err());
    Volume t1 = NiftiIO.read(subject.resolve("T1.nii.gz")).volume();
    Volume pred = NiftiIO.read(out.resolve("phantom-002/FLAIR.nii.gz")).volume();
    assertTrue(pred.sameGrid(t1, 1e-6), "the prediction is on the sources' grid");
    Path named = tmp.resolve("pred-named");
    CliTest.Result n = translate("--input", phantom.toString(), "--output", named.toString(),
        "--source-name", "T1.nii.gz,T2.nii.gz", "--output-name", "synth.nii.gz");
    assertEquals(0, n.code(), n.err());
    for (String id : List.of("phantom-000", "phantom-001", "phantom-002")) {
      assertTrue(Files.isRegularFile(named.resolve(id).resolve("synth.nii.gz")), id);
    }
  }

  @Test
  void otherSourcesOrderOrContextAreRefusedWithWhatTheCheckpointExpects() {
    String subject = phantom.resolve("phantom-000").toString();
    String expects = "expects the sources [T1, T2] in this order with context 1";
    for (String[] args : new String[][] {
        {"--sources", "T2,T1"}, {"--sources", "T1"}, {"--context", "0"},
        {"--source-name", "T2.nii.gz,T1.nii.gz"}, {"--source-name", "T1.nii.gz"}}) {
      Path out = tmp.resolve("refused-" + String.join("", args).replaceAll("\\W", ""));
      CliTest.Result r = translate(concat(args, "--input", subject, "--output", out.toString()));
      assertEquals(ExitCode.USAGE, r.code(), String.join(" ", args) + ": " + r.err());
      assertTrue(r.err().contains(expects), String.join(" ", args) + ": " + r.err());
      assertFalse(Files.exists(out), "nothing written for " + String.join(" ", args));
    }
    CliTest.Result file = translate("--input", phantom.resolve("phantom-000/T1.nii.gz").toString(),
        "--output", tmp.resolve("refused-file").toString());
    assertEquals(ExitCode.USAGE, file.code(), file.err());
    assertTrue(file.err().contains("not a folder") && file.err().contains("[T1, T2]"), file.err());
  }

  @Test
  void aMissingSourceOrSourcesOffOneGridAreDataErrorsNamingTheFiles() throws Exception {
    Path lone = Files.createDirectories(tmp.resolve("lone/s1"));
    Files.copy(phantom.resolve("phantom-000/T1.nii.gz"), lone.resolve("T1.nii.gz"));
    CliTest.Result missing = translate("--input", lone.toString(), "--output",
        tmp.resolve("out-missing").toString(), "--source-name", "T1.nii.gz,T2.nii.gz");
    assertEquals(ExitCode.DATA, missing.code(), missing.err());
    assertTrue(missing.err().contains("has no T2.nii.gz") && missing.err().contains("T2"),
        missing.err());

    Path shifted = Files.createDirectories(tmp.resolve("shifted/s2"));
    Volume t1 = NiftiIO.read(phantom.resolve("phantom-000/T1.nii.gz")).volume();
    Volume t2 = NiftiIO.read(phantom.resolve("phantom-000/T2.nii.gz")).volume();
    double[][] moved = new double[4][];
    for (int r = 0; r < 4; r++) {
      moved[r] = t2.affine()[r].clone();
    }
    moved[0][3] += 5;
    NiftiIO.writeFloat32(shifted.resolve("T1.nii.gz"), t1, null);
    NiftiIO.writeFloat32(shifted.resolve("T2.nii.gz"),
        new Volume(t2.nx(), t2.ny(), t2.nz(), t2.data(), t2.voxelSize(), moved), null);
    Path out = tmp.resolve("out-shifted");
    CliTest.Result grid = translate("--input", shifted.toString(), "--output", out.toString(),
        "--source-name", "T1.nii.gz,T2.nii.gz");
    assertEquals(ExitCode.DATA, grid.code(), grid.err());
    String shape = t1.nx() + "x" + t1.ny() + "x" + t1.nz();
    assertTrue(grid.err().contains("s2/T1.nii.gz") && grid.err().contains("s2/T2.nii.gz")
        && grid.err().contains(shape) && grid.err().contains("affine"), grid.err());
    assertFalse(Files.exists(out.resolve("s2/FLAIR.nii.gz")), "nothing written");
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}

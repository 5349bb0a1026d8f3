package org.dfbk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        "--method", "T1asT2", "-o", out.toString());
    assertEquals(0, r.code(), r.err());
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
    assertTrue(Files.readString(out.resolve("slices.csv")).contains("HistMatch"), "baselines evaluated");
  }

  @Test
  void missingTruthIsDataError() throws Exception {
    Path pred = tmp.resolve("pred");
    Files.createDirectories(pred);
    org.dfbk.data.nifti.NiftiIO.writeFloat32(pred.resolve("a.nii.gz"), new org.dfbk.data.volume.Volume(
        2, 2, 2, new float[8], new double[] {1, 1, 1},
        new double[][] {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}}), null);
    CliTest.Result r = CliTest.run("eval", "--pred", pred.toString(), "--truth", tmp.resolve("none").toString());
    assertEquals(ExitCode.DATA, r.code(), r.err());
    assertTrue(r.err().contains("a.nii.gz"), r.err());
  }
}

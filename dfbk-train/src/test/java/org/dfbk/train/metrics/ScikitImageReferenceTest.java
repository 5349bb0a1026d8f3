package org.dfbk.train.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.dfbk.data.nifti.NiftiIO;
import org.dfbk.data.volume.Volume;
import org.dfbk.fixtures.Golden;
import org.dfbk.fixtures.SharedData;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.Test;

/**
 * Slice and whole-volume SSIM and PSNR of real open-ms contrast pairs against
 * ../shared/reference/metrics-skimage.json (scikit-image 0.19.3), within 1e-4, after the
 * normalisation that file states. Skips when ../shared is absent.
 */
class ScikitImageReferenceTest {
  private static final double ATOL = 1e-4;

  @Test
  void sliceAndVolumeMetricsMatchScikitImageOnOpenMs() {
    JsonObject ref = Golden.file(SharedData.require("reference/metrics-skimage.json"));
    Path data = SharedData.require("data/open-ms");
    Map<String, Volume> cache = new HashMap<>();
    int pairs = 0;
    for (JsonElement pe : ref.getAsJsonArray("pairs")) {
      JsonObject p = pe.getAsJsonObject();
      String patient = p.get("patient").getAsString();
      Volume a = cache.computeIfAbsent(patient + "/" + p.get("a").getAsString(),
          k -> normalised(NiftiIO.read(data.resolve(k + ".nii.gz")).volume()));
      Volume b = cache.computeIfAbsent(patient + "/" + p.get("b").getAsString(),
          k -> normalised(NiftiIO.read(data.resolve(k + ".nii.gz")).volume()));
      String what = patient + " " + p.get("a").getAsString() + "/" + p.get("b").getAsString();
      int z = a.nz() / 2;
      assertEquals(p.get("axial_slice").getAsInt(), z, what + " axial slice index");
      Grid g2 = Grid.of2d(a.nx(), a.ny());
      float[] sa = axial(a, z);
      float[] sb = axial(b, z);
      Tolerance.assertClose(p.get("slice_ssim").getAsDouble(),
          Ssim.ssim(sa, sb, g2, SsimOptions.standard(1.0)), ATOL, what + " slice SSIM");
      Tolerance.assertClose(p.get("slice_psnr").getAsDouble(),
          PixelMetrics.psnr(sa, sb, 1.0), ATOL, what + " slice PSNR");
      Grid g3 = Grid.of3d(a.nx(), a.ny(), a.nz());
      Tolerance.assertClose(p.get("volume_ssim").getAsDouble(),
          Ssim.ssim(a.data(), b.data(), g3, SsimOptions.standard(1.0)), ATOL,
          what + " volume SSIM");
      Tolerance.assertClose(p.get("volume_psnr").getAsDouble(),
          PixelMetrics.psnr(a.data(), b.data(), 1.0), ATOL, what + " volume PSNR");
      pairs++;
    }
    assertEquals(8, pairs, "reference pairs checked");
  }

  /** Axial slice z (x fastest), the stored array's [:, :, z]. */
  private static float[] axial(Volume v, int z) {
    int plane = v.nx() * v.ny();
    return Arrays.copyOfRange(v.data(), z * plane, (z + 1) * plane);
  }

  /**
   * The reference file's normalisation, in double precision: clip at 0, divide by the 99.5th
   * percentile (numpy linear interpolation) of the voxels > 0, clip to [0, 1].
   */
  static Volume normalised(Volume v) {
    float[] d = v.data();
    double[] positive = new double[d.length];
    int n = 0;
    for (float x : d) {
      if (x > 0) {
        positive[n++] = x;
      }
    }
    double[] s = Arrays.copyOf(positive, n);
    Arrays.sort(s);
    double p = numpyPercentile(s, 99.5);
    float[] out = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      double x = Math.max(0.0, d[i]) / p;
      out[i] = (float) Math.min(1.0, x);
    }
    return v.withData(out);
  }

  /** numpy.percentile(sorted, q), method 'linear'. */
  static double numpyPercentile(double[] sorted, double q) {
    double idx = q / 100.0 * (sorted.length - 1);
    int lo = (int) Math.floor(idx);
    int hi = Math.min(lo + 1, sorted.length - 1);
    double t = idx - lo;
    return sorted[lo] + (sorted[hi] - sorted[lo]) * t;
  }

  @Test
  void percentileMatchesNumpyLinearOnHandValues() {
    // numpy.percentile([1, 2, 3, 4], 99.5) = 3 + 0.985 = 3.985; [10, 20] at 25 -> 12.5
    Tolerance.assertClose(3.985, numpyPercentile(new double[] {1, 2, 3, 4}, 99.5), 1e-12,
        "percentile 99.5");
    Tolerance.assertClose(12.5, numpyPercentile(new double[] {10, 20}, 25), 1e-12,
        "percentile 25");
  }
}

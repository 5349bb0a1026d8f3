package org.dfbk.train.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Map;
import org.dfbk.fixtures.Golden;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.Test;

/**
 * PSNR, SSIM and MAE (whole and masked) against scikit-image 0.19.3 goldens written by
 * scripts/reference/make_metric_goldens.py.
 */
class MetricGoldenTest {
  private static final double ATOL = 1e-9;

  static Grid grid(JsonArray shape) {
    if (shape.size() == 2) {
      return Grid.of2d(shape.get(1).getAsInt(), shape.get(0).getAsInt());
    }
    return Grid.of3d(shape.get(2).getAsInt(), shape.get(1).getAsInt(), shape.get(0).getAsInt());
  }

  static boolean[] mask(JsonElement e) {
    double[] d = Golden.flatten(e);
    boolean[] m = new boolean[d.length];
    for (int i = 0; i < d.length; i++) {
      m[i] = d[i] != 0;
    }
    return m;
  }

  private static void checkCases(String resource) {
    JsonObject golden = Golden.resource(MetricGoldenTest.class, "/golden/" + resource);
    for (JsonElement ce : golden.getAsJsonArray("cases")) {
      JsonObject c = ce.getAsJsonObject();
      String name = c.get("name").getAsString();
      Grid g = grid(c.getAsJsonArray("shape"));
      float[] a = Golden.flattenFloat(c.get("a"));
      float[] b = Golden.flattenFloat(c.get("b"));
      boolean[] m = mask(c.get("mask"));
      double range = c.get("data_range").getAsDouble();
      MetricValues v = ImageQuality.evaluate(a, b, g, range, m);
      Tolerance.assertClose(c.get("ssim").getAsDouble(), v.ssim(), ATOL, name + " ssim");
      Tolerance.assertClose(c.get("psnr").getAsDouble(), v.psnr(), ATOL, name + " psnr");
      Tolerance.assertClose(c.get("mae").getAsDouble(), v.mae(), ATOL, name + " mae");
      Tolerance.assertClose(c.get("masked_ssim").getAsDouble(), v.maskedSsim(), ATOL,
          name + " masked ssim");
      Tolerance.assertClose(c.get("masked_psnr").getAsDouble(), v.maskedPsnr(), ATOL,
          name + " masked psnr");
      Tolerance.assertClose(c.get("masked_mae").getAsDouble(), v.maskedMae(), ATOL,
          name + " masked mae");
      double[] map = Ssim.map(a, b, g, SsimOptions.standard(range));
      for (Map.Entry<String, JsonElement> s : c.getAsJsonObject("ssim_map_samples").entrySet()) {
        int idx = Integer.parseInt(s.getKey());
        Tolerance.assertClose(s.getValue().getAsDouble(), map[idx], ATOL,
            name + " ssim map at flat index " + idx);
      }
    }
  }

  @Test
  void twoDimensionalMetricsMatchScikitImage() {
    checkCases("metrics-2d.json");
  }

  @Test
  void threeDimensionalMetricsMatchScikitImage() {
    checkCases("metrics-3d.json");
  }

  @Test
  void ctMetricsInHounsfieldUnitsMatchReference() {
    JsonObject c = Golden.resource(MetricGoldenTest.class, "/golden/metrics-ct.json");
    Grid g = grid(c.getAsJsonArray("shape"));
    MetricValues v = CtMetrics.evaluate(Golden.flattenFloat(c.get("target_hu")),
        Golden.flattenFloat(c.get("pred_hu")), g, mask(c.get("mask")));
    Tolerance.assertClose(c.get("mae_hu").getAsDouble(), v.mae(), 1e-9, "CT MAE (HU)");
    Tolerance.assertClose(c.get("psnr").getAsDouble(), v.psnr(), 1e-9, "CT PSNR");
    Tolerance.assertClose(c.get("ssim").getAsDouble(), v.ssim(), 1e-6, "CT SSIM");
    Tolerance.assertClose(c.get("masked_mae_hu").getAsDouble(), v.maskedMae(), 1e-9,
        "CT masked MAE (HU)");
    Tolerance.assertClose(c.get("masked_psnr").getAsDouble(), v.maskedPsnr(), 1e-9,
        "CT masked PSNR");
    Tolerance.assertClose(c.get("masked_ssim").getAsDouble(), v.maskedSsim(), 1e-6,
        "CT masked SSIM");
  }

  @Test
  void reflectIndexFollowsScipyNdimage() {
    // scipy 'reflect' on [a b c] for j = -6..6: a b c c b a [a b c] c b a a
    int[] expected = {0, 1, 2, 2, 1, 0, 0, 1, 2, 2, 1, 0, 0}; // numpy.pad(mode="symmetric")
    for (int j = -6; j <= 6; j++) {
      assertEquals(expected[j + 6], Ssim.reflect(j, 3), "reflect(" + j + ", 3)");
    }
  }
}

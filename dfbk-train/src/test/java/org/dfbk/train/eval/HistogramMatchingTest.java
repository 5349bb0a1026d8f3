package org.dfbk.train.eval;

import com.google.gson.JsonObject;
import org.dfbk.fixtures.Golden;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.Test;

class HistogramMatchingTest {
  private static final JsonObject G = Golden.resource(HistogramMatchingTest.class,
      "/golden/histmatch.json");

  private static boolean[] mask(String key) {
    double[] d = Golden.flatten(G.get(key));
    boolean[] m = new boolean[d.length];
    for (int i = 0; i < d.length; i++) {
      m[i] = d[i] != 0;
    }
    return m;
  }

  @Test
  void wholeImageMatchesScikitImage() {
    float[] out = HistogramMatching.match(Golden.flattenFloat(G.get("src")),
        Golden.flattenFloat(G.get("ref")));
    Tolerance.assertClose(Golden.flatten(G.get("matched")), Tolerance.toDouble(out), 0, 1e-6,
        "match_histograms, whole image (float32 output)");
  }

  @Test
  void foregroundMatchesScikitImageAndKeepsBackground() {
    float[] out = HistogramMatching.matchForeground(Golden.flattenFloat(G.get("src")),
        mask("src_mask"), Golden.flattenFloat(G.get("ref")), mask("ref_mask"));
    Tolerance.assertClose(Golden.flatten(G.get("matched_foreground")), Tolerance.toDouble(out),
        0, 1e-6, "match_histograms over the masks, background unchanged");
  }

  @Test
  void interpolationFollowsNumpyInterp() {
    double[] xp = {0.25, 0.5, 1.0};
    double[] fp = {1.0, 3.0, 4.0};
    Tolerance.assertClose(1.0, HistogramMatching.interp(0.1, xp, fp), 0, "below the range");
    Tolerance.assertClose(2.0, HistogramMatching.interp(0.375, xp, fp), 1e-15, "midpoint");
    Tolerance.assertClose(3.0, HistogramMatching.interp(0.5, xp, fp), 0, "on a knot");
    Tolerance.assertClose(4.0, HistogramMatching.interp(1.0, xp, fp), 0, "last knot");
  }
}

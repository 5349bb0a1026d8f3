package org.dfbk.data.transform;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.dfbk.fixtures.Golden;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.Test;

class BilinearTest {
  @Test
  void matchesTorchBilinearWithoutAlignCorners() {
    JsonObject golden = Golden.resource(BilinearTest.class, "bilinear-torch.json");
    for (JsonElement e : golden.getAsJsonArray("cases")) {
      JsonObject c = e.getAsJsonObject();
      int h = c.get("h").getAsInt();
      int w = c.get("w").getAsInt();
      int oh = c.get("outH").getAsInt();
      int ow = c.get("outW").getAsInt();
      float[] out = Bilinear.resize(Golden.flattenFloat(c.get("input")), h, w, oh, ow);
      Tolerance.assertClose(Golden.flattenFloat(c.get("output")), out, 1e-5, 1e-6,
          "bilinear " + h + "x" + w + " -> " + oh + "x" + ow + " vs torch");
    }
  }

  @Test
  void twoByTwoUpsampledByTwoHasHandValues() {
    // output pixel 0 maps to source -0.25 -> clamped 0; pixel 1 to 0.25: 0.75 a + 0.25 b
    float[] out = Bilinear.resize(new float[] {0, 4, 8, 12}, 2, 2, 4, 4);
    Tolerance.assertClose(new float[] {0, 1, 3, 4}, java.util.Arrays.copyOfRange(out, 0, 4), 0,
        1e-6, "first row");
    Tolerance.assertClose(new float[] {2, 3, 5, 6}, java.util.Arrays.copyOfRange(out, 4, 8), 0,
        1e-6, "second row");
  }
}

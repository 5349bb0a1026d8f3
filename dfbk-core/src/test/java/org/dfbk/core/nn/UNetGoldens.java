package org.dfbk.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.dfbk.core.math.Ops;
import org.dfbk.core.spec.AttentionScope;
import org.dfbk.core.spec.DfbMode;
import org.dfbk.core.spec.KgMode;
import org.dfbk.core.spec.KgPlacement;
import org.dfbk.core.spec.UNetSpec;
import org.dfbk.fixtures.Golden;


/** Loads the golden files of scripts/reference/make_unet_golden.py. */
final class UNetGoldens {
  private UNetGoldens() {}

  static JsonObject load(String name) {
    return Golden.resource(UNetGoldens.class, "/golden/" + name + ".json");
  }

  static UNetSpec spec(JsonObject golden) {
    JsonObject s = golden.getAsJsonObject("spec");
    JsonObject kg = s.getAsJsonObject("kgPlacement");
    return UNetSpec.builder().setImageSize(s.get("imageSize").getAsInt())
        .setModelChannels(s.get("modelChannels").getAsInt())
        .setChannelMult(ints(s.get("channelMult")))
        .optInChannels(s.get("inChannels").getAsInt())
        .optOutChannels(s.get("outChannels").getAsInt())
        .optNumResBlocks(s.get("numResBlocks").getAsInt())
        .optAttentionResolutions(new HashSet<>(ints(s.get("attentionResolutions"))))
        .optNormGroups(s.get("normGroups").getAsInt())
        .optSwinDepth(s.get("swinDepth").getAsInt())
        .optSwinEmbedDim(s.get("swinEmbedDim").getAsInt())
        .optHeadChannels(s.get("headChannels").getAsInt())
        .optWindowSize(s.get("windowSize").getAsInt())
        .optDfb(DfbMode.valueOf(s.get("dfbMode").getAsString()),
            AttentionScope.valueOf(s.get("dfbScope").getAsString()),
            new HashSet<>(ints(s.get("dfbLevels"))))
        .optKg(KgMode.valueOf(s.get("kgMode").getAsString()),
            new KgPlacement(kg.get("middle").getAsBoolean(), new HashSet<>(ints(kg.get("levels")))),
            s.get("textDim").getAsInt())
        .build();
  }

  static java.util.List<Integer> ints(JsonElement e) {
    java.util.List<Integer> out = new java.util.ArrayList<>();
    for (JsonElement x : e.getAsJsonArray()) {
      out.add(x.getAsInt());
    }
    return out;
  }

  /** Copies every golden weight into {@code net} by dotted name; names must match 1:1. */
  static void loadWeights(String name, JsonObject golden, SwinUNet net) {
    float[] all = readFloats("/golden/" + golden.get("weights").getAsString());
    Map<String, Parameter> mine = ParameterNames.dotted(net);
    Map<String, JsonObject> theirs = new LinkedHashMap<>();
    for (JsonElement p : golden.getAsJsonArray("params")) {
      theirs.put(p.getAsJsonObject().get("name").getAsString(), p.getAsJsonObject());
    }
    Set<String> missing = new HashSet<>(theirs.keySet());
    missing.removeAll(mine.keySet());
    Set<String> extra = new HashSet<>(mine.keySet());
    extra.removeAll(theirs.keySet());
    assertEquals(Set.of(), missing, name + ": reference parameters without a Java twin");
    assertEquals(Set.of(), extra, name + ": Java parameters without a reference twin");
    for (Map.Entry<String, Parameter> e : mine.entrySet()) {
      JsonObject p = theirs.get(e.getKey());
      long[] shape = toLongs(p.getAsJsonArray("shape"));
      NDArray arr = e.getValue().getArray();
      assertArrayEquals(shape, arr.getShape().getShape(), "shape of " + e.getKey());
      int off = p.get("offset").getAsInt();
      int n = (int) arr.getShape().size();
      float[] v = new float[n];
      System.arraycopy(all, off, v, 0, n);
      arr.set(v);
    }
  }

  /** The golden inputs as an NDList (x, t[, text, mask]) in {@code m}. */
  static NDList inputs(JsonObject golden, NDManager m) {
    JsonObject in = golden.getAsJsonObject("inputs");
    NDList list = new NDList();
    list.add(Ops.engineOwned(m.create(Golden.flattenFloat(in.get("x")),
        new Shape(Golden.shape(in.get("x"))))));
    double[] t = Golden.flatten(in.get("t"));
    long[] tl = new long[t.length];
    for (int i = 0; i < t.length; i++) {
      tl[i] = (long) t[i];
    }
    list.add(Ops.engineOwned(m.create(tl)));
    if (in.has("text")) {
      list.add(Ops.engineOwned(m.create(Golden.flattenFloat(in.get("text")),
          new Shape(Golden.shape(in.get("text"))))));
      list.add(Ops.engineOwned(m.create(Golden.flattenFloat(in.get("mask")),
          new Shape(Golden.shape(in.get("mask"))))));
    }
    return list;
  }

  private static long[] toLongs(JsonArray a) {
    long[] out = new long[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).getAsLong();
    }
    return out;
  }

  private static float[] readFloats(String resource) {
    try (InputStream in = UNetGoldens.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " not found; run"
            + " /usr/bin/python3 scripts/reference/make_unet_golden.py");
      }
      byte[] bytes = in.readAllBytes();
      ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
      float[] f = new float[bytes.length / 4];
      bb.asFloatBuffer().get(f);
      return f;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package org.dfbk.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Map;
import java.util.TreeSet;
import org.dfbk.core.math.Ops;
import org.dfbk.core.spec.AttentionScope;
import org.dfbk.core.spec.DfbMode;
import org.dfbk.core.spec.KgMode;
import org.dfbk.fixtures.Golden;
import org.dfbk.fixtures.Params;


/** Builds DFB/KG blocks from golden files written by scripts/reference/make_block_goldens.py. */
final class BlockGoldens {
  private BlockGoldens() {}

  static JsonObject load(String name) {
    return Golden.resource(BlockGoldens.class, "/golden/" + name + ".json");
  }

  static Block build(JsonObject golden) {
    JsonObject c = golden.getAsJsonObject("config");
    int channels = c.get("channels").getAsInt();
    int headChannels = c.get("headChannels").getAsInt();
    int depth = c.get("depth").getAsInt();
    if (c.get("block").getAsString().equals("dfb")) {
      return DfbBlock.builder().setChannels(channels).optHeadChannels(headChannels)
          .optMode(DfbMode.valueOf(c.get("mode").getAsString()))
          .optScope(AttentionScope.valueOf(c.get("scope").getAsString()))
          .optWindowSize(Math.max(1, c.get("windowSize").getAsInt())).optDepth(depth).build();
    }
    return KgBlock.builder().setChannels(channels).setTextDim(c.get("textDim").getAsInt())
        .optHeadChannels(headChannels).optMode(KgMode.valueOf(c.get("mode").getAsString()))
        .optDepth(depth).build();
  }

  /** The golden inputs in block order (z[, text, mask]) as arrays of {@code type}. */
  static NDList inputs(JsonObject golden, NDManager m, DataType type) {
    JsonObject in = golden.getAsJsonObject("inputs");
    NDList list = new NDList();
    for (String key : new String[] {"z", "text", "mask"}) {
      if (in.has(key)) {
        list.add(array(in.get(key), m, type));
      }
    }
    return list;
  }

  static NDArray array(JsonElement e, NDManager m, DataType type) {
    return Ops.engineOwned(m.create(Golden.flatten(e), new Shape(Golden.shape(e))))
        .toType(type, false);
  }

  /**
   * Initialises {@code block} for the golden inputs and copies every parameter by dotted name;
   * fails when a name is missing on either side or a shape differs.
   */
  static void loadParameters(Block block, JsonObject golden, NDManager m, DataType type) {
    NDList in = inputs(golden, m, type);
    block.initialize(m, type, in.getShapes());
    JsonObject params = golden.getAsJsonObject("params");
    Map<String, Parameter> ours = ParameterNames.dotted(block);
    assertEquals(new TreeSet<>(params.keySet()), new TreeSet<>(ours.keySet()),
        "parameter names of the Java block vs the reference");
    for (Map.Entry<String, Parameter> e : ours.entrySet()) {
      JsonElement value = params.get(e.getKey());
      NDArray target = e.getValue().getArray();
      assertArrayEquals(Golden.shape(value), target.getShape().getShape(),
          "shape of " + e.getKey());
      if (type == DataType.FLOAT64) {
        Params.assign(target, Golden.flatten(value));
      } else {
        Params.assign(target, Golden.flattenFloat(value));
      }
    }
  }
}

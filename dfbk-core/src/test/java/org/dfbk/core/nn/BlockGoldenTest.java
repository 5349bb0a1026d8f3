package org.dfbk.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonObject;
import org.dfbk.fixtures.Golden;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DFB and KG blocks against the independent PyTorch reference (scripts/reference/dfbk_blocks.py)
 * with random non-zero weights copied by parameter name.
 */
class BlockGoldenTest {
  private static double[] run(String name, DataType type) {
    JsonObject golden = BlockGoldens.load(name);
    try (NDManager m = NDManager.newBaseManager()) {
      Block block = BlockGoldens.build(golden);
      BlockGoldens.loadParameters(block, golden, m, type);
      NDList in = BlockGoldens.inputs(golden, m, type);
      NDArray out = block.forward(new ParameterStore(m, false), in, false).singletonOrThrow();
      return out.toType(DataType.FLOAT64, false).toDoubleArray();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "dfb_lh_global", "dfb_lh_window", "dfb_l_global", "dfb_h_global", "dfb_normattn_window",
    "kg_lh", "kg_l", "kg_h", "kg_crossattn"
  })
  void float32MatchesReference(String name) {
    double[] expected = Golden.flatten(BlockGoldens.load(name).get("output"));
    Tolerance.assertClose(expected, run(name, DataType.FLOAT32), 1e-4, 1e-5, name + " float32");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dfb_lh_global", "dfb_lh_window", "kg_lh", "kg_crossattn"})
  void float64MatchesReferenceTightly(String name) {
    double[] expected = Golden.flatten(BlockGoldens.load(name).get("output"));
    Tolerance.assertClose(expected, run(name, DataType.FLOAT64), 1e-10, 1e-10, name + " float64");
  }
}

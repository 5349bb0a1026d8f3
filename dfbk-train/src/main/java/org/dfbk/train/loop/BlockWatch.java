package org.dfbk.train.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import org.dfbk.core.nn.DfbBlock;
import org.dfbk.core.nn.DifferentialAttention;
import org.dfbk.core.nn.KgBlock;

/**
 * Reads the values that show whether the DFB and KG blocks learn: the Frobenius norm of each
 * block's output projection ("proj_out", zero at initialisation, so a fresh block is the identity
 * and one that stays at zero never contributes) and the λ of each differential attention (Eq. 7).
 * Names are the blocks' paths in the network with DJL's child numbers removed, e.g.
 * {@code input_blocks_dfb_proj_out} or {@code middle_kg_attn_lambda}.
 */
final class BlockWatch {
  private final Map<String, DoubleSupplier> readers = new LinkedHashMap<>();
  private final List<String> projections = new ArrayList<>();

  /** Finds the watched blocks under {@code root}; none for a backbone without DFB or KG. */
  BlockWatch(Block root) {
    walk(root, "");
  }

  private void walk(Block block, String path) {
    if (block instanceof DfbBlock || block instanceof KgBlock) {
      for (Pair<String, Block> child : block.getChildren()) {
        if (plain(child.getKey()).equals("proj_out")) {
          Parameter weight = weight(child.getValue());
          if (weight != null) {
            String name = join(path, "proj_out");
            projections.add(name);
            readers.put(name, () -> norm(weight.getArray()));
          }
        }
      }
    }
    if (block instanceof DifferentialAttention d) {
      readers.put(join(path, "lambda"), d::currentLambda);
    }
    for (Pair<String, Block> child : block.getChildren()) {
      walk(child.getValue(), join(path, plain(child.getKey())));
    }
  }

  private static Parameter weight(Block block) {
    for (Pair<String, Parameter> p : block.getDirectParameters()) {
      if (p.getValue().getType() == Parameter.Type.WEIGHT) {
        return p.getValue();
      }
    }
    return null;
  }

  /** DJL numbers children "01name"; the watch uses the plain name. */
  private static String plain(String childName) {
    return childName.length() > 2 && Character.isDigit(childName.charAt(0))
        && Character.isDigit(childName.charAt(1)) ? childName.substring(2) : childName;
  }

  private static String join(String path, String name) {
    return path.isEmpty() ? name : path + "_" + name;
  }

  private static double norm(NDArray a) {
    float[] v = a.toType(DataType.FLOAT32, false).toFloatArray();
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    return Math.sqrt(s);
  }

  /** Whether there is anything to watch. */
  boolean isEmpty() {
    return readers.isEmpty();
  }

  /** The current values, in network order. */
  Map<String, Double> read() {
    Map<String, Double> out = new LinkedHashMap<>();
    readers.forEach((name, reader) -> out.put(name, reader.getAsDouble()));
    return out;
  }

  /** The output projections among {@link #read()}'s names. */
  List<String> projections() {
    return projections;
  }
}

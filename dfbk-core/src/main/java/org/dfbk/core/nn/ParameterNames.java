package org.dfbk.core.nn;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Dotted, PyTorch-style parameter names of a block tree ("attn_high.qkv.weight"), without the
 * two-digit position prefix that DJL puts in front of child names ("02attn_high"). Used to copy
 * weights by name from reference implementations and converted checkpoints.
 */
public final class ParameterNames {
  private ParameterNames() {}

  /** All parameters of {@code block} and its descendants by dotted name, in declaration order. */
  public static Map<String, Parameter> dotted(Block block) {
    Map<String, Parameter> out = new LinkedHashMap<>();
    collect(block, "", out);
    return out;
  }

  /** A DJL child name without its position prefix: "02attn_high" → "attn_high". */
  public static String childName(String djlName) {
    return djlName.replaceFirst("^\\d{2,}", "");
  }

  private static void collect(Block block, String prefix, Map<String, Parameter> out) {
    for (Pair<String, Parameter> p : block.getDirectParameters()) {
      out.put(prefix + p.getKey(), p.getValue());
    }
    for (Pair<String, Block> child : block.getChildren()) {
      collect(child.getValue(), prefix + childName(child.getKey()) + ".", out);
    }
  }
}

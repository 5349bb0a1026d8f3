package org.dfbk.core.nn;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Dotted, PyTorch-style names of a block tree's parameters ("input_1.res.in_conv.weight"): child
 * names without the "01", "02", … prefix DJL adds, joined by '.', then the parameter name. These
 * are the names of the reference scripts' {@code state_dict}, so checkpoints map one to one.
 */
public final class ParameterNames {
  private ParameterNames() {}

  /** All parameters of {@code block} by dotted name, in DJL's save order. */
  public static Map<String, Parameter> of(Block block) {
    Map<String, Parameter> out = new LinkedHashMap<>();
    collect("", block, out);
    return out;
  }

  private static void collect(String prefix, Block block, Map<String, Parameter> out) {
    for (Pair<String, Parameter> p : block.getDirectParameters()) {
      out.put(prefix + p.getValue().getName(), p.getValue());
    }
    int i = 0;
    for (Pair<String, Block> c : block.getChildren()) {
      i++;
      collect(prefix + strip(c.getKey(), i) + ".", c.getValue(), out);
    }
  }

  /** Removes DJL's child prefix (the 1-based index formatted "%02d"). */
  static String strip(String childName, int index) {
    String p = String.format(Locale.ROOT, "%02d", index);
    return childName.startsWith(p) ? childName.substring(p.length()) : childName;
  }
}

package org.dfbk.core.nn;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The names and shapes of a network's parameters, in order: what a checkpoint records of the
 * network it was written from, and what loading one checks against the network it goes into.
 * {@link #misfit} is that check, one for every loader, so each names the first parameter that
 * does not fit in the same words.
 *
 * @param names the parameter names, in the block's order
 * @param shapes their shapes
 */
public record ParameterManifest(List<String> names, List<Shape> shapes) {
  public ParameterManifest {
    if (names.size() != shapes.size()) {
      throw new IllegalArgumentException("a manifest needs one shape per name, got "
          + names.size() + " names and " + shapes.size() + " shapes");
    }
    names = List.copyOf(names);
    shapes = List.copyOf(shapes);
  }

  /** The manifest of an initialised block: its parameters' names and array shapes. */
  public static ParameterManifest of(Block block) {
    List<String> names = new ArrayList<>();
    List<Shape> shapes = new ArrayList<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      names.add(p.getKey());
      shapes.add(p.getValue().getArray().getShape());
    }
    return new ParameterManifest(names, shapes);
  }

  /** A manifest from shapes stored as dimension arrays (a checkpoint's record). */
  public static ParameterManifest ofDims(List<String> names, List<long[]> dims) {
    List<Shape> shapes = new ArrayList<>();
    for (long[] d : dims) {
      shapes.add(new Shape(d));
    }
    return new ParameterManifest(names, shapes);
  }

  public int size() {
    return names.size();
  }

  /**
   * How {@code stored} (a checkpoint's manifest) fails to fit this one (the model's), or empty
   * when it fits.
   *
   * @param sameOrder whether the checkpoint must hold exactly the model's parameters in the
   *     model's order (state kept in that order, such as the flat optimizer moments of a resumed
   *     training); else every model parameter must be among the checkpoint's, whatever their
   *     order, and further checkpoint parameters are ignored
   * @return the first difference, in the words "parameter 'x' has shape (a) in the checkpoint
   *     but (b) in the model", "parameter #i is 'a' in the checkpoint but 'b' in the model" or
   *     "the checkpoint has no values for n model parameters, first [...]"
   */
  public Optional<String> misfit(ParameterManifest stored, boolean sameOrder) {
    if (sameOrder) {
      for (int i = 0; i < Math.max(size(), stored.size()); i++) {
        String s = i < stored.size() ? stored.names.get(i) : null;
        String m = i < size() ? names.get(i) : null;
        if (s == null || !s.equals(m)) {
          return Optional.of("the checkpoint's parameters (" + stored.size() + ") differ from the"
              + " model's (" + size() + "): parameter #" + i + " is "
              + (s == null ? "absent" : "'" + s + "' " + stored.shapes.get(i))
              + " in the checkpoint but " + (m == null ? "absent" : "'" + m + "' " + shapes.get(i))
              + " in the model");
        }
        if (!stored.shapes.get(i).equals(shapes.get(i))) {
          return Optional.of(shapeMisfit(m, stored.shapes.get(i), shapes.get(i)));
        }
      }
      return Optional.empty();
    }
    Map<String, Shape> recorded = new HashMap<>();
    for (int i = 0; i < stored.size(); i++) {
      recorded.put(stored.names.get(i), stored.shapes.get(i));
    }
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < size(); i++) {
      Shape s = recorded.get(names.get(i));
      if (s == null) {
        missing.add(names.get(i));
      } else if (!s.equals(shapes.get(i))) {
        return Optional.of(shapeMisfit(names.get(i), s, shapes.get(i)));
      }
    }
    if (!missing.isEmpty()) {
      return Optional.of("the checkpoint has no values for " + missing.size() + " model"
          + " parameters, first " + missing.subList(0, Math.min(5, missing.size())));
    }
    return Optional.empty();
  }

  private static String shapeMisfit(String name, Shape stored, Shape model) {
    return "parameter '" + name + "' has shape " + stored + " in the checkpoint but " + model
        + " in the model";
  }
}

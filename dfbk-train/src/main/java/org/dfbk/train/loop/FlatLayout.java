package org.dfbk.train.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Where each parameter lives in the flat float32 vectors [P] of the training state (master
 * weights, gradient, EMA, moments): the trainable parameters, in checkpoint order, back to back.
 *
 * @param names parameter names in checkpoint order
 * @param shapes their shapes
 * @param trainable whether each is trained (frozen ones have no slice)
 * @param offsets start of each trainable parameter in the flat vectors
 * @param total P, the number of trainable values
 */
record FlatLayout(List<String> names, List<Shape> shapes, boolean[] trainable, long[] offsets,
    long total) {

  static FlatLayout of(List<String> names, List<Shape> shapes, boolean[] trainable) {
    long[] offsets = new long[names.size()];
    long total = 0;
    for (int k = 0; k < names.size(); k++) {
      offsets[k] = total;
      if (trainable[k]) {
        total += shapes.get(k).size();
      }
    }
    return new FlatLayout(List.copyOf(names), List.copyOf(shapes), trainable.clone(), offsets,
        total);
  }

  int size() {
    return names.size();
  }

  long numel(int k) {
    return shapes.get(k).size();
  }

  int trainableCount() {
    int n = 0;
    for (boolean b : trainable) {
      n += b ? 1 : 0;
    }
    return n;
  }

  /** Parameter k's slice of a flat vector [P] as a view of its shape, in {@code flat}'s manager. */
  NDArray view(NDArray flat, int k) {
    NDArray slice = flat.get(new NDIndex("{}:{}", offsets[k], offsets[k] + numel(k)));
    NDArray view = slice.reshape(shapes.get(k)); // shares the storage: the slice can go
    if (view != slice) {
      slice.close();
    }
    return view;
  }

  /** Host float32 copies of {@code arrays}, in order. */
  static List<float[]> hostCopies(NDArray[] arrays) {
    List<float[]> out = new ArrayList<>();
    for (NDArray a : arrays) {
      out.add(a.toType(DataType.FLOAT32, false).toFloatArray());
    }
    return out;
  }
}

package org.dfbk.data.cache;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.StackBatchifier;

/**
 * Stacks records of float32 arrays along a new batch axis by copying through Java memory: the k-th
 * arrays of N records of shape (C, H, W) become one (N, C, H, W) array, in the manager of the
 * first record's array. Same result as {@link StackBatchifier}; it avoids a native stack per
 * batch, which on a loaded CPU (PyTorch's intra-op thread pool contending with other work) was
 * measured 50–100× slower than the copy (see BENCHMARKS). Unbatchify and split delegate to
 * {@link StackBatchifier}.
 */
public final class SliceBatchifier implements Batchifier {
  private static final long serialVersionUID = 1L;
  private static final StackBatchifier STACK = new StackBatchifier();

  @Override
  public NDList batchify(NDList[] inputs) {
    if (inputs.length == 0 || inputs[0].isEmpty()) {
      return new NDList();
    }
    int kinds = inputs[0].size();
    NDList out = new NDList(kinds);
    for (int k = 0; k < kinds; k++) {
      NDArray first = inputs[0].get(k);
      Shape shape = first.getShape();
      int per = (int) shape.size();
      float[] all = new float[per * inputs.length];
      for (int n = 0; n < inputs.length; n++) {
        NDArray a = inputs[n].get(k);
        if (!a.getShape().equals(shape)) {
          throw new IllegalArgumentException("cannot batch array " + k + " of record " + n
              + ": shape " + a.getShape() + " differs from the first record's " + shape);
        }
        System.arraycopy(a.toFloatArray(), 0, all, n * per, per);
      }
      NDManager manager = first.getManager();
      out.add(manager.create(all, new Shape(inputs.length).addAll(shape)));
    }
    return out;
  }

  @Override
  public NDList[] unbatchify(NDList inputs) {
    return STACK.unbatchify(inputs);
  }

  @Override
  public NDList[] split(NDList list, int numOfSlices, boolean evenSplit) {
    return STACK.split(list, numOfSlices, evenSplit);
  }
}

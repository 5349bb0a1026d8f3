package org.dfbk.train.knowledge;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;

/**
 * Feeds a padded batch of token ids to a BERT-shaped model and copies its outputs to the heap.
 *
 * <p>Inputs: {@code input_ids} [N, L] int64, {@code attention_mask} [N, L] int64 and, for
 * models that take it, {@code token_type_ids} [N, L] int64 (all zero: one segment). With
 * {@code named} the arrays carry those names (OnnxRuntime feeds by name); otherwise they are fed
 * in that order (TorchScript). Outputs: the first array is the token states [N, L, D]; a second
 * one, when present, is the projected sentence vector [N, E].
 */
final class TokenBatchTranslator
    implements NoBatchifyTranslator<TokenBatchTranslator.Batch, TokenBatchTranslator.Output> {

  /** Padded token ids and mask, row-major [n, length]. */
  record Batch(int n, int length, long[] ids, long[] mask) {}

  /** Model outputs on the heap with their shapes; {@code projected} may be null. */
  record Output(float[] tokenStates, long[] tokenShape, float[] projected, long[] projectedShape) {}

  private final boolean named;
  private final boolean withTokenTypes;

  TokenBatchTranslator(boolean named, boolean withTokenTypes) {
    this.named = named;
    this.withTokenTypes = withTokenTypes;
  }

  @Override
  public NDList processInput(TranslatorContext ctx, Batch batch) {
    NDManager m = ctx.getNDManager();
    Shape shape = new Shape(batch.n(), batch.length());
    NDArray ids = m.create(batch.ids(), shape);
    NDArray mask = m.create(batch.mask(), shape);
    NDList list = new NDList(ids, mask);
    if (withTokenTypes) {
      list.add(m.zeros(shape, DataType.INT64));
    }
    if (named) {
      ids.setName("input_ids");
      mask.setName("attention_mask");
      if (withTokenTypes) {
        list.get(2).setName("token_type_ids");
      }
    }
    return list;
  }

  @Override
  public Output processOutput(TranslatorContext ctx, NDList list) {
    if (list.isEmpty()) {
      throw new IllegalStateException("text encoder returned no output");
    }
    NDArray tokens = list.get(0).toType(DataType.FLOAT32, false);
    float[] projected = null;
    long[] projectedShape = null;
    if (list.size() > 1) {
      NDArray p = list.get(1).toType(DataType.FLOAT32, false);
      projected = p.toFloatArray();
      projectedShape = p.getShape().getShape();
    }
    return new Output(tokens.toFloatArray(), tokens.getShape().getShape(), projected,
        projectedShape);
  }
}

package org.dfbk.train.knowledge;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Locale;
import org.dfbk.core.math.Ops;

/**
 * The text embedding c that every Knowledge Guidance block attends to (paper Alg. 1 lines 10–15,
 * Eq. 9–10): keys and values come from these token embeddings.
 *
 * <p>Layout: each prompt of the {@link PromptSet} is encoded as its own sequence (special tokens
 * included), and the real tokens of all prompts are concatenated in prompt order into one
 * sequence of L tokens: {@code tokens} [L, D], {@code mask} [L] (1 for a token, 0 for padding
 * added by {@link #padTo}). Encoding prompts separately keeps each one as the encoder saw its
 * training captions; concatenating them lets one cross-attention see all of them at once.
 * {@code promptLengths} [P] gives the number of tokens each prompt contributes (they sum to the
 * number of mask ones). {@code pooled} [P, E] holds one sentence vector per prompt.
 *
 * <p>The same context serves every image of a task: {@link #toNDList} broadcasts it to a batch.
 *
 * @param encoder the encoder that produced it
 * @param prompts the prompts, in order
 * @param length L
 * @param dim D
 * @param tokens [L, D] row-major
 * @param mask [L]
 * @param promptLengths [P]
 * @param pooledDim E
 * @param pooled [P, E] row-major
 */
public record TextContext(EncoderId encoder, PromptSet prompts, int length, int dim,
    float[] tokens, float[] mask, int[] promptLengths, int pooledDim, float[] pooled) {

  /** Checks sizes against the shapes. */
  public TextContext {
    if (encoder == null || prompts == null) {
      throw new IllegalArgumentException("encoder and prompts are required");
    }
    if (dim != encoder.dim()) {
      throw new IllegalArgumentException("dim " + dim + " differs from encoder dim "
          + encoder.dim());
    }
    if (length <= 0 || pooledDim <= 0) {
      throw new IllegalArgumentException("length " + length + " and pooledDim " + pooledDim
          + " must be positive");
    }
    if (tokens.length != (long) length * dim || mask.length != length
        || promptLengths.length != prompts.size()
        || pooled.length != (long) prompts.size() * pooledDim) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "sizes disagree: tokens %d (expected %d), mask %d (expected %d), promptLengths %d "
              + "(expected %d), pooled %d (expected %d)", tokens.length, (long) length * dim,
          mask.length, length, promptLengths.length, prompts.size(), pooled.length,
          (long) prompts.size() * pooledDim));
    }
    int sum = 0;
    for (int n : promptLengths) {
      sum += n;
    }
    if (sum > length) {
      throw new IllegalArgumentException("prompt lengths " + Arrays.toString(promptLengths)
          + " add up to " + sum + ", more than length " + length);
    }
  }

  /** Concatenates the real tokens of every prompt of {@code encoding} in order. */
  public static TextContext of(EncoderId encoder, PromptSet prompts, TextEncoding encoding) {
    if (encoding.prompts() != prompts.size() || encoding.dim() != encoder.dim()) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "encoding of %d prompts with dim %d does not match %d prompts and encoder dim %d",
          encoding.prompts(), encoding.dim(), prompts.size(), encoder.dim()));
    }
    int p = prompts.size();
    int[] lengths = new int[p];
    int total = 0;
    for (int i = 0; i < p; i++) {
      lengths[i] = encoding.tokenCount(i);
      total += lengths[i];
    }
    int d = encoding.dim();
    float[] tokens = new float[total * d];
    int at = 0;
    for (int i = 0; i < p; i++) {
      float[] t = encoding.tokens(i);
      System.arraycopy(t, 0, tokens, at * d, t.length);
      at += lengths[i];
    }
    float[] mask = new float[total];
    Arrays.fill(mask, 1f);
    return new TextContext(encoder, prompts, total, d, tokens, mask, lengths,
        encoding.pooledDim(), encoding.pooled().clone());
  }

  /** Number of real tokens (mask ones). */
  public int tokenCount() {
    int n = 0;
    for (int l : promptLengths) {
      n += l;
    }
    return n;
  }

  /**
   * This context padded with zero tokens (mask 0) to {@code newLength}, for example to give
   * every task of a run the same L.
   *
   * @throws IllegalArgumentException when {@code newLength} is below the current length
   */
  public TextContext padTo(int newLength) {
    if (newLength < length) {
      throw new IllegalArgumentException("cannot pad a text context of " + length
          + " tokens to " + newLength);
    }
    return new TextContext(encoder, prompts, newLength, dim,
        Arrays.copyOf(tokens, newLength * dim), Arrays.copyOf(mask, newLength),
        promptLengths.clone(), pooledDim, pooled.clone());
  }

  /** Pooled vector of prompt {@code p}, [E]. */
  public float[] pooledVector(int p) {
    return Arrays.copyOfRange(pooled, p * pooledDim, (p + 1) * pooledDim);
  }

  /**
   * The context as arrays for a batch of {@code batchSize} images: text [N, L, D] and mask
   * [N, L] (float32), broadcast views of one copy, attached to {@code manager}.
   */
  public NDList toNDList(NDManager manager, int batchSize) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batch size must be positive, found " + batchSize);
    }
    NDArray text = Ops.engineOwned(manager.create(tokens, new Shape(1, length, dim)))
        .broadcast(new Shape(batchSize, length, dim)); // [N, L, D]
    NDArray m = Ops.engineOwned(manager.create(mask, new Shape(1, length)))
        .broadcast(new Shape(batchSize, length)); // [N, L]
    return new NDList(text, m);
  }
}

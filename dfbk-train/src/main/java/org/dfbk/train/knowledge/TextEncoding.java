package org.dfbk.train.knowledge;

import java.util.Arrays;
import java.util.Locale;

/**
 * What a {@link TextEncoder} returns for P prompts encoded one sequence each: token embeddings
 * padded to the longest prompt, their mask, token ids and one pooled vector per prompt.
 *
 * <p>Shapes (row-major, float32): {@code tokenStates} [P, L, D], {@code mask} [P, L] (1 for a
 * real token including the special tokens, 0 for padding), {@code tokenIds} [P, L] (the
 * encoder's pad id at padding), {@code pooled} [P, E]. L is the padded length (the longest prompt,
 * or the context length of an encoder traced at a fixed length), D the encoder's token width
 * and E the width of its pooled sentence vector.
 *
 * @param prompts P
 * @param length L
 * @param dim D
 * @param pooledDim E
 * @param tokenStates [P, L, D]
 * @param mask [P, L]
 * @param tokenIds [P, L]
 * @param pooled [P, E]
 */
public record TextEncoding(int prompts, int length, int dim, int pooledDim, float[] tokenStates,
    float[] mask, long[] tokenIds, float[] pooled) {

  /** Checks that every array has the size its shape says. */
  public TextEncoding {
    if (prompts <= 0 || length <= 0 || dim <= 0 || pooledDim <= 0) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "sizes must be positive: prompts %d, length %d, dim %d, pooledDim %d", prompts,
          length, dim, pooledDim));
    }
    check("tokenStates", tokenStates.length, (long) prompts * length * dim);
    check("mask", mask.length, (long) prompts * length);
    check("tokenIds", tokenIds.length, (long) prompts * length);
    check("pooled", pooled.length, (long) prompts * pooledDim);
  }

  private static void check(String what, int found, long expected) {
    if (found != expected) {
      throw new IllegalArgumentException(what + " has " + found + " values, expected "
          + expected);
    }
  }

  /** Number of real tokens (special tokens included) of prompt {@code p}. */
  public int tokenCount(int p) {
    int n = 0;
    for (int t = 0; t < length; t++) {
      n += mask[p * length + t] > 0 ? 1 : 0;
    }
    return n;
  }

  /** Token embeddings of the real tokens of prompt {@code p}, [tokenCount(p), D]. */
  public float[] tokens(int p) {
    int n = tokenCount(p);
    return Arrays.copyOfRange(tokenStates, p * length * dim, p * length * dim + n * dim);
  }

  /** Token ids of the real tokens of prompt {@code p}. */
  public long[] ids(int p) {
    return Arrays.copyOfRange(tokenIds, p * length, p * length + tokenCount(p));
  }

  /** Pooled vector of prompt {@code p}, [E]. */
  public float[] pooledVector(int p) {
    return Arrays.copyOfRange(pooled, p * pooledDim, (p + 1) * pooledDim);
  }
}

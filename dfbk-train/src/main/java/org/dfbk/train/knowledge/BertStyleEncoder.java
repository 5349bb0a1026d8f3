package org.dfbk.train.knowledge;

import ai.djl.Model;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.dfbk.core.error.ConfigException;

/**
 * Shared body of the BERT-style encoders: tokenise each prompt, pad the batch, run the model,
 * check the output shapes and let the subclass derive the pooled vector.
 *
 * <p>Creating an encoder only reads its metadata and fingerprint; the tokenizer and the model
 * are loaded on the first {@link #tokenize}, {@link #decode} or {@link #encode}, so a run whose
 * text knowledge is already cached never loads the model.
 */
abstract class BertStyleEncoder implements TextEncoder {

  /** A loaded tokenizer and model. */
  record Runtime(HuggingFaceTokenizer tokenizer, Model model) {}

  private final EncoderId id;
  private final TokenBatchTranslator translator;
  private final int contextLength;
  private final int pooledDim;
  private final boolean padToContext;
  private final long padId;
  private HuggingFaceTokenizer tokenizer;
  private Model model;
  private Predictor<TokenBatchTranslator.Batch, TokenBatchTranslator.Output> predictor;
  private boolean closed;

  /**
   * @param padToContext pad every batch to {@code contextLength} (for exports traced at that
   *     length) instead of to the longest prompt
   * @param padId token id written at padded positions
   */
  BertStyleEncoder(EncoderId id, TokenBatchTranslator translator, int contextLength,
      int pooledDim, boolean padToContext, long padId) {
    this.id = id;
    this.translator = translator;
    this.contextLength = contextLength;
    this.pooledDim = pooledDim;
    this.padToContext = padToContext;
    this.padId = padId;
  }

  /** Loads the tokenizer and the model; called once, on first use. */
  abstract Runtime loadRuntime();

  @Override
  public final EncoderId id() {
    return id;
  }

  @Override
  public final int pooledDim() {
    return pooledDim;
  }

  @Override
  public final int contextLength() {
    return contextLength;
  }

  @Override
  public final synchronized long[] tokenize(String prompt) {
    ensureLoaded();
    Encoding e = tokenizer.encode(prompt);
    return e.getIds();
  }

  @Override
  public final synchronized String decode(long[] ids) {
    ensureLoaded();
    return tokenizer.decode(ids, true);
  }

  @Override
  public final synchronized TextEncoding encode(List<String> prompts) {
    ensureLoaded();
    new PromptSet(prompts); // validates: non-empty, none blank
    int n = prompts.size();
    long[][] ids = new long[n][];
    int longest = 0;
    for (int i = 0; i < n; i++) {
      ids[i] = tokenizer.encode(prompts.get(i)).getIds();
      if (ids[i].length > contextLength) {
        throw new ConfigException(String.format(Locale.ROOT,
            "prompt %d has %d tokens, more than the %d that text encoder '%s' takes: \"%s\"; "
                + "shorten it or split it into several prompts", i, ids[i].length,
            contextLength, id.name(), prompts.get(i)));
      }
      longest = Math.max(longest, ids[i].length);
    }
    int length = padToContext ? contextLength : longest;
    long[] flatIds = new long[n * length];
    long[] flatMask = new long[n * length];
    Arrays.fill(flatIds, padId);
    for (int i = 0; i < n; i++) {
      System.arraycopy(ids[i], 0, flatIds, i * length, ids[i].length);
      Arrays.fill(flatMask, i * length, i * length + ids[i].length, 1L);
    }
    TokenBatchTranslator.Output out;
    try {
      out = predictor.predict(new TokenBatchTranslator.Batch(n, length, flatIds, flatMask));
    } catch (TranslateException e) {
      throw new IllegalStateException("text encoder '" + id.name() + "' failed on " + n
          + " prompts of up to " + length + " tokens: " + e.getMessage(), e);
    }
    long[] ts = out.tokenShape();
    if (ts.length != 3 || ts[0] != n || ts[1] != length || ts[2] != id.dim()) {
      throw new IllegalStateException(String.format(Locale.ROOT,
          "text encoder '%s' returned token states of shape %s, expected [%d, %d, %d]",
          id.name(), Arrays.toString(ts), n, length, id.dim()));
    }
    float[] mask = new float[n * length];
    for (int i = 0; i < mask.length; i++) {
      mask[i] = flatMask[i];
    }
    float[] pooled = pool(out, mask, n, length);
    if (pooled.length != n * pooledDim) {
      throw new IllegalStateException("text encoder '" + id.name() + "' pooled " + pooled.length
          + " values for " + n + " prompts, expected " + n * pooledDim);
    }
    return new TextEncoding(n, length, id.dim(), pooledDim, out.tokenStates(), mask, flatIds,
        pooled);
  }

  /** The pooled vectors [n, pooledDim] from the model outputs and the mask [n, length]. */
  abstract float[] pool(TokenBatchTranslator.Output out, float[] mask, int n, int length);

  /** Whether the tokenizer and model have been loaded. */
  final synchronized boolean loaded() {
    return predictor != null;
  }

  private void ensureLoaded() {
    if (closed) {
      throw new IllegalStateException("text encoder '" + id.name() + "' is closed");
    }
    if (predictor == null) {
      Runtime r = loadRuntime();
      tokenizer = r.tokenizer();
      model = r.model();
      predictor = model.newPredictor(translator);
    }
  }

  @Override
  public final synchronized void close() {
    if (!closed) {
      closed = true;
      if (predictor != null) {
        predictor.close();
        model.close();
        tokenizer.close();
      }
    }
  }
}

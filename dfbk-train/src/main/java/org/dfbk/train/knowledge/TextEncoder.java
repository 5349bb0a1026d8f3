package org.dfbk.train.knowledge;

import java.util.List;

/**
 * Turns prompts into the text embedding c of the Knowledge Guidance blocks (paper Eq. 9–10):
 * token embeddings [L, D] with a padding mask, plus a pooled sentence vector per prompt.
 *
 * <p>Each prompt is tokenised and encoded as its own sequence (with the encoder's special
 * tokens, for BERT-style encoders {@code [CLS] … [SEP]}), the way the encoders were trained on
 * single captions. A prompt longer than {@link #contextLength()} tokens is rejected, never
 * silently cut. Implementations hold native resources: close them.
 *
 * <p>Implementations: {@link MiniLmTextEncoder} (embedded default, all-MiniLM-L6-v2 through the
 * OnnxRuntime engine, D = 384) and {@link BiomedClipTextEncoder} (the paper's BiomedCLIP text
 * tower exported to TorchScript, D = 768). Build them with {@link TextEncoders#create}.
 */
public interface TextEncoder extends AutoCloseable {

  /** Name, token width D and weight fingerprint; recorded in checkpoints and caches. */
  EncoderId id();

  /** Encoder name (same as {@code id().name()}). */
  default String name() {
    return id().name();
  }

  /** Token embedding width D (same as {@code id().dim()}). */
  default int dim() {
    return id().dim();
  }

  /** Fingerprint of the weights and tokenizer (same as {@code id().fingerprint()}). */
  default String fingerprint() {
    return id().fingerprint();
  }

  /** Width E of the pooled sentence vector. */
  int pooledDim();

  /** Largest number of tokens of one prompt, special tokens included. */
  int contextLength();

  /** Token ids of one prompt, special tokens included, without padding. */
  long[] tokenize(String prompt);

  /** Text of token ids (special tokens dropped), the inverse of {@link #tokenize} up to
   * the tokenizer's normalisation (lower case, spacing around punctuation). */
  String decode(long[] ids);

  /**
   * Encodes each prompt as one sequence.
   *
   * @param prompts P prompts, none blank
   * @return token embeddings [P, L, D], mask [P, L], ids [P, L], pooled [P, E]
   * @throws org.dfbk.core.error.ConfigException when a prompt exceeds {@link #contextLength()}
   */
  TextEncoding encode(List<String> prompts);

  /** Frees the native model and tokenizer. */
  @Override
  void close();
}

package org.dfbk.train.knowledge;

import ai.djl.engine.EngineException;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads HuggingFace {@code tokenizer.json} files through DJL's tokenizer with its native library
 * taken from the {@code ai.djl.huggingface:tokenizers} jar (never downloaded).
 *
 * <p>DJL picks a CUDA build of the tokenizer native on a machine with a GPU unless
 * {@code ai.djl.offline=true}, and that build is not in the jar: it would be downloaded. The
 * tokenizer never uses the GPU, so unless the user chose a flavour ({@code TOKENIZERS_FLAVOR}),
 * the CPU build from the jar is selected here.
 */
final class Tokenizers {
  private static final Logger LOG = LoggerFactory.getLogger(Tokenizers.class);
  private static final String FLAVOR = "TOKENIZERS_FLAVOR";

  private Tokenizers() {}

  /**
   * A tokenizer that adds the special tokens and neither pads nor truncates.
   *
   * @param json the bytes of a tokenizer.json
   * @param source where the bytes came from, for messages
   */
  static HuggingFaceTokenizer load(byte[] json, String source) {
    if (System.getenv(FLAVOR) == null && System.getProperty(FLAVOR) == null) {
      System.setProperty(FLAVOR, "cpu");
      LOG.debug("set {}=cpu: the tokenizer native comes from the tokenizers jar", FLAVOR);
    }
    Map<String, String> options = Map.of(
        "addSpecialTokens", "true", "padding", "false", "truncation", "false");
    try {
      return HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json), options);
    } catch (EngineException | UnsatisfiedLinkError e) {
      throw new IllegalStateException("cannot load the HuggingFace tokenizer native library "
          + "from the ai.djl.huggingface:tokenizers jar (extracted under ~/.djl.ai/tokenizers "
          + "or $DJL_CACHE_DIR): " + e.getMessage()
          + "; check that the jar is on the class path and the cache folder is writable", e);
    } catch (IOException | RuntimeException e) {
      throw new org.dfbk.core.error.ConfigException(
          "cannot read tokenizer " + source + ": " + e.getMessage(), e);
    }
  }
}

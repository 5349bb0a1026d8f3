package org.dfbk.cli;

import java.nio.file.Path;
import java.nio.file.Paths;
import org.dfbk.cli.config.DfbkConfig;
import org.dfbk.cli.config.KnowledgeConfig;
import org.dfbk.core.error.ConfigException;
import org.dfbk.train.knowledge.KnowledgeCache;
import org.dfbk.train.knowledge.PromptSet;
import org.dfbk.train.knowledge.TextContext;
import org.dfbk.train.knowledge.TextEncoder;
import org.dfbk.train.knowledge.TextEncoders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Config → text encoder → cached prompt embeddings for the KG blocks. */
public final class Knowledge {
  private static final Logger LOG = LoggerFactory.getLogger(Knowledge.class);

  private Knowledge() {}

  public static PromptSet prompts(DfbkConfig c) {
    return new PromptSet(c.knowledge().prompts());
  }

  public static Path cacheDir(DfbkConfig c) {
    return Paths.get(c.knowledge().cache()).toAbsolutePath().normalize();
  }

  /** Opens the configured encoder (lazy: the model loads only on a cache miss). */
  public static TextEncoder encoder(KnowledgeConfig k) {
    Path dir = k.encoderDir() == null ? null : Paths.get(k.encoderDir());
    return TextEncoders.create(k.encoder().id(), dir);
  }

  /**
   * The prompt embeddings of the config: read from {@code knowledge.embeddings} when set (the
   * encoder is not opened), else computed once and cached on disk.
   */
  public static TextContext embed(DfbkConfig c) {
    if (c.knowledge().embeddings() != null) {
      return precomputed(Paths.get(c.knowledge().embeddings()), prompts(c));
    }
    try (TextEncoder enc = encoder(c.knowledge())) {
      return new KnowledgeCache(cacheDir(c)).getOrCompute(enc, prompts(c));
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("closing the text encoder failed: " + e.getMessage(), e);
    }
  }

  /** A {@code dfbk knowledge embed} entry whose prompts must be {@code prompts}. */
  static TextContext precomputed(Path json, PromptSet prompts) {
    TextContext ctx = KnowledgeCache.load(json, null);
    if (!ctx.prompts().equals(prompts)) {
      throw new ConfigException("knowledge.embeddings: " + json + " holds the prompts "
          + ctx.prompts().prompts() + ", not the config's knowledge.prompts " + prompts.prompts()
          + "; embed the config's prompts with 'dfbk knowledge embed --config FILE' and point "
          + "knowledge.embeddings at the .json it prints");
    }
    LOG.info("text knowledge from {} (encoder {}, {}), encoder not opened", json,
        ctx.encoder().name(), ctx.encoder().fingerprint());
    return ctx;
  }
}

package org.dfbk.cli;

import java.nio.file.Path;
import java.nio.file.Paths;
import org.dfbk.cli.config.DfbkConfig;
import org.dfbk.cli.config.KnowledgeConfig;
import org.dfbk.train.knowledge.KnowledgeCache;
import org.dfbk.train.knowledge.PromptSet;
import org.dfbk.train.knowledge.TextContext;
import org.dfbk.train.knowledge.TextEncoder;
import org.dfbk.train.knowledge.TextEncoders;

/** Config → text encoder → cached prompt embeddings for the KG blocks. */
public final class Knowledge {
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
    return TextEncoders.create(k.encoder(), dir);
  }

  /** The prompt embeddings of the config, computed once and cached on disk. */
  public static TextContext embed(DfbkConfig c) {
    try (TextEncoder enc = encoder(c.knowledge())) {
      return new KnowledgeCache(cacheDir(c)).getOrCompute(enc, prompts(c));
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("closing the text encoder failed: " + e.getMessage(), e);
    }
  }
}

package org.dfbk.cli.config;

import java.nio.file.Path;
import org.dfbk.data.prep.PrepareSpec;

/**
 * Forwards to {@link ConfigMapper}, the one mapping from a config to the libraries' specs; kept
 * only for the callers that have not moved to it yet ({@code Evaluation}). New code calls
 * {@link ConfigMapper} directly.
 */
public final class Specs {
  private Specs() {}

  /** {@link ConfigMapper#dataRoot(DfbkConfig)}. */
  public static Path dataRoot(DfbkConfig c) {
    return ConfigMapper.dataRoot(c);
  }

  /** {@link ConfigMapper#cacheDir(DfbkConfig)}. */
  public static Path cacheDir(DfbkConfig c) {
    return ConfigMapper.cacheDir(c);
  }

  /** {@link ConfigMapper#prepareSpec(DfbkConfig)}. */
  public static PrepareSpec prepareSpec(DfbkConfig c) {
    return ConfigMapper.prepareSpec(c);
  }
}

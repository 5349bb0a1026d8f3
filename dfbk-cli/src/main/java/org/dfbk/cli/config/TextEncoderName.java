package org.dfbk.cli.config;

import org.dfbk.train.knowledge.TextEncoders;

/** {@code knowledge.encoder}: the text encoder of the prompts (README "Configs"). */
public enum TextEncoderName {
  /** all-MiniLM-L6-v2, embedded, offline, 384-d. */
  MINILM(TextEncoders.MINILM),
  /** BiomedCLIP's text tower (the paper's), exported by scripts/export_biomedclip_text.py. */
  BIOMEDCLIP(TextEncoders.BIOMEDCLIP);

  private final String id;

  TextEncoderName(String id) {
    this.id = id;
  }

  /** The name {@link TextEncoders#create} takes. */
  public String id() {
    return id;
  }
}

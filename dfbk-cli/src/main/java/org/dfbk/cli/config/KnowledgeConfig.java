package org.dfbk.cli.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Text knowledge for the KG blocks (paper Eq. 9–10).
 *
 * @param encoder minilm (embedded, offline) | biomedclip (an export made by
 *     scripts/export_biomedclip_text.py)
 * @param encoderDir folder of a BiomedCLIP export (biomedclip only)
 * @param prompts the clinical descriptions fed to the encoder (source, target, task)
 * @param cache folder of the prompt-embedding cache
 * @param embeddings a cache entry (.json) written by {@code dfbk knowledge embed}, used instead
 *     of running the encoder: for machines without the encoder's files (an offline GPU server);
 *     its prompts must be the config's
 */
public record KnowledgeConfig(
    @JsonProperty("encoder") TextEncoderName encoder,
    @JsonProperty("encoder_dir") String encoderDir,
    @JsonProperty("prompts") List<String> prompts,
    @JsonProperty("cache") String cache,
    @JsonProperty("embeddings") String embeddings) {

  public KnowledgeConfig {
    encoder = Check.or(encoder, TextEncoderName.MINILM);
    Check.that(encoder != TextEncoderName.BIOMEDCLIP || encoderDir != null, "knowledge.encoder_dir",
        "is required for encoder biomedclip: export it with scripts/export_biomedclip_text.py");
    prompts = Check.or(prompts, List.of(
        "Axial T1-weighted brain MR image: grey matter darker than white matter, dark CSF.",
        "Axial T2-weighted brain MR image: bright cerebrospinal fluid, white matter darker than grey matter."));
    Check.that(!prompts.isEmpty() && prompts.stream().allMatch(p -> p != null && !p.isBlank()),
        "knowledge.prompts", "must be a non-empty list of non-blank sentences");
    cache = Check.or(cache, "cache/knowledge");
    Check.that(embeddings == null || embeddings.endsWith(".json"), "knowledge.embeddings",
        "must name the .json entry that 'dfbk knowledge embed' prints, got " + embeddings);
  }

  static KnowledgeConfig defaults() {
    return new KnowledgeConfig(null, null, null, null, null);
  }

  /** This section with its embedding cache folder replaced (the demo's output folder). */
  public KnowledgeConfig withCache(String newCache) {
    return new KnowledgeConfig(encoder, encoderDir, prompts, newCache, embeddings);
  }
}

package org.dfbk.cli.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Text knowledge for the KG blocks (paper Eq. 9–10).
 *
 * @param encoder minilm (embedded, offline) | biomedclip (an export made by
 *     scripts/export_biomedclip_text.py)
 * @param encoderDir folder of a BiomedCLIP export (biomedclip only)
 * @param prompts the clinical descriptions fed to the encoder (source, target, task); without
 *     them a config with several sources gets one prompt naming each source and one for the
 *     target ({@link #defaultPrompts})
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
    prompts = Check.or(prompts, DEFAULT_PROMPTS);
    Check.that(!prompts.isEmpty() && prompts.stream().allMatch(p -> p != null && !p.isBlank()),
        "knowledge.prompts", "must be a non-empty list of non-blank sentences");
    cache = Check.or(cache, "cache/knowledge");
    Check.that(embeddings == null || embeddings.endsWith(".json"), "knowledge.embeddings",
        "must name the .json entry that 'dfbk knowledge embed' prints, got " + embeddings);
  }

  /** The prompts of a config that sets none (one source). */
  static final List<String> DEFAULT_PROMPTS = List.of(
      "Axial T1-weighted brain MR image: grey matter darker than white matter, dark CSF.",
      "Axial T2-weighted brain MR image: bright cerebrospinal fluid, white matter darker than"
          + " grey matter.");

  /**
   * The prompts of a config with several sources that sets none: one per source, naming it and
   * its place among the inputs, then one for the target.
   */
  static List<String> defaultPrompts(List<String> sources, String target) {
    List<String> out = new java.util.ArrayList<>();
    for (int i = 0; i < sources.size(); i++) {
      out.add("Source " + (i + 1) + " of " + sources.size() + ": axial " + describe(sources.get(i))
          + " brain image.");
    }
    out.add("Target: axial " + describe(target) + " brain image synthesised from the "
        + String.join(", ", sources.stream().map(KnowledgeConfig::describe).toList())
        + " images.");
    return List.copyOf(out);
  }

  /** A modality name in words (T1 → "T1-weighted MR"); unknown names as written. */
  static String describe(String modality) {
    return switch (modality.toUpperCase(java.util.Locale.ROOT)) {
      case "T1", "T1N" -> "T1-weighted MR";
      case "T1C", "T1POST", "T1GD" -> "contrast-enhanced T1-weighted MR";
      case "T2", "T2W" -> "T2-weighted MR";
      case "FLAIR", "T2F" -> "T2-FLAIR MR";
      case "PD" -> "proton-density-weighted MR";
      case "DWI" -> "diffusion-weighted MR";
      case "CT" -> "CT";
      default -> modality + " MR";
    };
  }

  /** This section with {@code newPrompts}. */
  KnowledgeConfig withPrompts(List<String> newPrompts) {
    return new KnowledgeConfig(encoder, encoderDir, newPrompts, cache, embeddings);
  }

  static KnowledgeConfig defaults() {
    return new KnowledgeConfig(null, null, null, null, null);
  }

  /** This section with its embedding cache folder replaced (the demo's output folder). */
  public KnowledgeConfig withCache(String newCache) {
    return new KnowledgeConfig(encoder, encoderDir, prompts, newCache, embeddings);
  }
}

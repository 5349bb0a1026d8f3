package org.dfbk.cli.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A dfbk run configuration (one YAML file). Sections: {@code data}, {@code model},
 * {@code diffusion}, {@code train}, {@code knowledge}, {@code eval}. Missing sections and keys take
 * the documented defaults; unknown keys are errors.
 *
 * @param version schema version; this build reads version {@value #SCHEMA_VERSION}
 * @param name run name, used for output folders and report titles
 */
public record DfbkConfig(
    @JsonProperty("version") Integer version,
    @JsonProperty("name") String name,
    @JsonProperty("data") DataConfig data,
    @JsonProperty("model") ModelConfig model,
    @JsonProperty("diffusion") DiffusionConfig diffusion,
    @JsonProperty("train") TrainConfig train,
    @JsonProperty("knowledge") KnowledgeConfig knowledge,
    @JsonProperty("eval") EvalConfig eval) {

  public static final int SCHEMA_VERSION = 1;

  public DfbkConfig {
    if (version == null) {
      version = SCHEMA_VERSION;
    }
    Check.that(version.intValue() == SCHEMA_VERSION, "version",
        "schema version " + version + " is not supported; this build reads version "
            + SCHEMA_VERSION);
    Check.that(name != null && name.matches("[A-Za-z0-9._-]+"), "name",
        "must be a non-empty name of letters, digits, '.', '_' or '-', got " + name);
    data = data == null ? DataConfig.defaults() : data;
    model = model == null ? ModelConfig.defaults() : model;
    diffusion = diffusion == null ? DiffusionConfig.defaults() : diffusion;
    train = train == null ? TrainConfig.defaults() : train;
    knowledge = knowledge == null ? KnowledgeConfig.defaults() : knowledge;
    eval = eval == null ? EvalConfig.defaults() : eval;
    if (data.sources().size() > 1 && knowledge.prompts().equals(KnowledgeConfig.DEFAULT_PROMPTS)) {
      // the single-source defaults name T1 and T2 only: name every source instead
      knowledge = knowledge.withPrompts(KnowledgeConfig.defaultPrompts(data.sources(),
          data.target()));
    }
    if (model.imageSize() == null) {
      model = model.withImageSize(data.imageSize());
    }
    Check.that(model.imageSize().equals(data.imageSize()), "model.image_size",
        "is " + model.imageSize() + " but data.image_size, the size the slices are made at, is "
            + data.imageSize() + "; the model's input is the slice. Fix: leave model.image_size"
            + " out (it follows data.image_size) or make the two equal");
  }

  /** This config trained with another seed ({@code dfbk train --seed}: seeded ablations). */
  public DfbkConfig withTrainSeed(long seed) {
    return new DfbkConfig(version, name, data, model, diffusion, train.withSeed(seed), knowledge,
        eval);
  }

  /**
   * This config with its dataset, slice cache and prompt-embedding cache moved under
   * {@code dir} ({@code phantom/}, {@code cache/}, {@code knowledge/}): the demo's output folder,
   * the benchmark's temporary phantom.
   */
  public DfbkConfig underFolder(java.nio.file.Path dir) {
    return new DfbkConfig(version, name,
        data.withFolders(dir.resolve("phantom").toString(), dir.resolve("cache").toString()),
        model, diffusion, train, knowledge.withCache(dir.resolve("knowledge").toString()), eval);
  }
}

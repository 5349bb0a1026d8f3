package org.dfbk.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.dfbk.core.error.ConfigException;
import org.dfbk.core.spec.KgPlacement;
import org.dfbk.core.spec.UNetSpec;
import org.dfbk.data.cache.PrepareSpec;
import org.dfbk.data.transform.ModalityKind;
import org.dfbk.train.loop.Precision;
import org.dfbk.train.loop.TrainerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigMapperTest {
  @TempDir Path tmp;

  private DfbkConfig load(String yaml) throws IOException {
    Path f = tmp.resolve("c.yaml");
    Files.writeString(f, yaml);
    return ConfigLoader.load(f);
  }

  @Test
  void theDefaultModelSectionIsThePaper192Network() throws IOException {
    DfbkConfig c = load("name: t\n");
    assertEquals(UNetSpec.paper192(), ConfigMapper.networkSpec(c, 768));
    // the defaults that depend on the image size are in the resolved config itself
    assertEquals(java.util.List.of(96, 48, 24, 12, 6), c.model().attentionResolutions());
    assertEquals(java.util.List.of(2, 3, 4, 5), c.model().dfb().levels());
  }

  @Test
  void kgPlacementAndModeNoneMapToTheLibrarysPlacement() throws IOException {
    DfbkConfig middle = load("name: t\nmodel: {kg: {placement: middle}}\n");
    assertEquals(new KgPlacement(true, Set.of()),
        ConfigMapper.networkSpec(middle, 384).kgPlacement());
    DfbkConfig none = load("name: t\nmodel: {kg: {mode: none}, dfb: {mode: none, levels: [2]}}\n");
    UNetSpec s = ConfigMapper.networkSpec(none, 384);
    assertEquals(KgPlacement.none(), s.kgPlacement());
    assertEquals(0, s.textDim(), "no text input without KG");
    assertEquals(Set.of(), s.dfbLevels(), "levels are dropped with mode none");
    assertTrue(!ConfigMapper.usesKnowledge(none) && ConfigMapper.usesKnowledge(middle));
  }

  @Test
  void trainerSettingsComeFromTheirKeys() throws IOException {
    DfbkConfig c = load("""
        name: t
        train: {batch_size: 6, lr: 1.0e-4, lr_min: 1.0e-6, warmup_steps: 50, max_steps: 400,
                ema_rate: 0.99, grad_clip: 0.5, precision: fp16, seed: 9, log_every: 7,
                val_every: 0, checkpoint_every: 0}
        diffusion: {loss: mse}
        """);
    TrainerConfig t = ConfigMapper.trainerConfig(c);
    assertEquals(TrainerConfig.builder().batchSize(6).learningRate(1e-4).learningRateMin(1e-6)
        .warmupSteps(50).maxSteps(400).emaRate(0.99).gradClipNorm(0.5).precision(Precision.FP16)
        .seed(9).logEvery(7).validateEvery(0).checkpointEvery(0)
        .loss(org.dfbk.train.loss.DiffusionLoss.MSE).build(), t);
  }

  @Test
  void aShorterRunKeepsItsWarmUpInsideTheRun() throws IOException {
    DfbkConfig c = load("name: t\ntrain: {warmup_steps: 50, max_steps: 400}\n");
    TrainerConfig t = ConfigMapper.trainerConfig(c, ConfigMapper.RunOverrides.maxSteps(20));
    assertEquals(20, t.maxSteps());
    assertEquals(19, t.warmupSteps());
    TrainerConfig bench = ConfigMapper.trainerConfig(c,
        new ConfigMapper.RunOverrides(6L, 2, Precision.FP32, true));
    assertEquals(2, bench.batchSize());
    assertEquals(0, bench.validateEvery());
    assertEquals(0, bench.checkpointEvery());
    assertEquals(Integer.MAX_VALUE, bench.logEvery());
  }

  @Test
  void thePhantomLayoutIsReadAsAPairedFolderWithTheConfiguredKinds() throws IOException {
    DfbkConfig c = load("name: t\ndata: {layout: phantom, source: T1, target: CT, root: d}\n");
    PrepareSpec p = ConfigMapper.prepareSpec(c);
    assertEquals("paired", p.layout());
    assertEquals(ModalityKind.CT, p.targetKind());
    assertEquals(ModalityKind.MR, p.sourceKind());
    assertEquals(Path.of("d").toAbsolutePath().normalize(), p.root());
  }

  @Test
  void libraryErrorsAreTranslatedToKeyPaths() {
    assertEquals("train.lr_min must be a number in [0, train.lr = 1.0E-5], found 2.0E-5",
        ConfigMapper.translate("TrainerConfig.learningRateMin must be a number in [0,"
            + " TrainerConfig.learningRate = 1.0E-5], found 2.0E-5"));
    assertEquals("model.channels 20 × channelMult[0] = 20 is not divisible by UNetSpec.normGroups"
        + " = 32", ConfigMapper.translate("UNetSpec.modelChannels 20 × channelMult[0] = 20 is not"
        + " divisible by UNetSpec.normGroups = 32"), "a setting without a key stays as it is");
    ConfigException e = assertThrows(ConfigException.class, () -> TrainerConfig.builder()
        .batchSize(4).precision(Precision.BF16).build());
    assertTrue(ConfigMapper.translate(e.getMessage()).startsWith("train.precision: bf16"),
        ConfigMapper.translate(e.getMessage()));
  }
}

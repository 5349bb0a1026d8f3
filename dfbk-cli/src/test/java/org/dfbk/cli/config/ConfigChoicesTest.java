package org.dfbk.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dfbk.cli.ExitCode;
import org.dfbk.core.error.ConfigException;
import org.dfbk.core.spec.AttentionScope;
import org.dfbk.core.spec.DfbMode;
import org.dfbk.core.spec.KgMode;
import org.dfbk.data.transform.ModalityKind;
import org.dfbk.data.transform.NormalizationMethod;
import org.dfbk.train.loop.Precision;
import org.dfbk.train.loss.DiffusionLoss;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Choices bind to enums at the YAML boundary; wrong values and misplaced keys are named. */
class ConfigChoicesTest {
  @TempDir Path tmp;

  private Path write(String yaml) throws IOException {
    Path f = tmp.resolve("c.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  private ConfigException rejected(String yaml) throws IOException {
    Path f = write(yaml);
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
    assertTrue(e.getMessage().startsWith(f.toString() + ":"), "names the file: " + e.getMessage());
    assertEquals(ExitCode.USAGE, ExitCode.of(e));
    return e;
  }

  @Test
  void everyChoiceBindsInAnyLetterCase() throws IOException {
    DfbkConfig c = ConfigLoader.load(write("""
        name: t
        data: {layout: BraTS2023, source: t1n, target: t2w, source_kind: mr, target_kind: Mr}
        model:
          dfb: {mode: lh, scope: WINDOW, levels: [4, 5]}
          kg: {mode: CrossAttn, placement: MIDDLE}
        diffusion: {loss: MSE}
        train: {precision: FP16}
        knowledge: {encoder: MiniLM}
        eval: {split: Val}
        """));
    assertEquals(DataLayout.BRATS2023, c.data().layout());
    assertEquals(ModalityKind.MR, c.data().targetKind());
    assertEquals(DfbMode.LH, c.model().dfb().mode());
    assertEquals(AttentionScope.WINDOW, c.model().dfb().scope());
    assertEquals(KgMode.CROSSATTN, c.model().kg().mode());
    assertEquals(KgPosition.MIDDLE, c.model().kg().placement());
    assertEquals(DiffusionLoss.MSE, c.diffusion().loss());
    assertEquals(Precision.FP16, c.train().precision());
    assertEquals(TextEncoderName.MINILM, c.knowledge().encoder());
    assertEquals(SplitName.VAL, c.eval().split());
  }

  @Test
  void modalityKindsDefaultFromTheModalityNames() throws IOException {
    DfbkConfig c = ConfigLoader.load(write("name: t\ndata: {source: mr, target: ct}\n"));
    assertEquals(ModalityKind.MR, c.data().sourceKind());
    assertEquals(ModalityKind.CT, c.data().targetKind());
    assertTrue(c.data().targetIsCt() && !c.data().sourceIsCt());
    DfbkConfig explicit = ConfigLoader.load(write(
        "name: t\ndata: {source: T1, target: sCT, target_kind: ct}\n"));
    assertEquals(ModalityKind.CT, explicit.data().targetKind());
  }

  @Test
  void aWrongChoiceNamesKeyLineValueAndTheAllowedValues() throws IOException {
    ConfigException e = rejected("""
        name: t
        model:
          channels: 64
          dfb:
            mode: LHX
        """);
    assertTrue(e.getMessage().contains("key 'model.dfb.mode' (line 5)")
        && e.getMessage().contains("'LHX'")
        && e.getMessage().contains("allowed: none, L, H, LH, normattn"), e.getMessage());
    ConfigException p = rejected("name: t\ntrain: {lr: 1.0e-4, precision: fp64}\n");
    assertTrue(p.getMessage().contains("key 'train.precision' (line 2)")
        && p.getMessage().contains("allowed: fp32, fp16, bf16"), p.getMessage());
    ConfigException l = rejected("name: t\ndata:\n  layout: brats\n");
    assertTrue(l.getMessage().contains("'data.layout' (line 3)")
        && l.getMessage().contains("brats2023, isles2015, synthrad2023, paired, phantom"),
        l.getMessage());
    ConfigException s = rejected("name: t\neval: {split: testing}\n");
    assertTrue(s.getMessage().contains("'eval.split'")
        && s.getMessage().contains("train, val, test"), s.getMessage());
    ConfigException k = rejected("name: t\nknowledge: {encoder: clip}\n");
    assertTrue(k.getMessage().contains("minilm, biomedclip"), k.getMessage());
    ConfigException pl = rejected("name: t\nmodel: {kg: {placement: top}}\n");
    assertTrue(pl.getMessage().contains("bottom, middle"), pl.getMessage());
  }

  @Test
  void normalizationBindsDefaultsToPercentileAndTissueNeedsAKnownContrast() throws IOException {
    assertEquals(NormalizationMethod.PERCENTILE,
        ConfigLoader.load(write("name: t\n")).data().normalization());
    assertEquals(NormalizationMethod.TISSUE, ConfigLoader.load(write(
        "name: t\ndata: {source: T1, target: FLAIR, normalization: Tissue}\n")).data()
        .normalization());
    assertEquals(NormalizationMethod.ZSCORE, ConfigLoader.load(write(
        "name: t\ndata: {normalization: zscore}\n")).data().normalization());
    ConfigException e = rejected("name: t\ndata: {normalization: whitestripe}\n");
    assertTrue(e.getMessage().contains("'data.normalization'")
        && e.getMessage().contains("percentile, zscore, tissue"), e.getMessage());
    ConfigException unknown = rejected(
        "name: t\ndata: {source: T1, target: SWI, normalization: tissue}\n");
    assertTrue(unknown.getMessage().contains("data.normalization")
        && unknown.getMessage().contains("'SWI'"), unknown.getMessage());
    assertEquals(NormalizationMethod.TISSUE, ConfigLoader.load(write(
        "name: t\ndata: {source: T1, target: CT, normalization: tissue}\n")).data()
        .normalization(), "a CT side keeps its HU window and needs no peak");
  }

  @Test
  void aNumberIsNotAChoice() throws IOException {
    // without FAIL_ON_NUMBERS_FOR_ENUMS, Jackson would take 1 as the second constant (L)
    ConfigException e = rejected("name: t\nmodel: {dfb: {mode: 1}}\n");
    assertTrue(e.getMessage().contains("model.dfb.mode"), e.getMessage());
  }

  @Test
  void aKeyUnderTheWrongSectionSaysWhereItBelongs() throws IOException {
    ConfigException e = rejected("""
        name: t
        train:
          lr: 1.0e-4
          image_size: 64
        """);
    assertTrue(e.getMessage().contains("unknown key 'train.image_size' (line 4)")
        && e.getMessage().contains("under 'data' (data.image_size)")
        && e.getMessage().contains("under 'model' (model.image_size)"), e.getMessage());
    ConfigException top = rejected("name: t\nlr: 1.0e-4\n");
    assertTrue(top.getMessage().contains("unknown key 'lr' (line 2)")
        && top.getMessage().contains("(train.lr)"), top.getMessage());
    ConfigException typo = rejected("name: t\ntrain: {lrate: 1.0e-4}\n");
    assertTrue(typo.getMessage().contains("unknown key 'train.lrate'")
        && !typo.getMessage().contains("belongs")
        && typo.getMessage().contains("allowed keys here"), typo.getMessage());
  }

  @Test
  void theSameKeyNameInTwoSectionsIsFoundOnItsOwnLine() {
    String text = "name: t\ndata:\n  split:\n    seed: 3\ntrain:\n  seed: 7\n";
    assertEquals(" (line 6)", ConfigLoader.lineOf(text, "train.seed", null));
    assertEquals(" (line 4)", ConfigLoader.lineOf(text, "data.split.seed", null));
    assertEquals(" (line 2)", ConfigLoader.lineOf("name: t\ntrain: {lr: 1, seed: 2}\n",
        "train.seed", null));
  }

  @Test
  void aWarmUpAsLongAsTheRunIsRefusedWhenTheFileIsRead() throws IOException {
    ConfigException e = rejected("name: t\ntrain:\n  max_steps: 100\n  warmup_steps: 100\n");
    assertTrue(e.getMessage().contains("key 'train.warmup_steps' (line 4)")
        && e.getMessage().contains("[0, train.max_steps = 100)")
        && e.getMessage().contains("found 100"), e.getMessage());
  }

  @Test
  void aNetworkRuleIsReportedWithTheConfigKey() throws IOException {
    // 96 px with 3 levels: sides 96, 48, 24; window 10 divides none of them and covers none
    ConfigException e = rejected("""
        name: t
        data: {image_size: 96}
        model:
          channels: 32
          channel_mult: [1, 2, 2]
          window_size: 10
        """);
    assertTrue(e.getMessage().contains("key 'model.window_size' (line 6)")
        && !e.getMessage().contains("UNetSpec"), e.getMessage());
  }
}

package org.dfbk.core.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.dfbk.core.error.ConfigException;
import org.junit.jupiter.api.Test;

class UNetSpecTest {

  private static UNetSpec with(int imageSize, List<Integer> mult, Set<Integer> attn, int window) {
    return UNetSpec.builder().setImageSize(imageSize).setModelChannels(16).setChannelMult(mult)
        .optNumResBlocks(1).optAttentionResolutions(attn).optNormGroups(8).optSwinDepth(2)
        .optSwinEmbedDim(16).optHeadChannels(8).optWindowSize(window).build();
  }

  private static void assertRejected(String mustContain, Runnable r) {
    ConfigException e = assertThrows(ConfigException.class, r::run);
    assertTrue(e.getMessage().contains(mustContain), "message lacks '" + mustContain + "': "
        + e.getMessage());
  }

  @Test
  void paperConfigsHaveThePaperSizes() {
    UNetSpec a = UNetSpec.paper192();
    assertEquals(List.of(1, 1, 2, 2, 4, 4), a.channelMult());
    assertEquals(List.of(192, 96, 48, 24, 12, 6),
        List.of(a.levelSize(0), a.levelSize(1), a.levelSize(2), a.levelSize(3), a.levelSize(4),
            a.levelSize(5)));
    assertEquals(8, a.windowSize());
    UNetSpec b = UNetSpec.paper224();
    assertEquals(List.of(1, 1, 2, 2, 4), b.channelMult());
    assertEquals(14, b.windowSize());
    for (UNetSpec s : List.of(a, b)) {
      assertEquals(160, s.modelChannels());
      assertEquals(32, s.headChannels());
      assertEquals(2, s.numResBlocks());
      assertEquals(2, s.swinDepth());
      assertEquals(256, s.swinEmbedDim());
      assertEquals(640, s.timeEmbedDim());
    }
  }

  @Test
  void imageSizeMustSurviveEveryDownsampling() {
    assertRejected("imageSize", () -> with(18, List.of(1, 2, 2), Set.of(), 4));
  }

  @Test
  void attentionResolutionsAreFeatureMapSidesNotFactors() {
    assertRejected("not a feature-map side", () -> with(16, List.of(1, 2, 2), Set.of(2), 4));
    assertEquals(Set.of(8, 16), with(16, List.of(1, 2, 2), Set.of(16, 8), 4)
        .attentionResolutions());
  }

  @Test
  void windowThatDoesNotDivideALargeMapIsRejectedWithTheWorkingSides() {
    // 24 px map, window 5: more than one window, not divisible.
    assertRejected("windowSize", () -> with(24, List.of(1, 2), Set.of(24), 5));
  }

  @Test
  void dfbAndKgLevelsMustExist() {
    UNetSpec base = with(16, List.of(1, 2, 2), Set.of(), 4);
    assertRejected("dfbLevels", () -> base.withDfb(DfbMode.LH, AttentionScope.GLOBAL, Set.of(3)));
    assertRejected("kgPlacement", () -> base.withKg(KgMode.LH,
        new KgPlacement(false, Set.of(5)), 16));
  }

  @Test
  void kgNeedsATextWidthAndAPlacement() {
    UNetSpec base = with(16, List.of(1, 2, 2), Set.of(), 4);
    assertRejected("textDim", () -> base.withKg(KgMode.LH, KgPlacement.bottom(3), 0));
    assertRejected("kgPlacement", () -> base.withKg(KgMode.LH, KgPlacement.none(), 16));
  }

  @Test
  void windowedDfbRejectsAWindowThatDoesNotDivideTheLowBand() {
    // level 0 of 24 px: LL is 12x12, window 8 neither covers nor divides it.
    UNetSpec base = with(24, List.of(1, 2), Set.of(), 4);
    assertRejected("dfbLevels", () -> base.toBuilder().optWindowSize(8)
        .optDfb(DfbMode.LH, AttentionScope.WINDOW, Set.of(0)).build());
    assertEquals(Set.of(0), base.withDfb(DfbMode.LH, AttentionScope.WINDOW, Set.of(0))
        .dfbLevels());
  }

  @Test
  void backboneOnlyDropsDfbAndKg() {
    UNetSpec b = UNetSpec.paper192().backboneOnly();
    assertEquals(DfbMode.NONE, b.dfbMode());
    assertEquals(KgMode.NONE, b.kgMode());
    assertTrue(!b.needsText() && !b.hasDfb(3) && !b.hasMiddleKg());
  }

  @Test
  void theBuilderNamesMissingRequiredSettings() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> UNetSpec.builder().setImageSize(64).build());
    assertTrue(e.getMessage().contains("setModelChannels")
        && e.getMessage().contains("setChannelMult") && !e.getMessage().contains("setImageSize"),
        e.getMessage());
  }

  @Test
  void theBuilderNamesTheSettingAndTheOffendingValues() {
    ConfigException e = assertThrows(ConfigException.class, () -> UNetSpec.builder()
        .setImageSize(48).setModelChannels(20).setChannelMult(List.of(1, 2)).build());
    // 20 × 1 channels cannot form GroupNorm's 32 groups
    assertTrue(e.getMessage().contains("UNetSpec.modelChannels 20")
        && e.getMessage().contains("normGroups = 32"), e.getMessage());
    ConfigException w = assertThrows(ConfigException.class, () -> UNetSpec.builder()
        .setImageSize(40).setModelChannels(32).setChannelMult(List.of(1)).optWindowSize(16)
        .build());
    assertTrue(w.getMessage().startsWith("UNetSpec.windowSize:") && w.getMessage().contains("40"),
        w.getMessage());
  }

  @Test
  void theBuilderDefaultsAreResShiftsWithoutDfbAndKg() {
    UNetSpec s = UNetSpec.builder().setImageSize(64).setModelChannels(32)
        .setChannelMult(List.of(1, 2)).build();
    assertEquals(List.of(2, 1, 2, 32, 2, 256, 32, 8), List.of(s.inChannels(), s.outChannels(),
        s.numResBlocks(), s.normGroups(), s.swinDepth(), s.swinEmbedDim(), s.headChannels(),
        s.windowSize()));
    assertEquals(DfbMode.NONE, s.dfbMode());
    assertEquals(KgMode.NONE, s.kgMode());
    assertEquals(0, s.textDim());
  }

  @Test
  void toBuilderRebuildsAnEqualSpec() {
    for (UNetSpec s : List.of(UNetSpec.paper192(), UNetSpec.paper224(), UNetSpec.tiny())) {
      assertEquals(s, s.toBuilder().build());
      assertEquals(s.hashCode(), s.toBuilder().build().hashCode());
    }
    assertTrue(!UNetSpec.tiny().equals(UNetSpec.tiny().toBuilder().optWindowSize(8).build()));
  }
}

package org.dfbk.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dfbk.core.error.ConfigException;
import org.dfbk.data.transform.ConditionLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code data.source} as a list and {@code data.context}: binding, checks, defaults, mapping. */
class MultiSourceConfigTest {
  @TempDir Path tmp;

  private DfbkConfig load(String yaml) throws IOException {
    Path f = tmp.resolve("c.yaml");
    Files.writeString(f, yaml);
    return ConfigLoader.load(f);
  }

  private ConfigException refused(String yaml) {
    return assertThrows(ConfigException.class, () -> load(yaml));
  }

  @Test
  void oneNameOrAListBothBindAndShowAsWritten() throws IOException {
    DfbkConfig one = load("name: t\ndata: {source: T1, target: T2}\n");
    assertEquals(List.of("T1"), one.data().sources());
    assertEquals("T1", one.data().source());
    assertEquals(0, one.data().context());
    assertTrue(ConfigLoader.toYaml(one).contains("source: T1\n"), ConfigLoader.toYaml(one));
    DfbkConfig many = load("name: t\ndata: {source: [T1, T2], target: FLAIR, context: 2}\n");
    assertEquals(List.of("T1", "T2"), many.data().sources());
    assertEquals(new ConditionLayout(List.of("T1", "T2"), 2), many.data().condition());
    Path shown = tmp.resolve("shown.yaml");
    Files.writeString(shown, ConfigLoader.toYaml(many));
    assertEquals(many, ConfigLoader.load(shown));
    assertEquals(many, ConfigLoader.fromJson(ConfigLoader.toJson(many), "json"));
  }

  @Test
  void theNetworkGetsOneInputChannelPerSourceAndSlice() throws IOException {
    DfbkConfig c = load("""
        name: t
        data: {source: [T1, T2], target: FLAIR, context: 1, image_size: 32}
        model: {channels: 32, channel_mult: [1, 2], attention_resolutions: [16],
                swin_embed_dim: 32, window_size: 8}
        """);
    assertEquals(1 + 2 * 3, ConfigMapper.networkSpec(c, 1).inChannels());
    assertEquals(new ConditionLayout(List.of("T1", "T2"), 1),
        ConfigMapper.prepareSpec(c).condition());
    DfbkConfig paper = load("name: t\ndata: {image_size: 32}\nmodel: {channels: 32,"
        + " channel_mult: [1, 2], attention_resolutions: [16], swin_embed_dim: 32,"
        + " window_size: 8}\n");
    assertEquals(2, ConfigMapper.networkSpec(paper, 1).inChannels(), "x_t and one source");
  }

  @Test
  void badListsAreRefusedNamingTheKey() {
    ConfigException target = refused("name: t\ndata: {source: [T1, FLAIR], target: FLAIR}\n");
    assertTrue(target.getMessage().contains("data.target")
        && target.getMessage().contains("[T1, FLAIR]"), target.getMessage());
    ConfigException twice = refused("name: t\ndata: {source: [T1, t1], target: T2}\n");
    assertTrue(twice.getMessage().contains("data.source") && twice.getMessage().contains("twice"),
        twice.getMessage());
    ConfigException empty = refused("name: t\ndata: {source: [], target: T2}\n");
    assertTrue(empty.getMessage().contains("data.source"), empty.getMessage());
    ConfigException kinds = refused("name: t\ndata: {source: [MR, CT], target: T2}\n");
    assertTrue(kinds.getMessage().contains("data.source_kind"), kinds.getMessage());
    ConfigException context = refused("name: t\ndata: {context: 9}\n");
    assertTrue(context.getMessage().contains("data.context")
        && context.getMessage().contains("0..8"), context.getMessage());
  }

  @Test
  void withoutPromptsSeveralSourcesGetPromptsThatNameThem() throws IOException {
    DfbkConfig c = load("name: t\ndata: {layout: brats2023, source: [t1n, t1c, t2w],"
        + " target: t2f}\n");
    List<String> prompts = c.knowledge().prompts();
    assertEquals(4, prompts.size(), prompts.toString());
    assertTrue(prompts.get(0).contains("Source 1 of 3") && prompts.get(0).contains("T1-weighted"),
        prompts.get(0));
    assertTrue(prompts.get(1).contains("contrast-enhanced"), prompts.get(1));
    assertTrue(prompts.get(2).contains("T2-weighted"), prompts.get(2));
    assertTrue(prompts.get(3).startsWith("Target") && prompts.get(3).contains("T2-FLAIR"),
        prompts.get(3));
    DfbkConfig given = load("name: t\ndata: {source: [T1, T2], target: FLAIR}\n"
        + "knowledge: {prompts: [\"one\", \"two\"]}\n");
    assertEquals(List.of("one", "two"), given.knowledge().prompts(), "given prompts are kept");
    DfbkConfig single = load("name: t\n");
    assertFalse(single.knowledge().prompts().get(0).startsWith("Source 1"));
  }
}

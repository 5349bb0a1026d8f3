package org.dfbk.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.dfbk.cli.ExitCode;
import org.dfbk.core.error.ConfigException;
import org.dfbk.core.spec.AttentionScope;
import org.dfbk.core.spec.DfbMode;
import org.dfbk.train.loss.DiffusionLoss;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path tmp;

  private Path write(String yaml) throws IOException {
    Path f = tmp.resolve("c.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  @Test
  void goodFileBindsAndFillsDefaults() throws IOException {
    DfbkConfig c = ConfigLoader.load(write("""
        name: t
        data: {source: T1, target: FLAIR, image_size: 64}
        model: {image_size: 64, channels: 64, channel_mult: [1, 2, 2, 4]}
        train: {lr: 1.0e-4, lr_min: 1.0e-5}
        """));
    assertEquals("FLAIR", c.data().target());
    assertEquals(List.of(1, 2, 2, 4), c.model().channelMult());
    assertEquals(1e-4, c.train().lr(), 0);
    assertEquals(4, c.diffusion().steps());
    assertEquals(DiffusionLoss.WEIGHTED, c.diffusion().loss());
    assertEquals(0.999, c.train().emaRate(), 0);
    assertEquals(DfbMode.LH, c.model().dfb().mode());
  }

  @Test
  void dfbScopeDefaultsToThePapersGlobalAttention() throws IOException {
    DfbkConfig c = ConfigLoader.load(write("name: t\n"));
    assertEquals(AttentionScope.GLOBAL, c.model().dfb().scope());
    assertEquals(org.dfbk.core.spec.UNetSpec.paper192(), ConfigMapper.networkSpec(c, 768),
        "the default model section is the paper's 192-px network");
  }

  @Test
  void unknownKeyNamesKeyFileAndLine() throws IOException {
    Path f = write("""
        name: t
        model:
          image_size: 192
          chanels: 64
        """);
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
    assertTrue(e.getMessage().contains("unknown key 'model.chanels'"), e.getMessage());
    assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("line 4"), e.getMessage());
    assertTrue(e.getMessage().contains("channels"), "lists allowed keys: " + e.getMessage());
    assertEquals(ExitCode.USAGE, ExitCode.of(e));
  }

  @Test
  void badValueNamesKeyAndValue() throws IOException {
    Path f = write("name: t\ntrain: {lr: -1.0}\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
    assertTrue(e.getMessage().contains("'train.lr'") && e.getMessage().contains("-1.0"),
        e.getMessage());
  }

  @Test
  void checkpointEveryZeroMeansOnlyTheFinalCheckpoint() throws IOException {
    DfbkConfig c = ConfigLoader.load(write("name: t\ntrain: {checkpoint_every: 0}\n"));
    assertEquals(0, c.train().checkpointEvery());
    assertEquals(0, ConfigMapper.trainerConfig(c).checkpointEvery());
    Path f = write("name: t\ntrain: {checkpoint_every: -1}\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
    assertTrue(e.getMessage().contains("'train.checkpoint_every'") && e.getMessage().contains("-1"),
        e.getMessage());
  }

  @Test
  void anInfiniteLearningRateIsRefusedWhileReading() throws IOException {
    Path f = write("name: t\ntrain: {lr: 1.0e999}\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
    assertTrue(e.getMessage().contains("'train.lr'") && e.getMessage().contains("Infinity")
        && e.getMessage().contains(f.toString()), e.getMessage());
  }

  @Test
  void trainWorkersIsAnUnknownKeyButOldCheckpointConfigsStillLoad() throws IOException {
    Path f = write("name: t\ntrain:\n  lr: 1.0e-4\n  workers: 4\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
    assertTrue(e.getMessage().contains("key 'train.workers'") && e.getMessage().contains("removed")
        && e.getMessage().contains("delete the line") && e.getMessage().contains("line 4"),
        e.getMessage());
    assertEquals(ExitCode.USAGE, ExitCode.of(e));
    DfbkConfig c = ConfigLoader.load(write("name: t\n"));
    String stored = ConfigLoader.toJson(c).replace("\"val_slices\" : 64",
        "\"val_slices\" : 64,\n    \"workers\" : 2");
    assertTrue(stored.contains("workers"), stored);
    assertEquals(c, ConfigLoader.fromJson(stored, "old checkpoint"));
  }

  @Test
  void wrongTypeNamesKeyAndExpectation() throws IOException {
    Path f = write("name: t\ndata: {slices_per_subject: many}\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
    assertTrue(e.getMessage().contains("data.slices_per_subject")
        && e.getMessage().contains("a number") && e.getMessage().contains("many"),
        e.getMessage());
  }

  @Test
  void bfloat16IsRefusedWithReason() throws IOException {
    Path f = write("name: t\ntrain: {precision: bf16}\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
    assertTrue(e.getMessage().contains("bfloat16") && e.getMessage().contains("fp16"),
        e.getMessage());
  }

  @Test
  void missingFileAndEmptyFileAreClear() throws IOException {
    ConfigException e1 = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(tmp.resolve("nope.yaml")));
    assertTrue(e1.getMessage().contains("does not exist"), e1.getMessage());
    Path f = write("");
    ConfigException e2 = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
    assertTrue(e2.getMessage().contains("empty"), e2.getMessage());
  }

  @Test
  void mismatchedImageSizesAreRejected() throws IOException {
    Path f = write(
        "name: t\ndata: {image_size: 64}\nmodel: {image_size: 96, channel_mult: [1, 2]}\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
    assertTrue(e.getMessage().contains("model.image_size") && e.getMessage().contains("96")
        && e.getMessage().contains("data.image_size") && e.getMessage().contains("64")
        && e.getMessage().contains(f.toString()), e.getMessage());
    assertEquals(ExitCode.USAGE, ExitCode.of(e));
  }

  @Test
  void modelImageSizeFollowsDataImageSizeWhenLeftOut() throws IOException {
    DfbkConfig c = ConfigLoader.load(write(
        "name: t\ndata: {image_size: 64}\nmodel: {channels: 32, channel_mult: [1, 2, 2]}\n"));
    assertEquals(64, c.model().imageSize());
    assertEquals(64, ConfigMapper.networkSpec(c, 16).imageSize());
    assertEquals(c, ConfigLoader.fromJson(ConfigLoader.toJson(c), "stored"));
    assertEquals(192, ConfigLoader.load(write("name: t\n")).model().imageSize());
    Path f = write("name: t\ndata: {image_size: 48}\nmodel: {channel_mult: [1, 2, 2, 2, 2, 2]}\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
    assertTrue(e.getMessage().contains("'model.channel_mult'") && e.getMessage().contains("48")
        && e.getMessage().contains("32"), e.getMessage());
  }

  @Test
  void resolvedConfigRoundTripsThroughJson() throws IOException {
    DfbkConfig c = ConfigLoader.load(write("name: t\ndata: {target: FLAIR}\n"));
    DfbkConfig back = ConfigLoader.fromJson(ConfigLoader.toJson(c), "test");
    assertEquals(c, back);
  }

  @Test
  void everyShippedConfigLoads() throws IOException {
    Path configs = Paths.get("").toAbsolutePath().getParent().resolve("configs");
    List<Path> files = new ArrayList<>();
    try (var walk = Files.walk(configs)) {
      walk.filter(p -> p.toString().endsWith(".yaml")).forEach(files::add);
    }
    assertTrue(files.size() >= 7, "expected the paper task configs and demo in " + configs);
    for (Path p : files) {
      DfbkConfig c = ConfigLoader.load(p);
      assertEquals(c.model().imageSize(), c.data().imageSize(), p.toString());
    }
  }

  @Test
  void demoConfigIsBundled() {
    DfbkConfig c = ConfigLoader.loadResource("/org/dfbk/cli/configs/demo.yaml");
    assertEquals("demo", c.name());
  }
}

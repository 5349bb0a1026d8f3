package org.dfbk.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.dfbk.cli.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dfbk config show}: its output, read back as a config, resolves to the same config. */
class ConfigShowTest {
  @TempDir Path tmp;

  static List<Path> shippedConfigs() throws IOException {
    Path configs = Paths.get("").toAbsolutePath().getParent().resolve("configs");
    List<Path> files = new ArrayList<>();
    try (var walk = Files.walk(configs)) {
      walk.filter(p -> p.toString().endsWith(".yaml")).sorted().forEach(files::add);
    }
    assertTrue(files.size() >= 7, "expected the paper task configs and demo in " + configs);
    return files;
  }

  private static String show(Path config, boolean json) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> args = new ArrayList<>(List.of("config", "show", "--config", config.toString()));
    if (json) {
      args.add("--json");
    }
    int code = Cli.run(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
    assertEquals(0, code, config + ": " + err);
    return out.toString();
  }

  @Test
  void everyShippedConfigRoundTripsThroughShow() throws IOException {
    for (Path p : shippedConfigs()) {
      DfbkConfig c = ConfigLoader.load(p);
      Path yaml = tmp.resolve(p.getFileName());
      Files.writeString(yaml, show(p, false));
      assertEquals(c, ConfigLoader.load(yaml), p + " → config show → load:\n"
          + Files.readString(yaml));
      Path again = tmp.resolve("again-" + p.getFileName());
      Files.writeString(again, show(yaml, false));
      assertEquals(Files.readString(yaml), Files.readString(again), p + ": show is a fixed point");
      String json = show(p, true);
      assertEquals(c, ConfigLoader.fromJson(json, p + " --json"), p + " --json");
    }
  }

  @Test
  void theBundledDemoConfigRoundTrips() throws IOException {
    DfbkConfig c = ConfigLoader.loadResource("/org/dfbk/cli/configs/demo.yaml");
    Path yaml = tmp.resolve("demo.yaml");
    Files.writeString(yaml, ConfigLoader.toYaml(c));
    assertEquals(c, ConfigLoader.load(yaml));
  }

  @Test
  void showFillsInTheDefaultsInTheDocumentedSpelling() throws IOException {
    Path f = tmp.resolve("min.yaml");
    Files.writeString(f, "name: minimal\n");
    String yaml = show(f, false);
    for (String expected : new String[] {"image_size: 192", "mode: LH", "scope: global",
        "placement: bottom", "loss: weighted", "precision: fp32", "layout: paired",
        "source_kind: MR", "encoder: minilm", "split: test", "levels:",
        "normalization: percentile"}) {
      assertTrue(yaml.contains(expected), "missing '" + expected + "' in:\n" + yaml);
    }
  }

  @Test
  void trainSeedOverrideChangesTheSeedLineOnly() {
    DfbkConfig c = ConfigLoader.loadResource("/org/dfbk/cli/configs/demo.yaml");
    long other = c.train().seed() + 7;
    DfbkConfig seeded = c.withTrainSeed(other);
    assertEquals(other, seeded.train().seed());
    List<String> a = ConfigLoader.toYaml(c).lines().toList();
    List<String> b = ConfigLoader.toYaml(seeded).lines().toList();
    assertEquals(a.size(), b.size());
    List<String> changed = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      if (!a.get(i).equals(b.get(i))) {
        changed.add(a.get(i) + " -> " + b.get(i));
      }
    }
    assertEquals(List.of("  seed: " + c.train().seed() + " -> " + "  seed: " + other), changed,
        "only train.seed differs");
  }
}

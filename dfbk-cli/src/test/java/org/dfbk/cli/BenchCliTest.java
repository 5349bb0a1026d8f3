package org.dfbk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dfbk bench --json} on a tiny phantom config: every measurement is there and sane. */
class BenchCliTest {
  /** The user documentation that lists the fields of bench --json. */
  private static final Path FIELDS_DOC =
      Path.of("").toAbsolutePath().getParent().resolve("docs/json-output.md");
  /** A row of its field table: "| `name` | unit | meaning |". */
  private static final Pattern FIELD_ROW = Pattern.compile("^\\| `(\\w+)` \\|");

  @TempDir Path tmp;

  private Path tinyConfig() throws Exception {
    Path cfg = tmp.resolve("tiny-bench.yaml");
    Files.writeString(cfg, String.join("\n",
        "name: tiny-bench",
        "data: {layout: phantom, root: phantom, source: T1, target: T2, slices_per_subject: 4,",
        "       image_size: 16, cache: cache}",
        "model: {image_size: 16, channels: 32, channel_mult: [1, 2], num_res_blocks: 1,",
        "        attention_resolutions: [8], swin_embed_dim: 32, head_channels: 32,"
            + " window_size: 4,",
        "        dfb: {mode: none}, kg: {mode: none}}",
        "train: {batch_size: 2}",
        ""));
    return cfg;
  }

  @Test
  void reportsStepInferencePerSliceAndLoaderThroughput() throws Exception {
    Path cfg = tinyConfig();
    CliTest.Result r = CliTest.run("bench", "--config", cfg.toString(), "--repeats", "1",
        "--warmup", "1", "--json");
    assertEquals(0, r.code(), r.err() + r.out());
    JsonObject j = JsonParser.parseString(r.out()).getAsJsonObject();
    for (String key : new String[] {"forwardMs", "forwardBackwardMs", "sample4StepsMs",
        "trainStepMs", "imagesPerS", "inferenceMsPerSlice", "loaderSlicesPerS"}) {
      assertTrue(j.has(key) && j.get(key).getAsDouble() > 0,
          key + " missing or not positive: " + j);
    }
    assertEquals(j.get("sample4StepsMs").getAsDouble() / 2,
        j.get("inferenceMsPerSlice").getAsDouble(), 1e-9, "per slice = per batch of 2 / 2");
    assertEquals(2000 / j.get("trainStepMs").getAsDouble(), j.get("imagesPerS").getAsDouble(), 1e-9,
        "images/s = batch of 2 per training step");
    assertEquals("fp32", j.get("precision").getAsString());
    assertEquals(2, j.get("trainStepsRun").getAsInt(), "1 warm-up + 1 timed step");
    assertEquals(2, j.get("trainStepsApplied").getAsInt(), "fp32 applies every finite step");
    assertTrue(!Files.exists(Path.of("phantom")) && !Files.exists(Path.of("cache")),
        "the phantom and its cache live in a temporary folder, not in the working directory");
    assertEquals(Integer.getInteger(EngineStart.THREADS_PROPERTY), j.get("threads").getAsInt(),
        "threads: libtorch's intra-op thread count, as set by " + EngineStart.THREADS_PROPERTY);
    assertEquals("2.3.1", j.get("libtorchVersion").getAsString());
    assertEquals(EngineStart.nativeFlavor(), j.get("libtorchFlavor").getAsString());
    assertTrue(Set.of("default", "avx2", "avx512").contains(j.get("cpuCapability").getAsString()),
        "cpuCapability: " + j.get("cpuCapability"));

    Set<String> documented = documentedBenchFields();
    Set<String> printed = new TreeSet<>(j.keySet());
    Set<String> undocumented = new TreeSet<>(printed);
    undocumented.removeAll(documented);
    assertTrue(undocumented.isEmpty(), "fields missing from " + FIELDS_DOC + ": " + undocumented);
    Set<String> notPrinted = new TreeSet<>(documented);
    notPrinted.removeAll(printed);
    assertEquals(Set.of("gpuMemoryUsedMiB", "lossScale"), notPrinted,
        "documented fields a CPU fp32 run does not print (GPU-only and fp16-only ones)");
  }

  /** The field names of the table under "## `dfbk bench --json`" in {@link #FIELDS_DOC}. */
  private static Set<String> documentedBenchFields() throws Exception {
    List<String> lines = Files.readAllLines(FIELDS_DOC);
    int start = lines.indexOf("## `dfbk bench --json`");
    assertTrue(start >= 0, "no bench section in " + FIELDS_DOC);
    Set<String> fields = new TreeSet<>();
    for (String line : lines.subList(start + 1, lines.size())) {
      if (line.startsWith("## ")) {
        break;
      }
      Matcher m = FIELD_ROW.matcher(line);
      if (m.find()) {
        fields.add(m.group(1));
      }
    }
    return fields;
  }

  @Test
  void fp16OnTheCpuIsRefusedBeforeAnyWork() throws Exception {
    CliTest.Result r = CliTest.run("bench", "--config", tinyConfig().toString(), "--devices", "cpu",
        "--precision", "fp16");
    assertEquals(2, r.code(), r.err() + r.out());
    assertTrue(r.err().contains("--precision fp16 needs a GPU"), r.err());
    CliTest.Result bad =
        CliTest.run("bench", "--config", tinyConfig().toString(), "--precision", "fp8");
    assertEquals(2, bad.code(), bad.err() + bad.out());
    assertTrue(bad.err().contains("'--precision'") && bad.err().contains("'fp8'")
        && bad.err().contains("FP32, FP16"), "names the option, the value and the allowed ones: "
        + bad.err());
  }

  @Test
  void zeroRepeatsIsAUsageError() throws Exception {
    CliTest.Result r = CliTest.run("bench", "--config", tinyConfig().toString(), "--repeats", "0",
        "--json");
    assertEquals(ExitCode.USAGE, r.code(), r.err() + r.out());
    assertTrue(r.err().contains("--repeats must be at least 1") && r.out().isEmpty(),
        "no median of zero runs: " + r.err() + r.out());
  }
}

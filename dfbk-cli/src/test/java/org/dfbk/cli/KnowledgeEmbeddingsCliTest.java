package org.dfbk.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.dfbk.cli.config.ConfigLoader;
import org.dfbk.train.knowledge.TextContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code knowledge.embeddings}: the entry that {@code dfbk knowledge embed} writes is read back
 * without the encoder, equal to the embedded prompts; other prompts are refused with the fix.
 */
class KnowledgeEmbeddingsCliTest {
  @TempDir Path tmp;

  private Path config(String name, String prompt, String embeddings) throws Exception {
    Path cfg = tmp.resolve(name + ".yaml");
    Files.writeString(cfg, String.join("\n",
        "name: " + name,
        "knowledge:",
        "  cache: " + tmp.resolve("cache"),
        embeddings == null ? "" : "  embeddings: " + embeddings,
        "  prompts: [\"" + prompt + "\"]",
        ""));
    return cfg;
  }

  @Test
  void aPrecomputedEntryIsUsedWithoutTheEncoderAndMustHoldTheConfigsPrompts() throws Exception {
    String prompt = "Axial T1-weighted brain MR image.";
    CliTest.Result r =
        CliTest.run("knowledge", "embed", "--config", config("a", prompt, null).toString());
    assertEquals(0, r.code(), r.err() + r.out());
    Path json;
    try (Stream<Path> s = Files.list(tmp.resolve("cache"))) {
      json = s.filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow();
    }
    TextContext computed = Knowledge.embed(ConfigLoader.load(config("a", prompt, null)));
    // a folder with no cache: only the named entry can supply the embeddings
    TextContext read = Knowledge.embed(ConfigLoader.load(config("b", prompt, json.toString())));
    assertEquals(computed.encoder(), read.encoder());
    assertEquals(computed.prompts(), read.prompts());
    assertEquals(computed.length(), read.length());
    assertArrayEquals(computed.tokens(), read.tokens());

    CliTest.Result other = CliTest.run("knowledge", "embed", "--config",
        config("c", "Axial T2-weighted brain MR image.", json.toString()).toString());
    assertEquals(2, other.code(), other.err() + other.out());
    assertTrue(other.err().contains("knowledge.embeddings")
        && other.err().contains("dfbk knowledge embed"), other.err());
    CliTest.Result notJson = CliTest.run("knowledge", "embed", "--config",
        config("d", prompt, tmp.resolve("x.bin").toString()).toString());
    assertEquals(2, notJson.code(), notJson.err() + notJson.out());
    assertTrue(notJson.err().contains("knowledge.embeddings"), notJson.err());
  }
}

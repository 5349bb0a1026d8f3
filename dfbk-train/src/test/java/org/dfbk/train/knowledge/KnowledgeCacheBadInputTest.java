package org.dfbk.train.knowledge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;
import org.dfbk.core.error.DataException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A prompt-embedding entry whose JSON declares sizes that disagree with its data file, or that
 * no data file could hold, is a DataException naming the entry and the key before the data is
 * read or any array is sized from it.
 */
class KnowledgeCacheBadInputTest {
  private static final EncoderId ENCODER = new EncoderId("test-encoder", 3,
      "sha256:" + "ab".repeat(32));
  private static final PromptSet PROMPTS = PromptSet.of("a T1 scan", "a T2 scan");

  @TempDir Path dir;
  private Path json;

  /** An entry of L = 4 tokens of D = 3 (2 + 2 per prompt) and pooled E = 2. */
  @BeforeEach
  void writeEntry() {
    json = dir.resolve("entry.json");
    float[] tokens = new float[12];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = i * 0.25f;
    }
    TextContext ctx = new TextContext(ENCODER, PROMPTS, 4, 3, tokens, new float[] {1, 1, 1, 1},
        new int[] {2, 2}, 2, new float[] {1, 2, 3, 4});
    KnowledgeCache.write(json, ctx);
  }

  private void edit(Consumer<JsonObject> change) throws IOException {
    JsonObject meta = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    change.accept(meta);
    Files.writeString(json, meta.toString());
  }

  private void expectData(String... fragments) {
    DataException e = assertThrows(DataException.class,
        () -> KnowledgeCache.load(json, ENCODER.fingerprint()));
    String msg = e.getMessage().toLowerCase(Locale.ROOT);
    assertTrue(msg.contains("entry."), "names the entry: " + e.getMessage());
    for (String f : fragments) {
      assertTrue(msg.contains(f.toLowerCase(Locale.ROOT)), "message should contain \"" + f
          + "\": " + e.getMessage());
    }
  }

  @Test
  void writtenEntryLoads() {
    TextContext ctx = KnowledgeCache.load(json, ENCODER.fingerprint());
    assertArrayEquals(new float[] {1, 2, 3, 4}, ctx.pooled());
  }

  @Test
  void sizesWhoseProductOverflowsAnIntAreRejected() throws IOException {
    // L * D = 2^32 wraps to 0 in int arithmetic; the data file cannot hold 16 GiB
    edit(m -> {
      m.addProperty("length", 1 << 16);
      m.addProperty("dim", 1 << 16);
    });
    expectData("L 65536, D 65536", "more than dfbk reads");
  }

  @Test
  void nonPositiveSizes() throws IOException {
    edit(m -> m.addProperty("pooled_dim", -2));
    expectData("pooled_dim = -2", "positive");
  }

  @Test
  void declaredSizesThatDisagreeWithTheDataFile() throws IOException {
    edit(m -> m.addProperty("length", 1000));
    expectData("has 80 bytes, expected", "L 1000");
  }

  @Test
  void promptLengthsOutOfRange() throws IOException {
    edit(m -> {
      JsonArray l = new JsonArray();
      l.add(-5);
      l.add(9);
      m.add("prompt_lengths", l);
    });
    expectData("prompt_lengths[0] = -5", "0..4");
  }

  @Test
  void dataFileOutsideTheCacheFolder() throws IOException {
    edit(m -> m.addProperty("data_file", "../../etc/passwd"));
    expectData("data_file \"../../etc/passwd\"", "same folder");
  }

  @Test
  void malformedEncoderIsADataError() throws IOException {
    edit(m -> m.addProperty("encoder", "not an object"));
    expectData("encoder is malformed");
  }

  @Test
  void wrongTypesAreADataError() throws IOException {
    edit(m -> m.add("format_version", new JsonArray()));
    expectData("format_version []");
    writeEntry();
    edit(m -> m.add("dim", new JsonObject()));
    expectData("malformed");
  }

  @Test
  void oversizedJsonIsRefusedBeforeReading() throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(json.toFile(), "rw")) {
      f.setLength(KnowledgeCache.MAX_JSON_BYTES + 1); // sparse: no disk space used
    }
    expectData((KnowledgeCache.MAX_JSON_BYTES + 1) + " bytes", "more than");
  }
}

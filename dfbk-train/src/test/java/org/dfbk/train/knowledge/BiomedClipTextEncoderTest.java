package org.dfbk.train.knowledge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dfbk.core.error.ConfigException;
import org.dfbk.fixtures.Golden;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads the tiny BERT-shaped TorchScript export (scripts/make_tiny_torchscript_bert.py) and
 * compares token ids and outputs with what the script recorded.
 */
class BiomedClipTextEncoderTest {

  private static BiomedClipTextEncoder encoder;
  private static JsonObject golden;

  @BeforeAll
  static void load() {
    encoder = BiomedClipTextEncoder.load(TinyExport.dir());
    golden = Golden.file(TinyExport.dir().resolve("golden.json"));
  }

  @AfterAll
  static void close() {
    encoder.close();
  }

  private static List<String> sentences() {
    List<String> s = new ArrayList<>();
    golden.getAsJsonArray("sentences").forEach(e -> s.add(e.getAsString()));
    return s;
  }

  @Test
  void tokenIdsEqualTheScriptsWordPiece() {
    List<String> s = sentences();
    JsonArray ids = golden.getAsJsonArray("input_ids");
    for (int i = 0; i < s.size(); i++) {
      long[] expected = toLong(Golden.flatten(ids.get(i)));
      assertArrayEquals(expected, encoder.tokenize(s.get(i)), "token ids of \"" + s.get(i) + "\"");
    }
  }

  @Test
  void tokenizerRoundTrip() {
    long[] ids = encoder.tokenize("Axial T2-weighted brain MR image with hyperintense CSF.");
    assertEquals("axial t2 - weighted brain mr image with hyperintense csf.",
        encoder.decode(ids));
  }

  @Test
  void outputsEqualTheScriptsRecording() {
    List<String> s = sentences();
    TextEncoding enc = encoder.encode(s);
    assertEquals(24, enc.length(), "padded to the export's context length");
    JsonArray states = golden.getAsJsonArray("token_states");
    JsonArray ids = golden.getAsJsonArray("input_ids");
    for (int i = 0; i < s.size(); i++) {
      assertEquals(ids.get(i).getAsJsonArray().size(), enc.tokenCount(i), "tokens of " + i);
      Tolerance.assertClose(Golden.flattenFloat(states.get(i)), enc.tokens(i), 0, 1e-4,
          "token states of sentence " + i);
      Tolerance.assertClose(Golden.flattenFloat(golden.getAsJsonArray("projected").get(i)),
          enc.pooledVector(i), 0, 1e-4, "projected vector of sentence " + i);
    }
  }

  @Test
  void idComesFromTheMetadata() {
    assertEquals("tiny-bert-test", encoder.name());
    assertEquals(32, encoder.dim());
    assertEquals(16, encoder.pooledDim());
    assertEquals(24, encoder.contextLength());
    assertTrue(encoder.fingerprint().matches("sha256:[0-9a-f]{64}"), encoder.fingerprint());
  }

  @Test
  void promptLongerThanContextIsRejected() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> encoder.encode(List.of("brain ".repeat(23))));
    assertTrue(e.getMessage().contains("25 tokens, more than the 24"), e.getMessage());
  }

  @Test
  void missingFolderNamesTheExportScript() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> TextEncoders.create("biomedclip", Path.of("/nonexistent/biomedclip-text")));
    assertTrue(e.getMessage().contains("scripts/export_biomedclip_text.py"), e.getMessage());
  }

  @Test
  void metadataWithoutContextLengthIsRejected(@TempDir Path dir) throws IOException {
    for (String f : new String[] {"text_encoder.pt", "tokenizer.json"}) {
      Files.copy(TinyExport.dir().resolve(f), dir.resolve(f));
    }
    Files.writeString(dir.resolve("text_encoder.json"), Files.readString(
        TinyExport.dir().resolve("text_encoder.json")).replace("\"context_length\"", "\"ctx\""));
    ConfigException e = assertThrows(ConfigException.class,
        () -> BiomedClipTextEncoder.load(dir));
    assertTrue(e.getMessage().contains("'context_length'"), e.getMessage());
  }

  @Test
  void changedTokenizerChangesTheFingerprint(@TempDir Path dir) throws IOException {
    for (String f : new String[] {"text_encoder.pt", "text_encoder.json"}) {
      Files.copy(TinyExport.dir().resolve(f), dir.resolve(f));
    }
    Files.writeString(dir.resolve("tokenizer.json"), Files.readString(
        TinyExport.dir().resolve("tokenizer.json")).replace("\"lowercase\": true",
        "\"lowercase\": false"));
    try (BiomedClipTextEncoder other = BiomedClipTextEncoder.load(dir)) {
      assertTrue(!other.fingerprint().equals(encoder.fingerprint()),
          "fingerprints must differ: " + other.fingerprint());
    }
  }

  private static long[] toLong(double[] d) {
    long[] l = new long[d.length];
    for (int i = 0; i < d.length; i++) {
      l[i] = (long) d[i];
    }
    return l;
  }
}

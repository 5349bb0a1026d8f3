package org.dfbk.train.knowledge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.dfbk.core.error.ConfigException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MiniLmTextEncoderTest {

  private static MiniLmTextEncoder encoder;

  @BeforeAll
  static void load() {
    encoder = MiniLmTextEncoder.load();
  }

  @AfterAll
  static void close() {
    encoder.close();
  }

  static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }

  @Test
  void sentenceEmbeddingEqualsLangchain4jReference() {
    List<String> sentences = List.of(
        "Axial T2-weighted brain MR image with hyperintense cerebrospinal fluid.",
        "Axial non-contrast head CT image: bright bone, dark brain tissue.",
        "Translate the FLAIR image into the T1-weighted image of the same slice.",
        "fluid",
        "Coronal T1-weighted MR image after gadolinium contrast, enhancing lesion in the left "
            + "frontal lobe, white matter brighter than grey matter.");
    TextEncoding enc = encoder.encode(sentences);
    AllMiniLmL6V2EmbeddingModel reference = new AllMiniLmL6V2EmbeddingModel();
    for (int i = 0; i < sentences.size(); i++) {
      float[] expected = reference.embed(sentences.get(i)).content().vector();
      float[] found = enc.pooledVector(i);
      assertEquals(expected.length, found.length, "embedding width");
      double cos = cosine(expected, found);
      assertTrue(cos >= 0.9999, String.format(Locale.ROOT,
          "sentence %d: cosine to langchain4j's AllMiniLmL6V2EmbeddingModel %.7f < 0.9999", i,
          cos));
      double norm = Math.sqrt(dot(found, found));
      assertEquals(1.0, norm, 1e-5, "sentence " + i + ": pooled vector is L2 normalised");
    }
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  @Test
  void tokenizerRoundTrip() {
    long[] ids = encoder.tokenize("Axial T2-weighted brain MR image.");
    assertEquals(101L, ids[0], "first token is [CLS] (id 101 in the BERT uncased vocabulary)");
    assertEquals(102L, ids[ids.length - 1], "last token is [SEP] (id 102)");
    // BERT uncased normalisation: lower case, punctuation split off, "." re-attached on decode.
    assertEquals("axial t2 - weighted brain mr image.", encoder.decode(ids));
  }

  @Test
  void encodingShapesAndMask() {
    List<String> prompts = List.of("T2 image.", "Axial head CT image of the brain.");
    TextEncoding enc = encoder.encode(prompts);
    int n0 = encoder.tokenize(prompts.get(0)).length;
    int n1 = encoder.tokenize(prompts.get(1)).length;
    assertEquals(2, enc.prompts());
    assertEquals(Math.max(n0, n1), enc.length());
    assertEquals(384, enc.dim());
    assertEquals(n0, enc.tokenCount(0));
    assertEquals(n1, enc.tokenCount(1));
    assertArrayEquals(encoder.tokenize(prompts.get(0)), enc.ids(0));
  }

  @Test
  void t2PromptsAreCloserToEachOtherThanToCt() {
    TextEncoding enc = encoder.encode(List.of(
        "Axial T2-weighted brain MR image, cerebrospinal fluid appears bright.",
        "T2-weighted magnetic resonance image of the head with hyperintense fluid.",
        "Axial computed tomography image of the head, bone appears bright."));
    double t2t2 = cosine(enc.pooledVector(0), enc.pooledVector(1));
    double t2ct0 = cosine(enc.pooledVector(0), enc.pooledVector(2));
    double t2ct1 = cosine(enc.pooledVector(1), enc.pooledVector(2));
    assertTrue(t2t2 > t2ct0 && t2t2 > t2ct1, String.format(Locale.ROOT,
        "cos(T2, T2) %.4f should exceed cos(T2a, CT) %.4f and cos(T2b, CT) %.4f", t2t2, t2ct0,
        t2ct1));
  }

  @Test
  void promptLongerThanContextIsRejected() {
    String longPrompt = "brain ".repeat(300);
    ConfigException e = assertThrows(ConfigException.class,
        () -> encoder.encode(List.of("T1 image.", longPrompt)));
    assertTrue(e.getMessage().contains("prompt 1 has 302 tokens, more than the 256"),
        e.getMessage());
  }

  @Test
  void idIsNameDimAndSha256OfModelAndTokenizer() throws IOException {
    MessageDigest d = Fingerprints.sha256();
    for (String r : new String[] {"/all-minilm-l6-v2.onnx", "/all-minilm-l6-v2-tokenizer.json"}) {
      try (InputStream in = getClass().getResourceAsStream(r)) {
        d.update(in.readAllBytes());
      }
    }
    assertEquals(new EncoderId("all-minilm-l6-v2", 384,
        "sha256:" + HexFormat.of().formatHex(d.digest())), encoder.id());
    assertEquals(384, encoder.pooledDim());
    assertEquals(256, encoder.contextLength());
  }
}

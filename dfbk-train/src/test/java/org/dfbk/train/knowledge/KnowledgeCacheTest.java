package org.dfbk.train.knowledge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dfbk.core.error.ConfigException;
import org.dfbk.core.error.DataException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnowledgeCacheTest {

  private static BiomedClipTextEncoder tiny;

  /** Counts the calls of encode on a real encoder. */
  static final class CountingEncoder implements TextEncoder {
    private final TextEncoder delegate;
    int encodeCalls;

    CountingEncoder(TextEncoder delegate) {
      this.delegate = delegate;
    }

    @Override
    public EncoderId id() {
      return delegate.id();
    }

    @Override
    public int pooledDim() {
      return delegate.pooledDim();
    }

    @Override
    public int contextLength() {
      return delegate.contextLength();
    }

    @Override
    public long[] tokenize(String prompt) {
      return delegate.tokenize(prompt);
    }

    @Override
    public String decode(long[] ids) {
      return delegate.decode(ids);
    }

    @Override
    public TextEncoding encode(List<String> prompts) {
      encodeCalls++;
      return delegate.encode(prompts);
    }

    @Override
    public void close() {}
  }

  private static final PromptSet T1_T2 = PromptSet.forTranslation(
      "Axial T1-weighted brain MR image: white matter brighter than grey matter.",
      "Axial T2-weighted brain MR image with hyperintense CSF.", "T1", "T2");

  @BeforeAll
  static void load() {
    tiny = BiomedClipTextEncoder.load(TinyExport.dir());
  }

  @AfterAll
  static void close() {
    tiny.close();
  }

  @Test
  void missComputesAndWritesThenHitReadsWithoutEncoding(@TempDir Path dir) {
    KnowledgeCache cache = new KnowledgeCache(dir.resolve("knowledge"));
    CountingEncoder enc = new CountingEncoder(tiny);
    assertFalse(cache.contains(enc.id(), T1_T2));
    TextContext first = cache.getOrCompute(enc, T1_T2);
    assertEquals(1, enc.encodeCalls, "a miss encodes once");
    assertTrue(cache.contains(enc.id(), T1_T2));
    Path json = cache.jsonFile(enc.id(), T1_T2);
    assertEquals(KnowledgeCache.key(enc.fingerprint(), T1_T2) + ".json",
        json.getFileName().toString());
    assertTrue(Files.isRegularFile(json.resolveSibling(
        KnowledgeCache.key(enc.fingerprint(), T1_T2) + ".bin")));

    TextContext second = cache.getOrCompute(enc, T1_T2);
    assertEquals(1, enc.encodeCalls, "a hit does not encode");
    assertEquals(first.encoder(), second.encoder());
    assertEquals(first.prompts(), second.prompts());
    assertEquals(first.length(), second.length());
    assertArrayEquals(first.tokens(), second.tokens());
    assertArrayEquals(first.mask(), second.mask());
    assertArrayEquals(first.promptLengths(), second.promptLengths());
    assertArrayEquals(first.pooled(), second.pooled());
  }

  @Test
  void aHitNeverLoadsTheModel(@TempDir Path dir) {
    KnowledgeCache cache = new KnowledgeCache(dir);
    cache.getOrCompute(tiny, T1_T2);
    try (BiomedClipTextEncoder fresh = BiomedClipTextEncoder.load(TinyExport.dir())) {
      TextContext hit = cache.getOrCompute(fresh, T1_T2);
      assertFalse(fresh.loaded(), "the TorchScript module was loaded for a cache hit");
      assertEquals(tiny.id(), hit.encoder());
    }
  }

  @Test
  void otherPromptsAreAMiss(@TempDir Path dir) {
    KnowledgeCache cache = new KnowledgeCache(dir);
    CountingEncoder enc = new CountingEncoder(tiny);
    cache.getOrCompute(enc, T1_T2);
    PromptSet other = PromptSet.of("Axial non-contrast head CT image.", "Axial T1 image.");
    assertFalse(cache.contains(enc.id(), other));
    cache.getOrCompute(enc, other);
    assertEquals(2, enc.encodeCalls);
    assertFalse(KnowledgeCache.key(enc.fingerprint(), T1_T2).equals(
        KnowledgeCache.key(enc.fingerprint(), other)));
  }

  @Test
  void loadWithAnotherEncodersFingerprintFails(@TempDir Path dir) {
    KnowledgeCache cache = new KnowledgeCache(dir);
    cache.getOrCompute(tiny, T1_T2);
    Path json = cache.jsonFile(tiny.id(), T1_T2);
    String minilm;
    try (MiniLmTextEncoder m = MiniLmTextEncoder.load()) {
      minilm = m.fingerprint();
    }
    ConfigException e = assertThrows(ConfigException.class,
        () -> KnowledgeCache.load(json, minilm));
    assertTrue(e.getMessage().contains("'tiny-bert-test'") && e.getMessage().contains(minilm)
        && e.getMessage().contains(json.toString()), e.getMessage());
    // the same entry loads under its own encoder, through either file
    assertEquals(tiny.id(), KnowledgeCache.load(json, tiny.fingerprint()).encoder());
    Path bin = json.resolveSibling(json.getFileName().toString().replace(".json", ".bin"));
    assertEquals(tiny.id(), KnowledgeCache.load(bin, tiny.fingerprint()).encoder());
  }

  @Test
  void damagedDataIsReported(@TempDir Path dir) throws IOException {
    KnowledgeCache cache = new KnowledgeCache(dir);
    cache.getOrCompute(tiny, T1_T2);
    Path json = cache.jsonFile(tiny.id(), T1_T2);
    Path bin = json.resolveSibling(json.getFileName().toString().replace(".json", ".bin"));
    byte[] bytes = Files.readAllBytes(bin);
    bytes[17] ^= 0x40;
    Files.write(bin, bytes);
    DataException e = assertThrows(DataException.class,
        () -> cache.getOrCompute(tiny, T1_T2));
    assertTrue(e.getMessage().contains("damaged"), e.getMessage());
  }

  @Test
  void contextConcatenatesTheRealTokensOfEachPrompt() {
    TextEncoding enc = tiny.encode(T1_T2.prompts());
    TextContext ctx = TextContext.of(tiny.id(), T1_T2, enc);
    int total = 0;
    for (int p = 0; p < 3; p++) {
      assertEquals(tiny.tokenize(T1_T2.prompts().get(p)).length, ctx.promptLengths()[p]);
      float[] expected = enc.tokens(p);
      float[] found = java.util.Arrays.copyOfRange(ctx.tokens(), total * ctx.dim(),
          total * ctx.dim() + expected.length);
      assertArrayEquals(expected, found, "tokens of prompt " + p);
      total += ctx.promptLengths()[p];
    }
    assertEquals(total, ctx.length());
    assertEquals(total, ctx.tokenCount());
    TextContext padded = ctx.padTo(total + 5);
    assertEquals(0f, padded.mask()[total + 4]);
    assertEquals(1f, padded.mask()[total - 1]);
    assertEquals(total, padded.tokenCount());
    int shorter = total - 1;
    assertThrows(IllegalArgumentException.class, () -> ctx.padTo(shorter));
  }
}

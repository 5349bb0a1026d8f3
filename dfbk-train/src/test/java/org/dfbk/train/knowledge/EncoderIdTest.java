package org.dfbk.train.knowledge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import org.dfbk.core.error.ConfigException;
import org.junit.jupiter.api.Test;

class EncoderIdTest {

  private static final String FP = "sha256:" + "0123456789abcdef".repeat(4);

  @Test
  void jsonRoundTrip() {
    EncoderId id = new EncoderId("all-minilm-l6-v2", 384, FP);
    assertEquals("{\"name\":\"all-minilm-l6-v2\",\"dim\":384,\"fingerprint\":\"" + FP + "\"}",
        id.toJson());
    assertEquals(id, EncoderId.fromJson(id.toJson()));
  }

  @Test
  void jsonWithoutFingerprintIsAConfigError() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> EncoderId.fromJson("{\"name\":\"x\",\"dim\":3}"));
    assertTrue(e.getMessage().contains("'fingerprint'"), e.getMessage());
  }

  @Test
  void badFingerprintIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new EncoderId("x", 3, "md5:abc"));
    assertTrue(e.getMessage().contains("md5:abc"), e.getMessage());
  }

  @Test
  void requireSameNamesBothEncoders() {
    EncoderId a = new EncoderId("a", 384, FP);
    EncoderId b = new EncoderId("b", 768, "sha256:" + "f".repeat(64));
    a.requireSame(new EncoderId("a-renamed", 384, FP), "checkpoint c.ckpt");
    ConfigException e = assertThrows(ConfigException.class,
        () -> a.requireSame(b, "checkpoint c.ckpt"));
    assertTrue(e.getMessage().contains("checkpoint c.ckpt was made by text encoder 'b'"),
        e.getMessage());
  }

  @Test
  void factoryRejectsUnknownNamesAndMisplacedFolders() {
    ConfigException unknown = assertThrows(ConfigException.class,
        () -> TextEncoders.create("clip", null));
    assertTrue(unknown.getMessage().contains("[minilm, biomedclip]"), unknown.getMessage());
    ConfigException noDir = assertThrows(ConfigException.class,
        () -> TextEncoders.create("biomedclip", null));
    assertTrue(noDir.getMessage().contains("--text-encoder-dir")
        && noDir.getMessage().contains("scripts/export_biomedclip_text.py"), noDir.getMessage());
    ConfigException dirForMinilm = assertThrows(ConfigException.class,
        () -> TextEncoders.create("minilm", Path.of("x")));
    assertTrue(dirForMinilm.getMessage().contains("only used with --text-encoder biomedclip"),
        dirForMinilm.getMessage());
  }

  @Test
  void promptSetRejectsBlankPrompts() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new PromptSet(List.of("T1 image.", " ")));
    assertTrue(e.getMessage().contains("prompt 1 is blank"), e.getMessage());
    assertEquals(List.of("a", "b", "Translate the T1 image into the T2 image."),
        PromptSet.forTranslation("a", "b", "T1", "T2").prompts());
  }

  @Test
  void contextBroadcastsOverTheBatch() {
    EncoderId id = new EncoderId("x", 2, FP);
    TextContext ctx = new TextContext(id, PromptSet.of("p"), 3, 2,
        new float[] {1, 2, 3, 4, 0, 0}, new float[] {1, 1, 0}, new int[] {2}, 1,
        new float[] {0.5f});
    try (NDManager m = NDManager.newBaseManager()) {
      NDList list = ctx.toNDList(m, 4);
      assertEquals(new Shape(4, 3, 2), list.get(0).getShape());
      assertEquals(new Shape(4, 3), list.get(1).getShape());
      float[] text = list.get(0).toFloatArray();
      assertEquals(4f, text[3 * 2 * 3 + 3], "batch item 3, token 1, channel 1");
      assertEquals(0f, list.get(1).toFloatArray()[3 * 3 + 2], "batch item 3, padded token 2");
    }
  }
}

package org.dfbk.train.knowledge;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 helpers for encoder fingerprints and cache keys. */
final class Fingerprints {
  private Fingerprints() {}

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }

  /** {@code "sha256:" + hex(SHA-256(parts[0] ‖ parts[1] ‖ …))}. */
  static String of(byte[]... parts) {
    MessageDigest d = sha256();
    for (byte[] p : parts) {
      d.update(p);
    }
    return "sha256:" + HexFormat.of().formatHex(d.digest());
  }

  /** Feeds a whole stream into {@code digest}. */
  static void update(MessageDigest digest, InputStream in) throws IOException {
    byte[] buf = new byte[1 << 16];
    for (int r; (r = in.read(buf)) > 0; ) {
      digest.update(buf, 0, r);
    }
  }

  /** Hex SHA-256 of a UTF-8 string. */
  static String hexOf(String text) {
    return HexFormat.of().formatHex(sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
  }
}

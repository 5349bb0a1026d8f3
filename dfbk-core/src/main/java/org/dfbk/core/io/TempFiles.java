package org.dfbk.core.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/** Temporary siblings for atomic writes (write the sibling, then move it onto the target). */
public final class TempFiles {
  private static final SecureRandom NAMES = new SecureRandom();

  private TempFiles() {}

  /**
   * Creates a new empty hidden file {@code .<name>.<random>.tmp} in {@code target}'s folder with
   * the permissions of any new file (from the umask) — unlike {@code Files.createTempFile}, whose
   * 0600 would follow the file through the final move and hide results from other users.
   */
  public static Path newSibling(Path target) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    for (int attempt = 0; ; attempt++) {
      Path candidate = dir.resolve("." + target.getFileName() + "." + randomName() + ".tmp");
      try {
        return Files.createFile(candidate);
      } catch (java.nio.file.FileAlreadyExistsException e) {
        if (attempt >= 10) {
          throw e;
        }
      }
    }
  }

  /** A random base-36 name part, unguessable so that siblings of one target never collide. */
  static String randomName() {
    return Long.toUnsignedString(NAMES.nextLong(), 36);
  }
}

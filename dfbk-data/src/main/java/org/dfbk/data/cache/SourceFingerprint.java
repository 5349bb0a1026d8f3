package org.dfbk.data.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dfbk.core.error.DataException;

/**
 * Identity of an input file at preparation time: absolute path, size in bytes and modification
 * time in milliseconds.
 *
 * @param subject subject id ("" for split list files)
 * @param role "source", "target" or "split-list"
 * @param path absolute path
 * @param size size in bytes
 * @param mtimeMillis last modification time, ms since the epoch
 */
public record SourceFingerprint(String subject, String role, String path, long size,
    long mtimeMillis) {

  /** Fingerprint of {@code file} now. */
  public static SourceFingerprint of(String subject, String role, Path file) {
    Path abs = file.toAbsolutePath().normalize();
    try {
      return new SourceFingerprint(subject, role, abs.toString(), Files.size(abs),
          Files.getLastModifiedTime(abs).toMillis());
    } catch (IOException e) {
      throw new DataException("cannot read " + role + " file " + abs + " of subject " + subject
          + ": " + e.getMessage(), e);
    }
  }
}

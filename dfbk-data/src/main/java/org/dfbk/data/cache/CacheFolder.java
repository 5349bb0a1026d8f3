package org.dfbk.data.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.dfbk.core.error.ConfigException;
import org.dfbk.core.error.DataException;
import org.dfbk.core.io.AtomicFiles;

/**
 * The swap of a cache folder: a new cache is written into a hidden sibling folder and renamed
 * into place ({@link AtomicFiles#replaceDirectory}), so that on any error nothing half-written
 * remains and an earlier cache stays as it was. Only a folder that is absent, empty or a slice
 * cache (it holds a {@value SliceCache#MANIFEST_FILE}) may be replaced.
 */
final class CacheFolder {
  private CacheFolder() {}

  /**
   * Replaces {@code target} by the folder that {@code content} fills.
   *
   * @throws ConfigException when {@code target} is a file, or a folder that is neither empty nor
   *     a slice cache (then nothing is written)
   * @throws DataException when writing fails (the earlier folder stays intact)
   */
  static void replace(Path target, AtomicFiles.Content content) {
    requireReplaceable(target);
    try {
      AtomicFiles.replaceDirectory(target, content);
    } catch (IOException e) {
      throw new DataException("cannot write slice cache " + target + ": " + e.getMessage(), e);
    }
  }

  /** A folder may be replaced when it is absent, empty, or a slice cache. */
  private static void requireReplaceable(Path target) {
    if (!Files.exists(target)) {
      return;
    }
    if (!Files.isDirectory(target)) {
      throw new ConfigException("cache path " + target + " is a file; choose a folder path");
    }
    if (Files.exists(target.resolve(SliceCache.MANIFEST_FILE))) {
      return;
    }
    try (Stream<Path> s = Files.list(target)) {
      if (s.findAny().isPresent()) {
        throw new ConfigException("cache folder " + target + " exists, is not empty and is not a"
            + " slice cache (no " + SliceCache.MANIFEST_FILE + "); refusing to replace it. Fix:"
            + " choose a new or empty folder");
      }
    } catch (IOException e) {
      throw new DataException("cannot list " + target + ": " + e.getMessage(), e);
    }
  }
}

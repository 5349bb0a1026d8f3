package org.dfbk.core.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes that readers never see half done: the content goes into a hidden sibling
 * ({@link TempFiles#newSibling(Path)}), which is then renamed onto the target. A failure at any
 * point leaves the target as it was and removes the sibling.
 */
public final class AtomicFiles {
  /** What to do beyond the temporary sibling and the rename. */
  public enum Option {
    /** Flush the sibling's content to the device before the rename (checkpoints). */
    SYNC,
    /**
     * Fail when the file system cannot rename atomically, instead of falling back to a plain
     * replacing move (which a crash can leave half done).
     */
    REQUIRE_ATOMIC_MOVE
  }

  /** Fills the temporary sibling; it exists (empty) when called. */
  @FunctionalInterface
  public interface Content {
    void writeTo(Path sibling) throws IOException;
  }

  private AtomicFiles() {}

  /**
   * Writes {@code target} (replacing it) through a temporary sibling that {@code content} fills;
   * creates the target's folder if needed.
   *
   * @throws IOException from {@code content}, the folder, the sync or the rename; the target is
   *     then unchanged
   */
  public static void write(Path target, Content content, Option... options) throws IOException {
    Set<Option> opts = Set.of(options);
    Files.createDirectories(target.toAbsolutePath().getParent());
    Path tmp = TempFiles.newSibling(target);
    boolean moved = false;
    try {
      content.writeTo(tmp);
      if (opts.contains(Option.SYNC)) {
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
          ch.force(true);
        }
      }
      moveIntoPlace(tmp, target, opts.contains(Option.REQUIRE_ATOMIC_MOVE));
      moved = true;
    } finally {
      if (!moved) {
        deleteQuietly(tmp);
      }
    }
  }

  /** {@link #write(Path, Content, Option...)} of a byte array. */
  public static void writeBytes(Path target, byte[] bytes, Option... options) throws IOException {
    write(target, tmp -> Files.write(tmp, bytes), options);
  }

  /**
   * Builds the folder {@code target} in a new hidden sibling folder that {@code content} fills,
   * then swaps it in: an existing {@code target} is renamed aside, the new folder renamed onto
   * it, and the old one deleted (put back if the second rename fails). A failure leaves the old
   * folder in place and removes the sibling.
   */
  public static void replaceDirectory(Path target, Content content) throws IOException {
    Path parent = target.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = null;
    for (int attempt = 0; tmp == null; attempt++) {
      Path candidate = parent.resolve("." + target.getFileName() + "." + TempFiles.randomName()
          + ".tmp");
      try {
        // a plain mkdir (not createTempDirectory's 0700) so the folder gets the usual permissions
        tmp = Files.createDirectory(candidate);
      } catch (java.nio.file.FileAlreadyExistsException e) {
        if (attempt >= 10) {
          throw e;
        }
      }
    }
    boolean swapped = false;
    try {
      content.writeTo(tmp);
      swapDirectory(tmp, target);
      swapped = true;
    } finally {
      if (!swapped) {
        deleteTreeQuietly(tmp);
      }
    }
  }

  private static void swapDirectory(Path tmp, Path target) throws IOException {
    Path old = null;
    if (Files.exists(target)) {
      old = target.resolveSibling("." + target.getFileName() + ".old-" + TempFiles.randomName());
      Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
    }
    try {
      moveIntoPlace(tmp, target, false);
    } catch (IOException e) {
      if (old != null) {
        Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
      }
      throw e;
    }
    if (old != null) {
      deleteTreeQuietly(old);
    }
  }

  private static void moveIntoPlace(Path tmp, Path target, boolean requireAtomic)
      throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      if (requireAtomic) {
        throw new IOException("the file system of " + target + " cannot rename atomically;"
            + " choose a folder on a local file system", e);
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // the error that stopped the write is the one to report
    }
  }

  private static void deleteTreeQuietly(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(AtomicFiles::deleteQuietly);
    } catch (IOException ignored) {
      // best effort: a hidden leftover folder, the error that stopped the write is reported
    }
  }
}

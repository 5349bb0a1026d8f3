package org.dfbk.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  private List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void writesAndReplacesWithNoSiblingLeft() throws IOException {
    Path target = dir.resolve("sub/entry.json");
    AtomicFiles.writeBytes(target, "one".getBytes(StandardCharsets.UTF_8));
    AtomicFiles.writeBytes(target, "two".getBytes(StandardCharsets.UTF_8),
        AtomicFiles.Option.SYNC, AtomicFiles.Option.REQUIRE_ATOMIC_MOVE);
    assertEquals("two", Files.readString(target));
    try (Stream<Path> s = Files.list(target.getParent())) {
      assertEquals(List.of("entry.json"), s.map(p -> p.getFileName().toString()).toList());
    }
  }

  @Test
  void aFailedWriteKeepsTheOldFileAndRemovesTheSibling() throws IOException {
    Path target = dir.resolve("last.zip");
    Files.writeString(target, "old");
    IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, tmp -> {
      Files.writeString(tmp, "half");
      throw new IOException("disk full");
    }));
    assertEquals("disk full", e.getMessage());
    assertEquals("old", Files.readString(target));
    assertEquals(List.of("last.zip"), names());
  }

  @Test
  void aRuntimeFailureAlsoRemovesTheSibling() throws IOException {
    Path target = dir.resolve("a.nii.gz");
    assertThrows(IllegalStateException.class, () -> AtomicFiles.write(target, tmp -> {
      throw new IllegalStateException("encoder bug");
    }));
    assertFalse(Files.exists(target));
    assertEquals(List.of(), names());
  }

  @Test
  void replaceDirectorySwapsAWholeFolder() throws IOException {
    Path target = dir.resolve("cache");
    AtomicFiles.replaceDirectory(target, tmp -> Files.writeString(tmp.resolve("a"), "1"));
    AtomicFiles.replaceDirectory(target, tmp -> Files.write(tmp.resolve("b"), new byte[] {2}));
    assertFalse(Files.exists(target.resolve("a")), "the old folder's files must be gone");
    assertArrayEquals(new byte[] {2}, Files.readAllBytes(target.resolve("b")));
    assertEquals(List.of("cache"), names());
  }

  @Test
  void aFailedDirectoryBuildKeepsTheOldFolder() throws IOException {
    Path target = dir.resolve("cache");
    AtomicFiles.replaceDirectory(target, tmp -> Files.writeString(tmp.resolve("a"), "1"));
    assertThrows(IOException.class, () -> AtomicFiles.replaceDirectory(target, tmp -> {
      Files.writeString(tmp.resolve("partial"), "x");
      throw new IOException("subject 3 unreadable");
    }));
    assertTrue(Files.isRegularFile(target.resolve("a")));
    assertFalse(Files.exists(target.resolve("partial")));
    assertEquals(List.of("cache"), names());
  }
}

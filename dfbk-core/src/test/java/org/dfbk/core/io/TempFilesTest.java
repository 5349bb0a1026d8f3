package org.dfbk.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TempFilesTest {
  @TempDir Path dir;

  @Test
  void siblingIsHiddenNewAndHasThePermissionsOfAPlainNewFile() throws IOException {
    Path target = dir.resolve("last.zip");
    Path a = TempFiles.newSibling(target);
    Path b = TempFiles.newSibling(target);
    assertNotEquals(a, b);
    assertEquals(dir, a.getParent());
    assertTrue(a.getFileName().toString().startsWith(".last.zip.") && a.toString().endsWith(".tmp"),
        a.toString());
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
        "POSIX permissions only");
    Path plain = Files.createFile(dir.resolve("plain"));
    assertEquals(PosixFilePermissions.toString(Files.getPosixFilePermissions(plain)),
        PosixFilePermissions.toString(Files.getPosixFilePermissions(a)),
        "a temporary sibling must not be private (createTempFile's 0600 survives the move)");
  }
}

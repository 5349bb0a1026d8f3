package org.dfbk.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dfbk.cli.ExitCode;
import org.dfbk.core.error.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Untrusted YAML: oversized files, alias bombs, deep nesting and duplicate keys are a
 * ConfigException (exit 2) naming the file, found quickly and before anything large is read.
 */
class ConfigLoaderLimitsTest {
  @TempDir Path tmp;

  private Path write(String name, String yaml) throws IOException {
    Path f = tmp.resolve(name);
    Files.writeString(f, yaml);
    return f;
  }

  private static ConfigException expectConfig(Executable call, String... fragments) {
    long t0 = System.nanoTime();
    ConfigException e = assertThrows(ConfigException.class, call);
    double seconds = (System.nanoTime() - t0) / 1e9;
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "message should contain \"" + f + "\": "
          + e.getMessage());
    }
    assertEquals(ExitCode.USAGE, ExitCode.of(e));
    assertTrue(seconds < 2, "rejected in " + seconds + " s");
    return e;
  }

  @Test
  void oversizedFileIsRefusedBeforeReading() throws IOException {
    Path f = tmp.resolve("huge.yaml");
    try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
      r.setLength(ConfigLoader.MAX_CONFIG_BYTES + 1L); // sparse: no disk space used
    }
    expectConfig(() -> ConfigLoader.load(f), f.toString(),
        (ConfigLoader.MAX_CONFIG_BYTES + 1) + " bytes", "more than");
  }

  @Test
  void oversizedStreamIsCutAtTheLimit() {
    byte[] comments = "# padding\n".repeat(ConfigLoader.MAX_CONFIG_BYTES / 10 + 1)
        .getBytes(StandardCharsets.UTF_8);
    expectConfig(() -> ConfigLoader.parse(new ByteArrayInputStream(comments), "stdin"),
        "stdin", "more than " + ConfigLoader.MAX_CONFIG_BYTES + " bytes");
  }

  @Test
  void aliasIsRefusedRatherThanReadAsItsAnchorName() throws IOException {
    Path f = write("alias.yaml", """
        name: &n t
        data: {source: T1, target: *n}
        """);
    expectConfig(() -> ConfigLoader.load(f), f.toString(), "alias '*n'", "line 2",
        "write the value out");
  }

  @Test
  void aliasBombIsRefusedQuickly() throws IOException {
    StringBuilder b = new StringBuilder("name: t\na0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 12; i++) {
      b.append("a").append(i).append(": &a").append(i).append(" [");
      for (int k = 0; k < 9; k++) {
        b.append(k > 0 ? ", " : "").append("*a").append(i - 1);
      }
      b.append("]\n");
    }
    Path f = write("laughs.yaml", b.toString());
    expectConfig(() -> ConfigLoader.load(f), f.toString(), "alias '*a0'");
  }

  @Test
  void deepNestingIsRefused() throws IOException {
    Path f = write("deep.yaml", "name: t\nx: " + "[".repeat(10_000) + "]".repeat(10_000)
        + "\n");
    expectConfig(() -> ConfigLoader.load(f), f.toString(), "not valid YAML",
        "nesting depth", String.valueOf(ConfigLoader.MAX_NESTING));
  }

  @Test
  void duplicateKeyIsRefusedRatherThanLastOneWins() throws IOException {
    Path f = write("dup.yaml", """
        name: t
        train: {lr: 1.0e-4}
        train: {lr: 1.0e-2}
        """);
    expectConfig(() -> ConfigLoader.load(f), f.toString(), "Duplicate field 'train'",
        "line 3");
  }
}

package org.dfbk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PhantomPrepareCliTest {
  @TempDir Path tmp;

  private Path config(Path root, Path cache) throws Exception {
    Path c = tmp.resolve("c.yaml");
    Files.writeString(c, "name: t\ndata: {layout: paired, root: " + root + ", source: T1, target: T2,"
        + " slices_per_subject: 4, image_size: 32, cache: " + cache + ", split: {train: 0.5, val: 0.5}}\n"
        + "model: {image_size: 32, channels: 32, channel_mult: [1, 2]}\n");
    return c;
  }

  @Test
  void phantomThenPrepareThenNoOp() throws Exception {
    Path root = tmp.resolve("ph");
    CliTest.Result p = CliTest.run("phantom", "--output", root.toString(), "--subjects", "2", "--size", "32",
        "--slices", "16");
    assertEquals(0, p.code(), p.err());
    assertTrue(Files.isRegularFile(root.resolve("phantom-000/T2.nii.gz")));
    Path cfg = config(root, tmp.resolve("cache"));
    CliTest.Result r1 = CliTest.run("data", "prepare", "--config", cfg.toString());
    assertEquals(0, r1.code(), r1.err());
    assertTrue(r1.out().contains("prepared 8 slices"), r1.out());
    CliTest.Result r2 = CliTest.run("data", "prepare", "--config", cfg.toString());
    assertEquals(0, r2.code(), r2.err());
    assertTrue(r2.out().contains("up to date"), r2.out());
  }

  @Test
  void missingModalityIsDataErrorAndLeavesNoCache() throws Exception {
    Path root = tmp.resolve("ph");
    assertEquals(0, CliTest.run("phantom", "--output", root.toString(), "--subjects", "2", "--size", "32",
        "--slices", "16").code());
    Files.delete(root.resolve("phantom-001/T2.nii.gz"));
    Path cache = tmp.resolve("cache");
    CliTest.Result r = CliTest.run("data", "prepare", "--config", config(root, cache).toString());
    assertEquals(ExitCode.DATA, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("phantom-001") && r.err().contains("T2"), r.err());
    assertFalse(Files.exists(cache.resolve("manifest.json")), "no half-written cache");
  }
}

package org.dfbk.data.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.dfbk.core.error.DataException;
import org.dfbk.data.dataset.SplitSpec;
import org.dfbk.data.phantom.PhantomGenerator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged or hostile manifest.json is a DataException naming the manifest, the key and the
 * value before the store is mapped or anything is sized from it.
 */
class SliceCacheManifestTest {
  @TempDir static Path data;
  @TempDir static Path prepared;
  @TempDir Path work;

  @BeforeAll
  static void prepareOneCache() {
    PhantomGenerator.writeDataset(data, 2,
        PhantomGenerator.builder().optSize(24, 24, 16).optSeed(5).build());
    SliceCache.prepare(PrepareSpec.of("paired", data, "T1", "T2", 2, 16)
        .withSplit(SplitSpec.fractions(0.5, 0.5), 1), prepared.resolve("cache"), null);
  }

  /** A copy of the prepared cache whose manifest {@code edit} changed. */
  private Path cacheWith(Consumer<JsonObject> edit) throws IOException {
    Path dir = Files.createTempDirectory(work, "cache");
    try (Stream<Path> files = Files.list(prepared.resolve("cache"))) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    Path manifest = dir.resolve(SliceCache.MANIFEST_FILE);
    JsonObject m = JsonParser.parseString(Files.readString(manifest)).getAsJsonObject();
    edit.accept(m);
    Files.writeString(manifest, m.toString(), StandardCharsets.UTF_8);
    return dir;
  }

  private static void expectData(Path dir, String... fragments) {
    DataException e = assertThrows(DataException.class, () -> SliceCache.open(dir));
    String msg = e.getMessage().toLowerCase(Locale.ROOT);
    assertTrue(msg.contains("manifest.json"), "names the manifest: " + e.getMessage());
    for (String f : fragments) {
      assertTrue(msg.contains(f.toLowerCase(Locale.ROOT)), "message should contain \"" + f
          + "\": " + e.getMessage());
    }
  }

  @Test
  void unchangedCopyOpens() throws IOException {
    assertEquals(4, SliceCache.open(cacheWith(m -> { })).size());
  }

  @Test
  void imageSizeOutOfRange() throws IOException {
    expectData(cacheWith(m -> m.addProperty("imageSize", 100_000)), "imageSize = 100000",
        "1..8192", "prepare again");
    expectData(cacheWith(m -> m.addProperty("imageSize", -16)), "imageSize = -16");
  }

  @Test
  void imageSizeBeyondIntIsAParseError() throws IOException {
    expectData(cacheWith(m -> m.addProperty("imageSize", 1L << 40)), "cannot read",
        "1099511627776");
  }

  @Test
  void countThatDisagreesWithTheSlices() throws IOException {
    expectData(cacheWith(m -> m.addProperty("count", 1 << 30)), "count = 1073741824",
        "4 entries");
    expectData(cacheWith(m -> m.addProperty("count", -1)), "count = -1");
  }

  @Test
  void unknownStoreType() throws IOException {
    expectData(cacheWith(m -> m.addProperty("store", "FLOAT64")), "store = \"float64\"",
        "FLOAT16, FLOAT32");
  }

  @Test
  void sliceTransformThatItsRecordRejects() throws IOException {
    expectData(cacheWith(m -> m.getAsJsonArray("slices").get(1).getAsJsonObject()
        .getAsJsonObject("transform").addProperty("boxSide", -3)), "invalid value",
        "box -3");
    expectData(cacheWith(m -> m.getAsJsonArray("slices").get(0).getAsJsonObject()
        .getAsJsonObject("transform").addProperty("size", 32)), "slices[0].transform.size = 32",
        "imageSize = 16");
  }

  @Test
  void nonPositivePixelSize() throws IOException {
    expectData(cacheWith(m -> m.getAsJsonObject("pixelMm").addProperty("s0", -1.5)),
        "pixelMm[\"s0\"] = -1.5");
  }

  @Test
  void oversizedManifestIsRefusedBeforeReading() throws IOException {
    Path dir = cacheWith(m -> { });
    try (RandomAccessFile f = new RandomAccessFile(
        dir.resolve(SliceCache.MANIFEST_FILE).toFile(), "rw")) {
      f.setLength(CacheManifest.MAX_BYTES + 1); // sparse: no disk space used
    }
    expectData(dir, (CacheManifest.MAX_BYTES + 1) + " bytes", "more than");
  }
}

package org.dfbk.train.loop;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.dfbk.core.error.DataException;
import org.dfbk.train.diffusion.ResShiftSchedule;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint whose entries declare sizes or shapes that disagree with state.json, the model or
 * the entry itself is a DataException naming the file, the entry and the numbers, raised before
 * any buffer is sized from them.
 */
class CheckpointBadInputTest {
  @TempDir static Path run;
  @TempDir Path tmp;

  private static NDManager manager;
  private static Path good;

  @BeforeAll
  static void trainTwoSteps() {
    manager = NDManager.newBaseManager();
    TrainerConfig config = TrainerFixtures.smallConfig().maxSteps(2).build();
    try (Trainer t = trainer(config, run.resolve("a"))) {
      good = t.fit().lastCheckpoint();
    }
  }

  @AfterAll
  static void closeManager() {
    manager.close();
  }

  private static Trainer trainer(TrainerConfig config, Path dir) {
    return Trainer.builder().setConfig(config)
        .setObjective(new DiffusionObjective(ResShiftSchedule.paperDefault(), config.loss()))
        .setReplicas(java.util.List.of(TrainerFixtures.tinyModel(manager, 3, 8)))
        .setBatchSource(TrainerFixtures.smoothPairs(42, config.batchSize()))
        .setRunDirectory(dir).build();
  }

  /** A copy of the good checkpoint with entry {@code name} replaced by {@code edit} of it. */
  private Path withEntry(String file, String name, UnaryOperator<byte[]> edit)
      throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (ZipFile zip = new ZipFile(good.toFile())) {
      for (ZipEntry e : java.util.Collections.list(zip.entries())) {
        entries.put(e.getName(), zip.getInputStream(e).readAllBytes());
      }
    }
    entries.put(name, edit.apply(entries.get(name)));
    Path out = tmp.resolve(file);
    try (OutputStream os = Files.newOutputStream(out); ZipOutputStream zip =
        new ZipOutputStream(os)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        zip.putNextEntry(new ZipEntry(e.getKey()));
        zip.write(e.getValue());
        zip.closeEntry();
      }
    }
    return out;
  }

  /** Byte position of the first array's dimensions and of its byte count in an NDList entry. */
  private static int[] firstArrayLayout(byte[] ndlist) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(ndlist));
    in.readInt(); // array count
    in.readUTF(); // NDAR
    int version = in.readInt();
    if (version > 1 && in.readByte() == 1) {
      in.readUTF();
    }
    in.readUTF(); // DENSE
    in.readUTF(); // FLOAT32
    int dimsAt = ndlist.length - in.available();
    int ndim = in.readInt();
    for (int d = 0; d < ndim; d++) {
      in.readLong();
    }
    int layout = in.readInt();
    for (int d = 0; d < layout; d++) {
      in.readChar();
    }
    in.readByte(); // byte order
    return new int[] {dimsAt, ndlist.length - in.available()};
  }

  private static DataException expectData(Executable call, String... fragments) {
    DataException e = assertThrows(DataException.class, call);
    String msg = e.getMessage().toLowerCase(Locale.ROOT);
    for (String f : fragments) {
      assertTrue(msg.contains(f.toLowerCase(Locale.ROOT)), "message should contain \"" + f
          + "\": " + e.getMessage());
    }
    return e;
  }

  private void expectOnRestoreAndLoad(Path file, String... fragments) {
    TrainerConfig config = TrainerFixtures.smallConfig().maxSteps(2).build();
    try (Trainer t = trainer(config, tmp.resolve("restore-" + file.getFileName()))) {
      expectData(() -> t.restore(file), fragments);
    }
    expectData(() -> Checkpoints.loadWeights(file, TrainerFixtures.tinyModel(manager, 4, 8)
        .block(), Checkpoints.Weights.MODEL), fragments);
  }

  @Test
  void unchangedCopyRestores() throws IOException {
    Path copy = withEntry("copy.zip", Checkpoints.MODEL, b -> b);
    Checkpoints.loadWeights(copy, TrainerFixtures.tinyModel(manager, 4, 8).block(),
        Checkpoints.Weights.MODEL);
  }

  @Test
  void arrayShapeBeyondStateIsRejectedBeforeAllocation() throws IOException {
    Path p = withEntry("shape.zip", Checkpoints.MODEL, b -> {
      try {
        byte[] c = b.clone();
        int[] at = firstArrayLayout(c);
        ByteBuffer bb = ByteBuffer.wrap(c);
        bb.putLong(at[0] + 4, 1L << 40); // first dimension 2^40
        bb.putInt(at[1], Integer.MAX_VALUE); // and a byte count to match DJL's decoder
        return c;
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    expectOnRestoreAndLoad(p, "shape.zip", "model.ndlist", "array 0", "1099511627776",
        "state.json records");
  }

  @Test
  void declaredByteCountThatDisagreesWithTheShape() throws IOException {
    Path p = withEntry("bytes.zip", Checkpoints.EMA, b -> {
      try {
        byte[] c = b.clone();
        ByteBuffer.wrap(c).putInt(firstArrayLayout(c)[1], Integer.MAX_VALUE);
        return c;
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    TrainerConfig config = TrainerFixtures.smallConfig().maxSteps(2).build();
    try (Trainer t = trainer(config, tmp.resolve("restore-bytes"))) {
      expectData(() -> t.restore(p), "bytes.zip", "ema.ndlist", "declares 2147483647 data"
          + " bytes", "needs");
    }
  }

  @Test
  void arrayCountThatDisagreesWithState() throws IOException {
    Path p = withEntry("count.zip", Checkpoints.MODEL, b -> {
      byte[] c = b.clone();
      ByteBuffer.wrap(c).putInt(0, Integer.MAX_VALUE);
      return c;
    });
    expectOnRestoreAndLoad(p, "count.zip", "model.ndlist", "holds 2147483647 arrays");
  }

  @Test
  void truncatedArrayData() throws IOException {
    Path p = withEntry("cut.zip", Checkpoints.MODEL, b -> java.util.Arrays.copyOf(b,
        b.length - 100));
    expectOnRestoreAndLoad(p, "cut.zip", "model.ndlist");
  }

  @Test
  void stateWithInconsistentParameterLists() throws IOException {
    Path p = withEntry("lists.zip", Checkpoints.STATE, b -> {
      JsonObject s = JsonParser.parseString(new String(b, StandardCharsets.UTF_8))
          .getAsJsonObject();
      s.getAsJsonArray("parameterShapes").remove(0);
      return s.toString().getBytes(StandardCharsets.UTF_8);
    });
    expectData(() -> Checkpoints.readState(p), "lists.zip", "parameterShapes", "equal in number");
    expectOnRestoreAndLoad(p, "lists.zip", "parameterShapes");
  }

  @Test
  void stateWithANegativeOrHugeShape() throws IOException {
    Path p = withEntry("neg.zip", Checkpoints.STATE, b -> {
      JsonObject s = JsonParser.parseString(new String(b, StandardCharsets.UTF_8))
          .getAsJsonObject();
      JsonArray shape = new JsonArray();
      shape.add(1L << 20);
      shape.add(1L << 20);
      s.getAsJsonArray("parameterShapes").set(1, shape);
      return s.toString().getBytes(StandardCharsets.UTF_8);
    });
    expectData(() -> Checkpoints.readState(p), "neg.zip", "[1048576, 1048576]",
        "parameter 1", "under 2 GiB");
  }

  @Test
  void oversizedStateIsRefusedBeforeReading() throws IOException {
    Path p = withEntry("big.zip", Checkpoints.STATE, b -> {
      byte[] c = new byte[Checkpoints.MAX_JSON_BYTES + 1];
      java.util.Arrays.fill(c, (byte) ' ');
      System.arraycopy(b, 0, c, 0, b.length);
      return c;
    });
    expectData(() -> Checkpoints.readState(p), "big.zip", "state.json",
        (Checkpoints.MAX_JSON_BYTES + 1) + " bytes", "more than");
  }

  @Test
  void malformedStateJsonIsADataException() throws IOException {
    Path p = withEntry("json.zip", Checkpoints.STATE, b -> "{\"format\": [".getBytes(
        StandardCharsets.UTF_8));
    expectData(() -> Checkpoints.readState(p), "json.zip", "state.json");
  }
}

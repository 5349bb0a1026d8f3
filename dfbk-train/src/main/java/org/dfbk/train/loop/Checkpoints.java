package org.dfbk.train.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.dfbk.core.error.DataException;
import org.dfbk.core.io.AtomicFiles;
import org.dfbk.core.nn.ParameterManifest;

/**
 * Checkpoint files: one zip per checkpoint (entries not compressed), written to a temporary file
 * in the same directory, forced to disk and renamed over the target, so a reader sees the old file
 * or the new one and never half of one. Arrays are streamed entry by entry, so neither side holds
 * more than one entry's arrays (one copy of the weights) in host memory.
 *
 * <pre>
 *   state.json       {@link CheckpointState}: step, seed, optimizer counter, loss scale, best PSNR,
 *                    text-encoder id, parameter names/shapes, trainer settings, training scale
 *   config.json      the resolved run configuration, verbatim as the caller gave it
 *   model.ndlist     master (training) weights, float32, one array per parameter, in name order
 *   ema.ndlist       EMA weights, same order
 *   adam-m.ndlist    AdamW first moments of the trainable parameters, in name order
 *   adam-v.ndlist    AdamW second moments, same order
 * </pre>
 *
 * The arrays use DJL's {@link NDList#encode()} format, each array named after its parameter.
 *
 * <p>Over 400 lines because the file format is one unit: the atomic writer, the streaming reader,
 * the state and config entries, the loading of weights into a network and the checks of a
 * damaged or foreign file all share its entry names and layout.
 */
public final class Checkpoints {
  static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues()
      .setPrettyPrinting().create();
  static final String STATE = "state.json";
  static final String CONFIG = "config.json";
  static final String MODEL = "model.ndlist";
  static final String EMA = "ema.ndlist";
  static final String FIRST_MOMENTS = "adam-m.ndlist";
  static final String SECOND_MOMENTS = "adam-v.ndlist";
  /** Largest state.json or config.json read: 16 MiB (a large model's state is ~100 KB). */
  static final int MAX_JSON_BYTES = 16 << 20;
  /** Most dimensions an array of a checkpoint may declare. */
  static final int MAX_ARRAY_DIMS = 16;

  private Checkpoints() {}

  /** Which weights of a checkpoint to load. */
  public enum Weights {
    /** The exponential moving average (for validation, translation and export). */
    EMA,
    /** The raw training weights. */
    MODEL
  }

  /** Produces the arrays of one zip entry in the given (short-lived) manager. */
  @FunctionalInterface
  interface ArrayEntry {
    NDList arrays(NDManager scratch);
  }

  /**
   * Writes a checkpoint atomically.
   *
   * @param arrayEntries entry name → producer of its arrays, written in iteration order; each
   *     producer's arrays are closed before the next runs
   */
  static void write(Path target, CheckpointState state, String config,
      java.util.LinkedHashMap<String, ArrayEntry> arrayEntries, NDManager manager)
      throws IOException {
    AtomicFiles.write(target, tmp -> {
      try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp),
          1 << 20); ZipOutputStream zip = new ZipOutputStream(out)) {
        zip.setLevel(java.util.zip.Deflater.NO_COMPRESSION);
        zip.putNextEntry(new ZipEntry(STATE));
        zip.write(GSON.toJson(state).getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
        if (config != null) {
          zip.putNextEntry(new ZipEntry(CONFIG));
          zip.write(config.getBytes(StandardCharsets.UTF_8));
          zip.closeEntry();
        }
        OutputStream entryStream = new java.io.FilterOutputStream(zip) {
          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            zip.write(b, off, len);
          }

          @Override
          public void close() {
            // the zip stays open for the next entry
          }
        };
        for (java.util.Map.Entry<String, ArrayEntry> e : arrayEntries.entrySet()) {
          try (NDManager scratch = manager.newSubManager()) {
            NDList arrays = e.getValue().arrays(scratch);
            zip.putNextEntry(new ZipEntry(e.getKey()));
            ArrayCodec.encode(arrays, entryStream);
            entryStream.flush();
            zip.closeEntry();
          }
        }
      }
    }, AtomicFiles.Option.SYNC, AtomicFiles.Option.REQUIRE_ATOMIC_MOVE);
  }

  /** Makes {@code alias} a second name of {@code file} (a hard link, else a copy), atomically. */
  static void alias(Path file, Path alias) throws IOException {
    AtomicFiles.write(alias, tmp -> {
      Files.delete(tmp); // a link needs a free name
      try {
        Files.createLink(tmp, file);
      } catch (UnsupportedOperationException | FileSystemException e) {
        Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
      }
    }, AtomicFiles.Option.REQUIRE_ATOMIC_MOVE);
  }

  /** An open checkpoint: its state and a reader of one array entry at a time. */
  static final class Reader implements AutoCloseable {
    private final Path file;
    private final ZipFile zip;
    private final CheckpointState state;

    Reader(Path file) {
      this.file = file;
      try {
        this.zip = new ZipFile(file.toFile());
      } catch (IOException e) {
        throw new DataException(file + ": cannot open the checkpoint (" + e.getMessage()
            + "); it is not a dfbk checkpoint zip or it is damaged", e);
      }
      try {
        this.state = GSON.fromJson(new String(entry(zip, file, STATE), StandardCharsets.UTF_8),
            CheckpointState.class);
      } catch (IOException | RuntimeException e) {
        close();
        throw e instanceof DataException ? (DataException) e : new DataException(file
            + ": cannot read state.json (" + e.getMessage() + ")", e);
      }
      if (state == null || state.format() != 1) {
        close();
        throw new DataException(file + ": unsupported checkpoint format "
            + (state == null ? "(empty state.json)" : state.format()) + "; expected 1");
      }
      try {
        checkParameters(file, state);
      } catch (DataException e) {
        close();
        throw e;
      }
    }

    CheckpointState state() {
      return state;
    }

    /**
     * Decodes one array entry into {@code manager}, checking it holds {@code count} arrays of
     * the shapes state.json records (all parameters for the weights, the trainable ones for
     * the moments) before allocating each.
     */
    NDList arrays(String name, NDManager manager, int count) {
      ZipEntry e = zip.getEntry(name);
      if (e == null) {
        throw new DataException(file + ": checkpoint entry '" + name + "' is missing; expected "
            + List.of(STATE, MODEL, EMA, FIRST_MOMENTS, SECOND_MOMENTS));
      }
      List<long[]> shapes = new ArrayList<>();
      List<String> names = new ArrayList<>();
      boolean moments = name.equals(FIRST_MOMENTS) || name.equals(SECOND_MOMENTS);
      for (int i = 0; i < state.parameterNames().size(); i++) {
        if (!moments || Boolean.TRUE.equals(state.trainable().get(i))) {
          shapes.add(state.parameterShapes().get(i));
          names.add(state.parameterNames().get(i));
        }
      }
      if (shapes.size() != count) {
        throw new DataException(file + ": state.json lists " + shapes.size() + " arrays for '"
            + name + "', the model expects " + count + "; it was written for a different model"
            + " configuration");
      }
      try (InputStream in = new java.io.BufferedInputStream(zip.getInputStream(e), 1 << 20)) {
        return ArrayCodec.decodeChecked(file, name, in, e.getSize(), names, shapes, manager);
      } catch (DataException ex) {
        throw ex;
      } catch (IOException | RuntimeException ex) {
        throw new DataException(file + ": entry '" + name + "' is damaged (" + ex + ")", ex);
      }
    }

    @Override
    public void close() {
      try {
        zip.close();
      } catch (IOException e) {
        throw new DataException(file + ": cannot close the checkpoint", e);
      }
    }
  }

  /**
   * Checks state.json's parameter lists: names, shapes and trainable flags of equal length,
   * shapes with at most {@link #MAX_ARRAY_DIMS} non-negative dimensions, each array under
   * 2 GiB of float32.
   */
  static void checkParameters(Path file, CheckpointState s) {
    List<String> names = s.parameterNames();
    List<long[]> shapes = s.parameterShapes();
    List<Boolean> trainable = s.trainable();
    if (names == null || shapes == null || trainable == null || names.size() != shapes.size()
        || names.size() != trainable.size()) {
      throw new DataException(file + ": state.json has " + size(names) + " parameterNames, "
          + size(shapes) + " parameterShapes and " + size(trainable) + " trainable flags; they"
          + " must be equal in number. The checkpoint is damaged");
    }
    for (int i = 0; i < shapes.size(); i++) {
      long[] shape = shapes.get(i);
      long elements = 1;
      boolean valid = shape != null && shape.length <= MAX_ARRAY_DIMS && names.get(i) != null;
      for (int d = 0; valid && d < shape.length; d++) {
        valid = shape[d] >= 0 && (shape[d] == 0 || elements <= Integer.MAX_VALUE / 4 / shape[d]);
        elements *= valid ? shape[d] : 1;
      }
      if (!valid) {
        throw new DataException(file + ": state.json records shape "
            + (shape == null ? null : java.util.Arrays.toString(shape)) + " for parameter " + i
            + " ('" + names.get(i) + "'), expected at most " + MAX_ARRAY_DIMS + " non-negative"
            + " dimensions and under 2 GiB of float32. The checkpoint is damaged");
      }
    }
  }

  private static int size(List<?> list) {
    return list == null ? 0 : list.size();
  }

  /** An entry's bytes, refusing one larger than {@link #MAX_JSON_BYTES} before reading it. */
  private static byte[] entry(ZipFile zip, Path file, String name) throws IOException {
    ZipEntry e = zip.getEntry(name);
    if (e == null) {
      throw new DataException(file + ": checkpoint entry '" + name + "' is missing; expected "
          + List.of(STATE, MODEL, EMA, FIRST_MOMENTS, SECOND_MOMENTS));
    }
    if (e.getSize() > MAX_JSON_BYTES) {
      throw new DataException(file + ": checkpoint entry '" + name + "' is " + e.getSize()
          + " bytes, more than the " + MAX_JSON_BYTES + " it may hold. Fix: give a .zip written"
          + " by 'dfbk train'; this one is damaged or not a dfbk checkpoint");
    }
    try (InputStream in = zip.getInputStream(e)) {
      byte[] bytes = in.readNBytes(MAX_JSON_BYTES + 1);
      if (bytes.length > MAX_JSON_BYTES) {
        throw new DataException(file + ": checkpoint entry '" + name + "' holds more than "
            + MAX_JSON_BYTES + " bytes. Fix: give a .zip written by 'dfbk train'; this one is"
            + " damaged or not a dfbk checkpoint");
      }
      return bytes;
    }
  }

  /**
   * The checkpoint to resume a run from: of {@code last.zip} and the numbered
   * {@code step-NNNNNNNN.zip} files in {@code checkpointDirectory}, the one with the most steps
   * (a run stopped between writing a numbered file and its {@code last} alias resumes from the
   * numbered one). Empty when the directory holds none.
   */
  public static java.util.Optional<Path> latest(Path checkpointDirectory) {
    if (!Files.isDirectory(checkpointDirectory)) {
      return java.util.Optional.empty();
    }
    Path best = null;
    long bestStep = -1;
    try (java.util.stream.Stream<Path> files = Files.list(checkpointDirectory)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String name = p.getFileName().toString();
        if (!(name.equals("last.zip") || name.matches("step-\\d+\\.zip"))) {
          continue;
        }
        long step = readState(p).step();
        if (step > bestStep) {
          bestStep = step;
          best = p;
        }
      }
    } catch (IOException e) {
      throw new DataException("cannot list the checkpoints in " + checkpointDirectory + ": "
          + e.getMessage(), e);
    }
    return java.util.Optional.ofNullable(best);
  }

  private static DataException unreadable(Path file, IOException e) {
    return new DataException(file + ": cannot read the checkpoint (" + e.getMessage()
        + "). Fix: give a .zip written by 'dfbk train' (runs/NAME/checkpoints/last.zip or"
        + " best.zip); if it is one, it is truncated or damaged: copy it again", e);
  }

  /**
   * Reads only {@code state.json} of a checkpoint.
   *
   * @throws DataException when the file is not a readable checkpoint zip or its state.json is
   *     missing, oversized, malformed or has inconsistent parameter lists
   */
  public static CheckpointState readState(Path file) {
    try (ZipFile zip = new ZipFile(file.toFile())) {
      CheckpointState s;
      try {
        s = GSON.fromJson(new String(entry(zip, file, STATE), StandardCharsets.UTF_8),
            CheckpointState.class);
      } catch (RuntimeException e) {
        if (e instanceof DataException d) {
          throw d;
        }
        throw new DataException(file + ": cannot read state.json (" + e.getMessage() + ")", e);
      }
      if (s == null) {
        throw new DataException(file + ": state.json is empty");
      }
      checkParameters(file, s);
      return s;
    } catch (IOException e) {
      throw unreadable(file, e);
    }
  }

  /** Reads the resolved configuration stored in a checkpoint (null if none was recorded). */
  public static String readConfig(Path file) {
    try (ZipFile zip = new ZipFile(file.toFile())) {
      return zip.getEntry(CONFIG) == null ? null
          : new String(entry(zip, file, CONFIG), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw unreadable(file, e);
    }
  }

  /**
   * Loads the EMA or training weights of a checkpoint into an initialised block with the same
   * parameter names and shapes (for translation and export); values are cast to each parameter's
   * data type and copied in place onto its device.
   *
   * @throws DataException naming the first missing or mis-shaped parameter
   */
  public static void loadWeights(Path file, Block block, Weights which) {
    try (NDManager scratch = NDManager.newBaseManager(ai.djl.Device.cpu());
        Reader reader = new Reader(file)) {
      List<String> names = reader.state().parameterNames();
      // the model's shapes bound every allocation: compare them before reading any array
      ParameterManifest.of(block)
          .misfit(ParameterManifest.ofDims(names, reader.state().parameterShapes()), false)
          .ifPresent(m -> {
            throw new DataException(file + ": " + m + "; build the model with the configuration"
                + " stored in the checkpoint");
          });
      NDList arrays = reader.arrays(which == Weights.EMA ? EMA : MODEL, scratch, names.size());
      Map<String, NDArray> byName = new HashMap<>();
      for (int i = 0; i < names.size(); i++) {
        byName.put(names.get(i), arrays.get(i));
      }
      for (Pair<String, Parameter> p : block.getParameters()) {
        NDArray src = byName.get(p.getKey());
        NDArray dst = p.getValue().getArray();
        if (!dst.getShape().equals(src.getShape())) { // arrays that disagree with the state
          throw new DataException(file + ": parameter '" + p.getKey() + "' has shape "
              + src.getShape() + " in the checkpoint's arrays but " + dst.getShape() + " in the"
              + " model; the checkpoint is damaged. Fix: use another checkpoint of the run");
        }
        copyInto(dst, src, scratch);
      }
    }
  }

  /** dst ← src in place (cast to dst's type, moved to dst's device); temporaries in scratch. */
  static void copyInto(NDArray dst, NDArray src, NDManager scratch) {
    NDArray value = src;
    if (!value.getDevice().equals(dst.getDevice())) {
      value = value.toDevice(dst.getDevice(), false);
      value.attach(scratch);
    }
    if (value.getDataType() != dst.getDataType()) {
      value = value.toType(dst.getDataType(), false);
      value.attach(scratch);
    }
    if (dst.getShape().equals(new Shape())) {
      // a [1] view of the scalar: assignment, not dst − dst + value (which keeps a NaN forever)
      NDArray one = dst.reshape(1);
      one.attach(scratch);
      NDArray v = value.reshape(1);
      v.attach(scratch);
      one.set(new NDIndex(":"), v);
    } else {
      dst.set(new NDIndex(":"), value);
    }
  }
}

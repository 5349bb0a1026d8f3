package org.dfbk.train.knowledge;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.dfbk.core.error.ConfigException;
import org.dfbk.core.error.DataException;
import org.dfbk.core.io.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On-disk cache of {@link TextContext}s, so prompts are encoded once per run and translation
 * reuses exactly the embeddings training saw.
 *
 * <p>An entry is two files in the cache folder, named by the key
 * {@code hex(SHA-256(fingerprint ‖ 0 ‖ prompt_1 ‖ 0 ‖ … ‖ prompt_P ‖ 0))}:
 * {@code <key>.bin} with little-endian float32 tokens [L, D], mask [L] and pooled [P, E], and
 * {@code <key>.json} with the format, the {@link EncoderId}, the prompts, L, D, E, the prompt
 * lengths and the SHA-256 of the .bin. Both are written atomically (temporary file + rename), the
 * .json last, so a present .json means a complete entry.
 */
public final class KnowledgeCache {
  private static final Logger LOG = LoggerFactory.getLogger(KnowledgeCache.class);

  /** The {@code format} value of an entry's JSON. */
  public static final String FORMAT = "dfbk-knowledge-cache";
  /** The {@code format_version} value of an entry's JSON. */
  public static final int FORMAT_VERSION = 1;
  /** Largest entry JSON read (prompts and sizes; a few KB in practice): 16 MiB. */
  static final long MAX_JSON_BYTES = 16L << 20;
  /** Largest entry data read: the float arrays are Java arrays, under 2 GiB. */
  static final long MAX_DATA_BYTES = Integer.MAX_VALUE - 16;

  private final Path dir;

  /** A cache in {@code dir} (created on first write). */
  public KnowledgeCache(Path dir) {
    if (dir == null) {
      throw new IllegalArgumentException("cache folder is required");
    }
    this.dir = dir;
  }

  /** The cache folder. */
  public Path dir() {
    return dir;
  }

  /** The entry key (64 hex digits) of these prompts under the encoder with this fingerprint. */
  public static String key(String fingerprint, PromptSet prompts) {
    StringBuilder sb = new StringBuilder(fingerprint).append('\0');
    for (String p : prompts.prompts()) {
      sb.append(p).append('\0');
    }
    return Fingerprints.hexOf(sb.toString());
  }

  /** The JSON file of the entry of these prompts under this encoder. */
  public Path jsonFile(EncoderId encoder, PromptSet prompts) {
    return dir.resolve(key(encoder.fingerprint(), prompts) + ".json");
  }

  /** Whether the entry exists. */
  public boolean contains(EncoderId encoder, PromptSet prompts) {
    return Files.isRegularFile(jsonFile(encoder, prompts));
  }

  /**
   * The cached context of {@code prompts} under {@code encoder}, computed and written on a miss.
   *
   * @throws DataException when an existing entry is damaged (delete it to recompute)
   */
  public TextContext getOrCompute(TextEncoder encoder, PromptSet prompts) {
    EncoderId id = encoder.id();
    Path json = jsonFile(id, prompts);
    if (Files.isRegularFile(json)) {
      TextContext cached = load(json, id.fingerprint());
      if (!cached.prompts().equals(prompts)) {
        throw new DataException("knowledge cache entry " + json + " holds prompts "
            + cached.prompts().prompts() + ", not " + prompts.prompts() + "; delete it");
      }
      LOG.debug("text knowledge cache hit: {}", json);
      return cached;
    }
    LOG.info("encoding {} prompts with text encoder '{}' into {}", prompts.size(), id.name(),
        json);
    TextContext ctx = TextContext.of(id, prompts, encoder.encode(prompts.prompts()));
    write(json, ctx);
    return ctx;
  }

  /**
   * Reads an entry and checks that it was made by the expected encoder.
   *
   * @param file the entry's .json (or its .bin; the sibling .json is read)
   * @param expectedEncoderFingerprint the fingerprint the checkpoint or run records; null
   *     accepts the encoder the entry records (a precomputed entry named by the user)
   * @throws ConfigException when the entry was made by another encoder
   * @throws DataException when the files are missing, malformed or damaged
   */
  public static TextContext load(Path file, String expectedEncoderFingerprint) {
    Path json = file;
    String fileName = file.getFileName().toString();
    if (fileName.endsWith(".bin")) {
      json = file.resolveSibling(fileName.substring(0, fileName.length() - 4) + ".json");
    }
    if (!Files.isRegularFile(json)) {
      throw new DataException("knowledge cache entry " + json + " does not exist; run training "
          + "(or the knowledge step) to create it");
    }
    JsonObject meta;
    try {
      long jsonSize = Files.size(json);
      if (jsonSize > MAX_JSON_BYTES) {
        throw new DataException("knowledge cache entry " + json + " is " + jsonSize + " bytes,"
            + " more than an entry's JSON may hold (" + MAX_JSON_BYTES + "); delete it to"
            + " recompute");
      }
      JsonElement e = JsonParser.parseString(Files.readString(json, StandardCharsets.UTF_8));
      if (!e.isJsonObject()) {
        throw new DataException(json + " must hold a JSON object; delete it to recompute");
      }
      meta = e.getAsJsonObject();
    } catch (IOException e) {
      throw new DataException("cannot read knowledge cache entry " + json + ": " + e.getMessage(),
          e);
    } catch (JsonParseException e) {
      throw new DataException(json + " is not valid JSON (" + e.getMessage()
          + "); delete it to recompute", e);
    }
    JsonElement format = meta.get("format");
    JsonElement version = meta.get("format_version");
    if (format == null || !format.isJsonPrimitive() || !FORMAT.equals(format.getAsString())
        || version == null || !version.isJsonPrimitive()
        || !String.valueOf(FORMAT_VERSION).equals(version.getAsString())) {
      throw new DataException(json + " is not a " + FORMAT + " version " + FORMAT_VERSION
          + " file (format " + format + ", format_version " + version + "); delete it to"
          + " recompute");
    }
    EncoderId encoder;
    try {
      encoder = EncoderId.fromJson(meta.get("encoder"));
    } catch (ConfigException e) {
      throw new DataException(json + ": its encoder is malformed (" + e.getMessage()
          + "); delete it to recompute", e);
    }
    if (expectedEncoderFingerprint != null
        && !encoder.fingerprint().equals(expectedEncoderFingerprint)) {
      throw new ConfigException(String.format(Locale.ROOT,
          "knowledge cache %s was made by text encoder '%s' (%s) but %s is expected; use the "
              + "text encoder the checkpoint was trained with (--text-encoder, "
              + "--text-encoder-dir) or recompute the text knowledge with it",
          json, encoder.name(), encoder.fingerprint(), expectedEncoderFingerprint));
    }
    try {
      List<String> promptList = new ArrayList<>();
      for (JsonElement p : meta.getAsJsonArray("prompts")) {
        promptList.add(p.getAsString());
      }
      int length = positive(json, meta, "length");
      int dim = positive(json, meta, "dim");
      int pooledDim = positive(json, meta, "pooled_dim");
      JsonArray lengthsJson = meta.getAsJsonArray("prompt_lengths");
      if (lengthsJson.size() != promptList.size()) {
        throw new DataException(json + ": prompt_lengths has " + lengthsJson.size()
            + " entries for " + promptList.size() + " prompts; delete it to recompute");
      }
      int[] lengths = new int[lengthsJson.size()];
      for (int i = 0; i < lengths.length; i++) {
        lengths[i] = lengthsJson.get(i).getAsInt();
        if (lengths[i] < 0 || lengths[i] > length) {
          throw new DataException(json + ": prompt_lengths[" + i + "] = " + lengths[i]
              + " is outside 0.." + length + " (length); delete it to recompute");
        }
      }
      String dataFile = meta.get("data_file").getAsString();
      Path bin = json.resolveSibling(dataFile);
      if (dataFile.isEmpty() || !bin.getFileName().toString().equals(dataFile)) {
        throw new DataException(json + ": data_file \"" + dataFile + "\" must name a file in"
            + " the same folder; delete it to recompute");
      }
      // sizes from the JSON are multiplied in long and compared with the file before reading
      long expectedBytes = 4L * ((long) length * dim + length
          + (long) promptList.size() * pooledDim);
      if ((long) length * dim > Integer.MAX_VALUE
          || (long) promptList.size() * pooledDim > Integer.MAX_VALUE
          || expectedBytes > MAX_DATA_BYTES) {
        throw new DataException(String.format(Locale.ROOT,
            "%s declares L %d, D %d, %d prompts, E %d: %d bytes of data, more than dfbk reads"
                + " (%d); delete it to recompute", json, length, dim, promptList.size(), pooledDim,
            expectedBytes, MAX_DATA_BYTES));
      }
      long binSize = Files.size(bin);
      if (binSize != expectedBytes) {
        throw new DataException(String.format(Locale.ROOT,
            "knowledge cache data %s has %d bytes, expected %d for L %d, D %d, %d prompts, E %d;"
                + " delete %s to recompute", bin, binSize, expectedBytes, length, dim,
            promptList.size(), pooledDim, json.getFileName()));
      }
      byte[] bytes = Files.readAllBytes(bin);
      if (bytes.length != expectedBytes) {
        throw new DataException("knowledge cache data " + bin + " changed while it was read;"
            + " delete " + json.getFileName() + " to recompute");
      }
      String sha = HexFormat.of().formatHex(Fingerprints.sha256().digest(bytes));
      if (!sha.equals(meta.get("data_sha256").getAsString())) {
        throw new DataException("knowledge cache data " + bin + " is damaged (SHA-256 " + sha
            + ", expected " + meta.get("data_sha256").getAsString() + "); delete "
            + json.getFileName() + " to recompute");
      }
      ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
      float[] tokens = new float[length * dim];
      float[] mask = new float[length];
      float[] pooled = new float[promptList.size() * pooledDim];
      buf.asFloatBuffer().get(tokens);
      buf.position(4 * tokens.length);
      buf.asFloatBuffer().get(mask);
      buf.position(4 * (tokens.length + mask.length));
      buf.asFloatBuffer().get(pooled);
      return new TextContext(encoder, new PromptSet(promptList), length, dim, tokens, mask,
          lengths, pooledDim, pooled);
    } catch (IOException e) {
      throw new DataException("cannot read knowledge cache data beside " + json + ": "
          + e.getMessage(), e);
    } catch (NullPointerException | ClassCastException | IllegalStateException
        | UnsupportedOperationException | IllegalArgumentException e) {
      throw new DataException(json + " is malformed (" + e + "); delete it to recompute", e);
    }
  }

  /** The positive int {@code key} of an entry's JSON. */
  private static int positive(Path json, JsonObject meta, String key) {
    int v = meta.get(key).getAsInt();
    if (v < 1) {
      throw new DataException(json + ": " + key + " = " + v + " must be positive; delete it to"
          + " recompute");
    }
    return v;
  }

  /** Writes {@code ctx} as the entry whose JSON file is {@code json} (atomically). */
  static void write(Path json, TextContext ctx) {
    String base = json.getFileName().toString().replaceFirst("\\.json$", "");
    Path bin = json.resolveSibling(base + ".bin");
    ByteBuffer buf = ByteBuffer.allocate(4 * (ctx.tokens().length + ctx.mask().length
        + ctx.pooled().length)).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(ctx.tokens()).put(ctx.mask()).put(ctx.pooled());
    byte[] bytes = buf.array();
    JsonObject meta = new JsonObject();
    meta.addProperty("format", FORMAT);
    meta.addProperty("format_version", FORMAT_VERSION);
    meta.add("encoder", ctx.encoder().toJsonObject());
    JsonArray prompts = new JsonArray();
    ctx.prompts().prompts().forEach(prompts::add);
    meta.add("prompts", prompts);
    meta.addProperty("length", ctx.length());
    meta.addProperty("dim", ctx.dim());
    meta.addProperty("pooled_dim", ctx.pooledDim());
    JsonArray lengths = new JsonArray();
    for (int l : ctx.promptLengths()) {
      lengths.add(l);
    }
    meta.add("prompt_lengths", lengths);
    meta.addProperty("data_file", bin.getFileName().toString());
    meta.addProperty("data_sha256", HexFormat.of().formatHex(
        Fingerprints.sha256().digest(bytes)));
    String text = new GsonBuilder().setPrettyPrinting().create().toJson(meta) + "\n";
    try {
      AtomicFiles.writeBytes(bin, bytes);
      AtomicFiles.writeBytes(json, text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write knowledge cache entry " + json, e);
    }
  }
}

package org.dfbk.train.knowledge;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import org.dfbk.core.error.ConfigException;

/**
 * The paper's text encoder: BiomedCLIP's text tower (BiomedBERT, context 256) exported by
 * {@code scripts/export_biomedclip_text.py} to TorchScript and run with DJL's PyTorch engine on
 * the CPU.
 *
 * <p>An export folder holds {@code text_encoder.json} (format {@value #FORMAT}, name,
 * hidden_dim H, projection_dim E, context_length C, pad_token_id, model_file, tokenizer_file),
 * the TorchScript module {@code forward(input_ids [N, C] int64, attention_mask [N, C] int64) ->
 * (token_states [N, C, H], projected [N, E])} and its {@code tokenizer.json}. Prompts are padded
 * to C as open_clip does. Token states are BiomedBERT's last hidden states (D = H = 768 for
 * BiomedCLIP); the pooled vector is the projected CLS state (E = 512), open_clip's
 * {@code encode_text} before normalisation. The fingerprint is the SHA-256 of the model file
 * followed by the tokenizer file.
 */
public final class BiomedClipTextEncoder extends BertStyleEncoder {

  /** The {@code format} value of {@code text_encoder.json}. */
  public static final String FORMAT = "dfbk-text-encoder";
  /** The metadata file of an export folder. */
  public static final String METADATA_FILE = "text_encoder.json";
  /** The script that writes an export folder. */
  public static final String EXPORT_SCRIPT = "scripts/export_biomedclip_text.py";

  private final long padTokenId;
  private final Path modelFile;
  private final Path tokenizerFile;

  private BiomedClipTextEncoder(EncoderId id, int contextLength, int projectionDim,
      long padTokenId, Path modelFile, Path tokenizerFile) {
    super(id, new TokenBatchTranslator(false, false), contextLength, projectionDim, true,
        padTokenId);
    this.padTokenId = padTokenId;
    this.modelFile = modelFile;
    this.tokenizerFile = tokenizerFile;
  }

  /**
   * Reads an export folder's metadata and fingerprints its files; the TorchScript module and
   * the tokenizer are loaded on first use.
   *
   * @throws ConfigException when the folder, a file or a metadata key is missing or invalid,
   *     or the PyTorch engine is absent (the message names the script to run)
   */
  public static BiomedClipTextEncoder load(Path exportDir) {
    if (exportDir == null || !Files.isDirectory(exportDir)) {
      throw new ConfigException("text encoder export folder " + exportDir + " does not exist; "
          + "create it with " + EXPORT_SCRIPT + " --out DIR (needs internet and open_clip) and "
          + "pass --text-encoder-dir DIR");
    }
    Path metaFile = exportDir.resolve(METADATA_FILE);
    JsonObject meta = readMetadata(metaFile);
    String format = string(meta, metaFile, "format");
    if (!FORMAT.equals(format)) {
      throw new ConfigException(metaFile + ": format is '" + format + "', expected '" + FORMAT
          + "'; re-export with " + EXPORT_SCRIPT);
    }
    String name = string(meta, metaFile, "name");
    int hidden = positive(meta, metaFile, "hidden_dim");
    int projection = positive(meta, metaFile, "projection_dim");
    int context = positive(meta, metaFile, "context_length");
    long padId = integer(meta, metaFile, "pad_token_id");
    Path modelFile = exportDir.resolve(string(meta, metaFile, "model_file"));
    Path tokenizerFile = exportDir.resolve(string(meta, metaFile, "tokenizer_file"));
    for (Path p : new Path[] {modelFile, tokenizerFile}) {
      if (!Files.isRegularFile(p)) {
        throw new ConfigException("text encoder export " + exportDir + " lacks " + p.getFileName()
            + " named in " + METADATA_FILE + "; re-export with " + EXPORT_SCRIPT);
      }
    }
    MessageDigest digest = Fingerprints.sha256();
    for (Path p : new Path[] {modelFile, tokenizerFile}) {
      try (InputStream in = Files.newInputStream(p)) {
        Fingerprints.update(digest, in);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + p, e);
      }
    }
    EncoderId id = new EncoderId(name, hidden, "sha256:" + HexFormat.of().formatHex(
        digest.digest()));
    if (!Engine.hasEngine("PyTorch")) {
      throw new ConfigException("text encoder 'biomedclip' needs DJL's PyTorch engine: add "
          + "ai.djl.pytorch:pytorch-engine and its native library to the class path");
    }
    return new BiomedClipTextEncoder(id, context, projection, padId, modelFile, tokenizerFile);
  }

  @Override
  Runtime loadRuntime() {
    byte[] tokenizerJson;
    try {
      tokenizerJson = Files.readAllBytes(tokenizerFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + tokenizerFile, e);
    }
    HuggingFaceTokenizer tokenizer = Tokenizers.load(tokenizerJson, tokenizerFile.toString());
    Model model = Model.newInstance(name(), Device.cpu(), "PyTorch");
    try {
      model.load(modelFile, null, Map.of("mapLocation", "true"));
      return new Runtime(tokenizer, model);
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      tokenizer.close();
      throw new ConfigException("cannot load TorchScript text encoder " + modelFile + ": "
          + e.getMessage() + "; re-export with " + EXPORT_SCRIPT, e);
    }
  }

  /** Token id of the padding token. */
  public long padTokenId() {
    return padTokenId;
  }

  /** The projected vectors as the model returned them. */
  @Override
  float[] pool(TokenBatchTranslator.Output out, float[] mask, int n, int length) {
    long[] s = out.projectedShape();
    if (out.projected() == null || s.length != 2 || s[0] != n || s[1] != pooledDim()) {
      throw new IllegalStateException(String.format(Locale.ROOT,
          "TorchScript text encoder '%s' must return (token_states, projected [%d, %d]); "
              + "projected has shape %s", name(), n, pooledDim(),
          s == null ? "none" : java.util.Arrays.toString(s)));
    }
    return out.projected();
  }

  private static JsonObject readMetadata(Path metaFile) {
    if (!Files.isRegularFile(metaFile)) {
      throw new ConfigException("text encoder export folder " + metaFile.getParent() + " has no "
          + METADATA_FILE + "; create the folder with " + EXPORT_SCRIPT + " --out DIR");
    }
    try {
      JsonElement e = JsonParser.parseString(Files.readString(metaFile, StandardCharsets.UTF_8));
      if (!e.isJsonObject()) {
        throw new ConfigException(metaFile + " must hold a JSON object, found " + e);
      }
      return e.getAsJsonObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + metaFile, e);
    } catch (JsonParseException e) {
      throw new ConfigException(metaFile + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  private static String string(JsonObject meta, Path file, String key) {
    JsonElement e = meta.get(key);
    if (e == null || !e.isJsonPrimitive() || e.getAsString().isBlank()) {
      throw new ConfigException(file + ": key '" + key + "' is missing or blank; re-export with "
          + EXPORT_SCRIPT);
    }
    return e.getAsString();
  }

  private static long integer(JsonObject meta, Path file, String key) {
    JsonElement e = meta.get(key);
    try {
      if (e != null && e.isJsonPrimitive()) {
        return e.getAsLong();
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new ConfigException(file + ": key '" + key + "' must be an integer, found " + e);
  }

  private static int positive(JsonObject meta, Path file, String key) {
    long v = integer(meta, file, key);
    if (v <= 0 || v > Integer.MAX_VALUE) {
      throw new ConfigException(file + ": key '" + key + "' must be a positive integer, found "
          + v);
    }
    return (int) v;
  }
}

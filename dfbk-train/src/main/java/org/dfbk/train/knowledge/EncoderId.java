package org.dfbk.train.knowledge;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.util.Locale;
import org.dfbk.core.error.ConfigException;

/**
 * Identity of a text encoder as recorded in every checkpoint and knowledge cache: its name, the
 * width D of its token embeddings and a fingerprint of its weights
 * ({@code "sha256:" + hex(SHA-256(model file bytes ‖ tokenizer.json bytes))}).
 *
 * <p>Two encoders with equal fingerprints produce equal embeddings; the name is for people.
 *
 * @param name encoder name, for example {@code "minilm"} or {@code "biomedclip-pubmedbert-256"}
 * @param dim width D of the token embeddings fed to the Knowledge Guidance blocks
 * @param fingerprint {@code sha256:} followed by 64 lower-case hex digits
 */
public record EncoderId(String name, int dim, String fingerprint) {

  /** Validates the fields. */
  public EncoderId {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("encoder name must not be blank, found '" + name + "'");
    }
    if (dim <= 0) {
      throw new IllegalArgumentException("encoder dim must be positive, found " + dim);
    }
    if (fingerprint == null || !fingerprint.matches("sha256:[0-9a-f]{64}")) {
      throw new IllegalArgumentException(
          "encoder fingerprint must be 'sha256:' + 64 hex digits, found '" + fingerprint + "'");
    }
  }

  /**
   * Fails unless {@code found} has this id's fingerprint.
   *
   * @param where what {@code found} belongs to, for the message (a cache file, a checkpoint)
   * @throws ConfigException naming both encoders and the fix
   */
  public void requireSame(EncoderId found, String where) {
    if (!fingerprint.equals(found.fingerprint())) {
      throw new ConfigException(String.format(Locale.ROOT,
          "%s was made by text encoder '%s' (dim %d, %s) but '%s' (dim %d, %s) is expected; "
              + "use the text encoder the checkpoint was trained with (--text-encoder, "
              + "--text-encoder-dir) or recompute the text knowledge with it",
          where, found.name(), found.dim(), found.fingerprint(), name, dim, fingerprint));
    }
  }

  /** This id as a JSON object {@code {"name":…, "dim":…, "fingerprint":…}}. */
  public JsonObject toJsonObject() {
    JsonObject o = new JsonObject();
    o.addProperty("name", name);
    o.addProperty("dim", dim);
    o.addProperty("fingerprint", fingerprint);
    return o;
  }

  /** This id as a compact JSON string. */
  public String toJson() {
    return toJsonObject().toString();
  }

  /**
   * Reads an id written by {@link #toJson()}.
   *
   * @throws ConfigException when the text is not such an object (names the missing key)
   */
  public static EncoderId fromJson(String json) {
    try {
      return fromJson(JsonParser.parseString(json));
    } catch (JsonParseException e) {
      throw new ConfigException("text encoder id is not valid JSON: " + e.getMessage(), e);
    }
  }

  /** Reads an id from a parsed JSON object. */
  public static EncoderId fromJson(JsonElement element) {
    if (element == null || !element.isJsonObject()) {
      throw new ConfigException("text encoder id must be a JSON object with name, dim and "
          + "fingerprint, found " + element);
    }
    JsonObject o = element.getAsJsonObject();
    for (String key : new String[] {"name", "dim", "fingerprint"}) {
      if (!o.has(key) || o.get(key).isJsonNull()) {
        throw new ConfigException("text encoder id lacks key '" + key + "': " + o);
      }
    }
    try {
      return new EncoderId(o.get("name").getAsString(), o.get("dim").getAsInt(),
          o.get("fingerprint").getAsString());
    } catch (IllegalArgumentException | UnsupportedOperationException | IllegalStateException e) {
      throw new ConfigException("text encoder id " + o + " is invalid: " + e.getMessage(), e);
    }
  }
}

package org.dfbk.cli.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.dfbk.core.error.ConfigException;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * YAML → {@link DfbkConfig}. Unknown keys, bad values and wrong types become a
 * {@link ConfigException} naming the file, the key path and the line.
 *
 * <p>Limits for untrusted files: at most {@link #MAX_CONFIG_BYTES} bytes (checked before
 * reading), {@link #MAX_NESTING} levels of sections and lists, no duplicate keys, and no YAML
 * aliases ({@code *name}): Jackson does not expand them but reads the anchor's name as a
 * string, which would silently misread a value.
 */
public final class ConfigLoader {
  /** Largest config read: 1 MiB (the shipped configs are a few KB). */
  static final int MAX_CONFIG_BYTES = 1 << 20;
  /** Deepest nesting of sections and lists. */
  static final int MAX_NESTING = 32;

  private static final ObjectMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
          .loaderOptions(loaderOptions())
          .streamReadConstraints(StreamReadConstraints.builder()
              .maxNestingDepth(MAX_NESTING).maxDocumentLength(MAX_CONFIG_BYTES).build())
          .build())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private ConfigLoader() {}

  /**
   * SnakeYAML's reader limit. Jackson takes only SnakeYAML's event stream (not its composer),
   * so nesting, duplicate keys and aliases are limited on Jackson's side.
   */
  private static LoaderOptions loaderOptions() {
    LoaderOptions o = new LoaderOptions();
    o.setCodePointLimit(MAX_CONFIG_BYTES);
    return o;
  }

  /** Reads a config file. */
  public static DfbkConfig load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("config file " + file + " does not exist; see configs/ for examples");
    }
    try {
      long size = Files.size(file);
      if (size > MAX_CONFIG_BYTES) {
        throw new ConfigException("config file " + file + " is " + size + " bytes, more than a"
            + " dfbk config may have (" + MAX_CONFIG_BYTES + "); is it the right file? See"
            + " configs/ for examples");
      }
    } catch (IOException e) {
      throw new ConfigException("config file " + file + " cannot be read: " + e.getMessage(), e);
    }
    try (InputStream in = Files.newInputStream(file)) {
      return parse(in, file.toString());
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file " + file + " does not exist");
    } catch (IOException e) {
      throw new ConfigException("config file " + file + " cannot be read: " + e.getMessage(), e);
    }
  }

  /** Reads a config bundled on the classpath (e.g. the demo's). */
  public static DfbkConfig loadResource(String resource) {
    try (InputStream in = ConfigLoader.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("bundled config " + resource + " is missing from the jar");
      }
      return parse(in, "classpath:" + resource);
    } catch (IOException e) {
      throw new ConfigException("bundled config " + resource + " cannot be read: " + e.getMessage(), e);
    }
  }

  static DfbkConfig parse(InputStream in, String source) {
    String text = "";
    try {
      byte[] bytes = in.readNBytes(MAX_CONFIG_BYTES + 1);
      if (bytes.length > MAX_CONFIG_BYTES) {
        throw new ConfigException(source + ": more than " + MAX_CONFIG_BYTES + " bytes, more"
            + " than a dfbk config may have; is it the right file? See configs/ for examples");
      }
      text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
      if (text.isBlank()) {
        throw new ConfigException(source + ": the file is empty; it needs at least 'name:'");
      }
      rejectAliases(bytes, source);
      DfbkConfig c = YAML.readValue(bytes, DfbkConfig.class);
      if (c == null) {
        throw new ConfigException(source + ": the file is empty; it needs at least 'name:'");
      }
      return c;
    } catch (UnrecognizedPropertyException e) {
      String known = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream()
          .map(Object::toString).sorted().collect(Collectors.joining(", "));
      throw new ConfigException(source + ": unknown key '" + path(e, e.getPropertyName()) + "'"
          + keyLine(text, e.getPropertyName(), tokenLocation(e)) + "; allowed keys here: " + known, e);
    } catch (ValueInstantiationException e) {
      Throwable c = e.getCause();
      if (c instanceof Check.InvalidValueException iv) {
        throw new ConfigException(source + ": key '" + iv.key + "' " + iv.getMessage()
            + line(e.getLocation()), e);
      }
      throw new ConfigException(source + ": invalid value at '" + path(e, null) + "'"
          + line(e.getLocation()) + ": " + (c == null ? e.getOriginalMessage() : c.getMessage()), e);
    } catch (InvalidFormatException e) {
      throw new ConfigException(source + ": key '" + path(e, null) + "'" + line(e.getLocation())
          + " expects " + simpleType(e.getTargetType()) + ", got '" + e.getValue() + "'", e);
    } catch (MismatchedInputException e) {
      throw new ConfigException(source + ": key '" + path(e, null) + "'" + line(e.getLocation())
          + " expects " + simpleType(e.getTargetType()) + "; " + e.getOriginalMessage(), e);
    } catch (JsonProcessingException e) {
      throw new ConfigException(source + ": not valid YAML" + line(e.getLocation()) + ": "
          + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ConfigException(source + ": cannot be read: " + e.getMessage(), e);
    }
  }

  /** Throws at the first YAML alias: Jackson would read it as the anchor's name. */
  private static void rejectAliases(byte[] bytes, String source) throws IOException {
    try (com.fasterxml.jackson.core.JsonParser p = YAML.getFactory().createParser(bytes)) {
      while (p.nextToken() != null) {
        if (p instanceof YAMLParser y && y.isCurrentAlias()) {
          throw new ConfigException(source + ": YAML alias '*" + p.getText() + "'"
              + line(p.currentTokenLocation()) + " is not supported (it would be read as the"
              + " text \"" + p.getText() + "\"). Fix: write the value out instead of the alias");
        }
      }
    }
  }

  /** The resolved config (every default filled in) as JSON, stored in checkpoints. */
  public static String toJson(DfbkConfig c) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(c);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reads a resolved config back from a checkpoint's JSON. Checkpoints written before
   * {@code train.workers} was removed store it (resolved to 2); it is dropped, as it never had an
   * effect.
   */
  public static DfbkConfig fromJson(String json, String source) {
    if (json == null) {
      throw new ConfigException(source + ": holds no stored config (config.json); give a"
          + " checkpoint written by 'dfbk train'");
    }
    try {
      com.fasterxml.jackson.databind.JsonNode tree = JSON.readTree(json);
      if (tree.get("train") instanceof com.fasterxml.jackson.databind.node.ObjectNode train) {
        train.remove("workers");
      }
      return JSON.treeToValue(tree, DfbkConfig.class);
    } catch (JsonProcessingException e) {
      throw new ConfigException(source + ": stored config cannot be read: " + e.getOriginalMessage(), e);
    }
  }

  private static String path(JsonMappingException e, String last) {
    String p = e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining(".")).replace(".[", "[");
    if (last != null && !p.endsWith(last)) {
      p = p.isEmpty() ? last : p + "." + last;
    }
    return p;
  }

  /** The line where {@code key} is written (Jackson reports where parsing stopped instead). */
  private static String keyLine(String text, String key, JsonLocation fallback) {
    String[] lines = text.split("\\R", -1);
    java.util.regex.Pattern p = java.util.regex.Pattern.compile(
        "(^|[\\s{,-])" + java.util.regex.Pattern.quote(key) + "\\s*:");
    for (int i = 0; i < lines.length; i++) {
      String l = lines[i];
      int hash = l.indexOf('#');
      if (hash >= 0) {
        l = l.substring(0, hash);
      }
      if (p.matcher(l).find()) {
        return " (line " + (i + 1) + ")";
      }
    }
    return line(fallback);
  }

  private static JsonLocation tokenLocation(JsonMappingException e) {
    if (e.getProcessor() instanceof com.fasterxml.jackson.core.JsonParser p) {
      return p.currentTokenLocation();
    }
    return e.getLocation();
  }

  private static String line(JsonLocation loc) {
    return loc == null || loc.getLineNr() <= 0 ? "" : " (line " + loc.getLineNr() + ")";
  }

  private static String simpleType(Class<?> t) {
    if (t == null) {
      return "another type";
    }
    if (Number.class.isAssignableFrom(t) || t.isPrimitive()) {
      return "a number";
    }
    if (t == String.class) {
      return "a string";
    }
    if (java.util.List.class.isAssignableFrom(t)) {
      return "a list";
    }
    if (t == Boolean.class) {
      return "true or false";
    }
    return "a section (key: value map)";
  }
}

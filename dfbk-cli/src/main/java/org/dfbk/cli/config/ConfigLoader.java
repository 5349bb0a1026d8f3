package org.dfbk.cli.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.dfbk.core.error.ConfigException;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * YAML → {@link DfbkConfig}. Unknown keys, bad values and wrong types become a
 * {@link ConfigException} naming the file, the key path and the line: a choice that is not one of
 * its enum's values lists the allowed ones, a key written under the wrong section says where it
 * belongs, a removed key says why. After binding, {@link ConfigMapper} builds every library
 * setting once, so the network, schedule and trainer rules are checked when the file is read.
 *
 * <p>Limits for untrusted files: at most {@link #MAX_CONFIG_BYTES} bytes (checked before
 * reading), {@link #MAX_NESTING} levels of sections and lists, no duplicate keys, and no YAML
 * aliases ({@code *name}): Jackson does not expand them but reads the anchor's name as a
 * string, which would silently misread a value.
 *
 * <p>Over 400 lines because reading and locating errors are one job here: every error of binding,
 * of a record rule or of a library check is traced back to the file, key path and line it came
 * from, which needs the YAML node tree beside the bound records.
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
      .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
      .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
      .addModule(choiceSpelling())
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .disable(YAMLGenerator.Feature.SPLIT_LINES)
      .build();
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
      .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
      .addModule(choiceSpelling())
      .build();

  /**
   * Keys that were removed from the schema, with what to do instead: named in the error rather
   * than reported as a typo.
   */
  private static final Map<String, String> REMOVED_KEYS = Map.of(
      "train.workers", "was removed: it never had an effect (training batches come from the"
          + " memory-mapped slice cache on the training thread, and 'dfbk data prepare' sizes its"
          + " own thread pool). Fix: delete the line");

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

  /** Writes each choice as the docs spell it (lower case; L, H, LH; MR, CT). */
  private static SimpleModule choiceSpelling() {
    SimpleModule m = new SimpleModule("dfbk-choices");
    @SuppressWarnings({"rawtypes", "unchecked"})
    Class<Enum<?>> type = (Class) Enum.class;
    m.addSerializer(type, new StdSerializer<Enum<?>>(type) {
      @Override
      public void serialize(Enum<?> value, JsonGenerator gen, SerializerProvider provider)
          throws IOException {
        gen.writeString(ConfigValues.spell(value));
      }
    });
    return m;
  }

  /** Reads a config file. */
  public static DfbkConfig load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(
          "config file " + file + " does not exist; see configs/ for examples");
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
      throw new ConfigException(
          "bundled config " + resource + " cannot be read: " + e.getMessage(), e);
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
      checkLibraries(c, text, source);
      return c;
    } catch (UnrecognizedPropertyException e) {
      String key = path(e, e.getPropertyName());
      String line = lineOf(text, key, tokenLocation(e));
      if (REMOVED_KEYS.containsKey(key)) {
        throw new ConfigException(source + ": key '" + key + "'" + line + " "
            + REMOVED_KEYS.get(key), e);
      }
      String known = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream()
          .map(Object::toString).sorted().collect(Collectors.joining(", "));
      throw new ConfigException(source + ": unknown key '" + key + "'" + line
          + elsewhere(key) + "; allowed keys here: " + known, e);
    } catch (ValueInstantiationException e) {
      Throwable c = e.getCause();
      if (c instanceof Check.InvalidValueException iv) {
        throw new ConfigException(source + ": key '" + iv.key + "' " + iv.getMessage()
            + lineOf(text, iv.key, e.getLocation()), e);
      }
      throw new ConfigException(source + ": invalid value at '" + path(e, null) + "'"
          + line(e.getLocation()) + ": "
          + (c == null ? e.getOriginalMessage() : c.getMessage()), e);
    } catch (InvalidFormatException e) {
      String key = path(e, null);
      if (e.getTargetType() != null && e.getTargetType().isEnum()) {
        throw new ConfigException(source + ": key '" + key + "'" + lineOf(text, key,
            e.getLocation()) + " has the value '" + e.getValue() + "'; allowed: "
            + ConfigValues.allowed(e.getTargetType()) + " (any letter case)", e);
      }
      throw new ConfigException(source + ": key '" + key + "'" + line(e.getLocation())
          + " expects " + simpleType(e.getTargetType()) + ", got '" + e.getValue() + "'", e);
    } catch (MismatchedInputException e) {
      if (e.getTargetType() != null && e.getTargetType().isEnum()) {
        String key = path(e, null);
        throw new ConfigException(source + ": key '" + key + "'" + lineOf(text, key,
            e.getLocation()) + " expects one of " + ConfigValues.allowed(e.getTargetType())
            + " (any letter case)", e);
      }
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

  /**
   * Runs {@link ConfigMapper#check}: a library rule the config breaks (a window that does not
   * divide a feature map, a warm-up as long as the run) is reported with the file, the key path
   * and its line.
   */
  private static void checkLibraries(DfbkConfig c, String text, String source) {
    try {
      ConfigMapper.check(c);
    } catch (ConfigException e) {
      String library = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
      String key = ConfigMapper.firstKey(library);
      String message = e.getMessage();
      if (key == null) {
        throw new ConfigException(source + ": " + message, e);
      }
      if (message.startsWith(key)) {
        message = message.substring(key.length()).replaceFirst("^:?\\s*", "");
      }
      throw new ConfigException(source + ": key '" + key + "'" + lineOf(text, key, null) + ": "
          + message, e);
    }
  }

  /**
   * The resolved config (every default filled in) as YAML, as {@code dfbk config show} prints it.
   */
  public static String toYaml(DfbkConfig c) {
    try {
      return YAML.writeValueAsString(c);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
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
      throw new ConfigException(
          source + ": stored config cannot be read: " + e.getOriginalMessage(), e);
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

  /**
   * " (line N)" of the key path {@code dotted} in the file (block style: the key under its
   * parents by indentation; flow style: the key on its section's line), else of {@code fallback}.
   */
  static String lineOf(String text, String dotted, JsonLocation fallback) {
    String[] want = dotted.replaceAll("\\[\\d+]", "").split("\\.");
    String[] lines = text.split("\\R", -1);
    java.util.regex.Pattern keyAt = java.util.regex.Pattern.compile("^(\\s*)([A-Za-z0-9_]+)\\s*:");
    // open keys above the current line: {indent, index into want, or -1 off the path}
    java.util.List<int[]> stack = new java.util.ArrayList<>();
    int best = -1;
    for (int i = 0; i < lines.length; i++) {
      String l = lines[i];
      int hash = l.indexOf('#');
      if (hash >= 0) {
        l = l.substring(0, hash);
      }
      java.util.regex.Matcher m = keyAt.matcher(l);
      if (!m.find()) {
        continue;
      }
      int indent = m.group(1).length();
      while (!stack.isEmpty() && stack.get(stack.size() - 1)[0] >= indent) {
        stack.remove(stack.size() - 1);
      }
      int depth = stack.isEmpty() ? 0 : stack.get(stack.size() - 1)[1];
      int matched = stack.isEmpty() ? 0 : depth >= 0 ? depth + 1 : -1;
      if (matched >= 0 && matched < want.length && m.group(2).equals(want[matched])) {
        stack.add(new int[] {indent, matched});
        best = i;
        if (matched == want.length - 1) {
          return " (line " + (i + 1) + ")";
        }
        // flow style on this line: {key: value, ...}
        String restOfLine = l.substring(m.end());
        if (restOfLine.contains("{") && java.util.regex.Pattern.compile(
            "[{,]\\s*" + java.util.regex.Pattern.quote(want[want.length - 1]) + "\\s*:")
            .matcher(restOfLine).find()) {
          return " (line " + (i + 1) + ")";
        }
      } else {
        stack.add(new int[] {indent, -1});
      }
    }
    if (best >= 0 && fallback == null) {
      return " (section at line " + (best + 1) + ")";
    }
    return line(fallback);
  }

  /** Where a key that is unknown here belongs, if another section has it. */
  private static String elsewhere(String dotted) {
    String name = dotted.substring(dotted.lastIndexOf('.') + 1);
    String parent = dotted.contains(".") ? dotted.substring(0, dotted.lastIndexOf('.')) : "";
    java.util.List<String> homes = new java.util.ArrayList<>();
    for (String k : KEY_PATHS) {
      String kName = k.substring(k.lastIndexOf('.') + 1);
      String kParent = k.contains(".") ? k.substring(0, k.lastIndexOf('.')) : "";
      if (kName.equals(name) && !kParent.equals(parent)) {
        homes.add(k);
      }
    }
    if (homes.isEmpty()) {
      return "";
    }
    return "; '" + name + "' belongs " + homes.stream()
        .map(h -> h.contains(".") ? "under '" + h.substring(0, h.lastIndexOf('.')) + "' (" + h + ")"
            : "at the top level (" + h + ")")
        .collect(Collectors.joining(" or ")) + ": move it there";
  }

  /** Every key path of the schema, from the records' {@code @JsonProperty} names. */
  private static final java.util.List<String> KEY_PATHS = keyPaths(DfbkConfig.class, "");

  private static java.util.List<String> keyPaths(Class<?> record, String prefix) {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (java.lang.reflect.RecordComponent rc : record.getRecordComponents()) {
      com.fasterxml.jackson.annotation.JsonProperty p;
      try {
        p = record.getDeclaredField(rc.getName())
            .getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
      } catch (NoSuchFieldException e) {
        throw new IllegalStateException(e);
      }
      String key = prefix + (p != null ? p.value() : rc.getName());
      out.add(key);
      if (rc.getType().isRecord()) {
        out.addAll(keyPaths(rc.getType(), key + "."));
      }
    }
    return java.util.List.copyOf(out);
  }

  /** Every key path of the schema ({@code data.split.seed}, …), sections included. */
  public static java.util.List<String> keyPaths() {
    return KEY_PATHS;
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

package org.dfbk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.dfbk.data.nifti.NiftiIO;
import org.dfbk.data.volume.Volume;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Every command with {@code --json} prints exactly one JSON document on standard output and
 * nothing else (progress, "wrote ..." lines, warnings and errors go to the error stream), on small
 * generated inputs. A command that gains {@code --json} without a case here fails
 * {@link #everyCommandWithJsonHasACase}.
 */
class JsonOutputCliTest {
  /** Strict JSON: no NaN or Infinity, nothing but whitespace after the document. */
  private static final ObjectMapper STRICT =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  @TempDir static Path tmp;

  private static Path phantom;
  private static Path tinyConfig;
  private static Path noFiniteVoxels;
  private static Path runA;
  private static Path runB;

  /**
   * One run of {@code command} (the words before the options, as picocli names it) with
   * {@code options} and {@code --json}; {@code check} looks at the parsed document and stderr.
   */
  record Case(String command, String label, int exitCode, List<String> options,
      Check check) {
    String[] args() {
      List<String> a = new ArrayList<>(Arrays.asList(command.split(" ")));
      a.addAll(options);
      a.add("--json");
      return a.toArray(String[]::new);
    }

    @Override
    public String toString() {
      return label;
    }
  }

  interface Check {
    void accept(JsonNode doc, String err);
  }

  @BeforeAll
  static void inputs() throws IOException {
    phantom = tmp.resolve("phantom");
    Datasets.writePhantom(phantom, 2, 32, 16, 0);
    tinyConfig = tmp.resolve("tiny.yaml");
    Files.writeString(tinyConfig, String.join("\n",
        "name: tiny-json",
        "data: {layout: phantom, root: phantom, source: T1, target: T2, slices_per_subject: 4,",
        "       image_size: 16, cache: cache}",
        "model: {image_size: 16, channels: 32, channel_mult: [1, 2], num_res_blocks: 1,",
        "        attention_resolutions: [8], swin_embed_dim: 32, head_channels: 32,",
        "        window_size: 4, dfb: {mode: none}, kg: {mode: none}}",
        "train: {batch_size: 2}",
        ""));
    float[] nan = new float[4 * 4 * 4];
    Arrays.fill(nan, Float.NaN);
    double[][] eye = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}};
    noFiniteVoxels = tmp.resolve("no-finite.nii");
    NiftiIO.writeFloat32(noFiniteVoxels, new Volume(4, 4, 4, nan, new double[] {1, 1, 1}, eye),
        null);
    runA = slicesCsv(tmp.resolve("runs/a/eval"), 20.5, 0.61);
    runB = slicesCsv(tmp.resolve("runs/b/eval"), 21.5, 0.71);
  }

  /** A run folder whose slices.csv holds three DFBK slices of one subject. */
  private static Path slicesCsv(Path dir, double psnr, double ssim) throws IOException {
    Files.createDirectories(dir);
    StringBuilder csv = new StringBuilder(
        "task,method,subject,slice,psnr,ssim,mae,masked_psnr,masked_ssim,masked_mae\n");
    for (int s = 0; s < 3; s++) {
      csv.append("T1→T2,DFBK,s1,").append(s).append(',').append(psnr + s).append(',')
          .append(ssim + 0.01 * s).append(",0.1,20,0.5,0.2\n");
    }
    Files.writeString(dir.resolve("slices.csv"), csv);
    return dir;
  }

  static Stream<Case> cases() {
    Path t1 = phantom.resolve("phantom-000/T1.nii.gz");
    return Stream.of(
        new Case("info", "info", 0, List.of(),
            (doc, err) -> assertTrue(doc.get("intraOpThreads").isInt(), doc.toString())),
        new Case("data inspect", "data inspect, a volume without finite voxels", 0,
            List.of(t1.toString(), noFiniteVoxels.toString()), (doc, err) -> {
              assertEquals(2, doc.size(), doc.toString());
              assertEquals("nan", doc.get(1).get("p99_5").asText(), doc.toString());
            }),
        new Case("data inspect", "data inspect, one unreadable file", ExitCode.DATA,
            List.of(t1.toString(), tmp.resolve("missing.nii.gz").toString()), (doc, err) -> {
              assertEquals(1, doc.size(), doc.toString());
              assertTrue(err.contains("missing.nii.gz"), "the error is on stderr: " + err);
            }),
        new Case("model summary", "model summary", 0,
            List.of("--config", tinyConfig.toString()),
            (doc, err) -> assertTrue(doc.get("parameters").get("total").asLong() > 0,
                doc.toString())),
        new Case("eval", "eval --pred with baselines", 0,
            List.of("--pred", phantom.toString(), "--glob", "PD.nii.gz", "--truth",
                phantom.toString(), "--truth-name", "T2.nii.gz", "--source-name", "T1.nii.gz",
                "-o", tmp.resolve("eval-out").toString()), (doc, err) -> {
              assertEquals(Set.of("DFBK", "Identity", "HistMatch"), labels(doc), doc.toString());
              assertTrue(err.contains("wrote") && err.contains("eval-out"),
                  "what was written is reported on stderr: " + err);
            }),
        new Case("eval", "eval --compare", 0,
            List.of("--compare", runA.toString(), runB.toString(), "-o",
                tmp.resolve("compare-out").toString()), (doc, err) -> {
              assertEquals(3, doc.get("rows").get(0).get("n").asInt(), doc.toString());
              assertTrue(err.contains("wrote"), err);
            }),
        new Case("eval", "eval --ablation", 0,
            List.of("--ablation", runA.toString(), runB.toString(), "-o",
                tmp.resolve("ablation-out").toString()),
            (doc, err) -> assertEquals(Set.of("a", "b"), labels(doc), doc.toString())),
        new Case("config show", "config show, tiny config", 0,
            List.of("--config", tinyConfig.toString()),
            (doc, err) -> {
              assertEquals("none", doc.get("model").get("dfb").get("mode").asText(),
                  doc.toString());
              assertEquals(16, doc.get("model").get("image_size").asInt(), doc.toString());
              assertEquals("MR", doc.get("data").get("target_kind").asText(), doc.toString());
              assertEquals("phantom", doc.get("data").get("layout").asText(), doc.toString());
            }),
        new Case("bench", "bench, tiny config, one repeat", 0,
            List.of("--config", tinyConfig.toString(), "--repeats", "1", "--warmup", "0"),
            (doc, err) -> {
              assertTrue(doc.get("threads").isInt(), "threads is a number: " + doc);
              assertTrue(doc.get("trainStepMs").isNumber(), doc.toString());
            }));
  }

  private static Set<String> labels(JsonNode table) {
    Set<String> labels = new TreeSet<>();
    table.get("rows").forEach(r -> labels.add(r.get("label").asText()));
    return labels;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void stdoutIsOneJsonDocument(Case c) {
    CliTest.Result r = CliTest.run(c.args());
    assertEquals(c.exitCode(), r.code(), String.join(" ", c.args()) + "\nstderr:\n" + r.err());
    JsonNode doc = oneJsonDocument(r.out(), String.join(" ", c.args()));
    c.check().accept(doc, r.err());
  }

  @Test
  void everyCommandWithJsonHasACase() {
    Set<String> withJson = new TreeSet<>();
    collectCommandsWithJson(Cli.create(new PrintWriter(new StringWriter()),
        new PrintWriter(new StringWriter())), withJson);
    Set<String> covered = cases().map(Case::command).collect(Collectors.toCollection(TreeSet::new));
    assertFalse(withJson.isEmpty(), "no command with --json found");
    assertEquals(withJson, covered, "commands with --json vs the commands this test runs");
  }

  private static void collectCommandsWithJson(CommandLine cl, Set<String> out) {
    if (cl.getCommandSpec().findOption("--json") != null) {
      out.add(cl.getCommandSpec().qualifiedName(" ").replaceFirst("^dfbk ?", ""));
    }
    cl.getSubcommands().values().forEach(sub -> collectCommandsWithJson(sub, out));
  }

  /** Log output goes to standard error only, whatever the command. */
  @Test
  void everyLogAppenderWritesToStandardError() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    int appenders = 0;
    for (Logger logger : context.getLoggerList()) {
      for (Iterator<Appender<ILoggingEvent>> it = logger.iteratorForAppenders(); it.hasNext(); ) {
        Appender<ILoggingEvent> a = it.next();
        assertTrue(a instanceof ConsoleAppender<ILoggingEvent> console
                && "System.err".equals(console.getTarget()),
            "appender " + a.getName() + " of logger " + logger.getName() + " writes to "
                + (a instanceof ConsoleAppender<ILoggingEvent> console ? console.getTarget()
                    : a.getClass().getName()));
        appenders++;
      }
    }
    assertTrue(appenders > 0, "logback.xml configures an appender");
  }

  /**
   * The one JSON document (an object or an array) that {@code stdout} holds, with nothing but
   * whitespace after it; fails naming {@code what} and quoting the output otherwise.
   */
  static JsonNode oneJsonDocument(String stdout, String what) {
    JsonNode doc;
    try {
      doc = STRICT.readTree(stdout);
    } catch (JsonProcessingException e) {
      return fail(what + ": standard output is not one JSON document: " + e.getOriginalMessage()
          + "\n--- stdout ---\n" + stdout);
    }
    assertTrue(doc != null && doc.isContainerNode(),
        what + ": no JSON object or array on standard output:\n" + stdout);
    try (JsonParser p = STRICT.createParser(stdout)) {
      STRICT.readTree(p);
      String rest = stdout.substring((int) p.currentLocation().getCharOffset());
      assertTrue(rest.isBlank(), what + ": after the JSON document: " + rest);
    } catch (IOException e) {
      return fail(what + ": " + e.getMessage());
    }
    return doc;
  }
}

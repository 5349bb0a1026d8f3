package org.dfbk.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.dfbk.cli.Cli;
import org.dfbk.cli.ExitCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark job in local mode (two task threads, two attempts per task) on phantom volumes with
 * a tiny checkpoint trained here, against {@code dfbk translate} on the same files in the same
 * JVM.
 */
class TranslateJobTest {
  @TempDir static Path tmp;

  private static SparkSession spark;
  private static Path checkpoint;
  private static Path cohort;
  private static Path reference;

  record Run(int code, String out, String err, List<Row> rows, String report) {}

  @BeforeAll
  static void setUp() throws IOException {
    Path ph = tmp.resolve("phantom");
    Run phantom = cli("phantom", "--output", ph.toString(), "--subjects", "3", "--size", "32",
        "--slices", "16");
    assertEquals(0, phantom.code(), phantom.err());
    Path cfg = Files.writeString(tmp.resolve("tiny.yaml"), String.join("\n",
        "name: tiny",
        "data: {layout: paired, root: " + ph + ", source: T1, target: T2, slices_per_subject: 4,",
        "       image_size: 32, cache: " + tmp.resolve("cache")
            + ", split: {train: 0.34, val: 0.33}}",
        "model: {image_size: 32, channels: 32, channel_mult: [1, 2], num_res_blocks: 1,",
        "        attention_resolutions: [16], swin_embed_dim: 32, head_channels: 32,"
            + " window_size: 8,",
        "        dfb: {mode: none}, kg: {mode: none}}",
        "train: {batch_size: 2, lr: 2.0e-4, max_steps: 2, log_every: 1, val_every: 2,",
        "        checkpoint_every: 2, val_slices: 2}",
        ""));
    Run train = cli("train", "--config", cfg.toString(), "--output", tmp.resolve("run").toString());
    assertEquals(0, train.code(), train.err());
    checkpoint = tmp.resolve("run/checkpoints/last.zip");

    // the cohort: three subjects' T1 and one file that is not gzip'd NIfTI at all
    cohort = tmp.resolve("cohort");
    for (String s : new String[] {"phantom-000", "phantom-001", "phantom-002"}) {
      Files.createDirectories(cohort.resolve(s));
      Files.copy(ph.resolve(s + "/T1.nii.gz"), cohort.resolve(s + "/T1.nii.gz"));
    }
    Files.createDirectories(cohort.resolve("broken"));
    Files.write(cohort.resolve("broken/T1.nii.gz"), new byte[] {31, -117, 8, 0, 1, 2, 3});

    reference = tmp.resolve("reference");
    Run ref = cli("translate", "--checkpoint", checkpoint.toString(), "--devices=cpu", "--input",
        cohort.toString(), "--output", reference.toString(), "--samples", "2", "--batch", "16",
        "--keep-going");
    assertEquals(ExitCode.DATA, ref.code(), "the broken file fails: " + ref.err());

    spark = SparkSession.builder().master("local[2,2]").appName("dfbk-spark-test")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
        .getOrCreate();
  }

  @AfterAll
  static void tearDown() {
    if (spark != null) {
      spark.stop();
    }
  }

  private static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Cli.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString(), List.of(), null);
  }

  private static Run job(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of("--checkpoint", checkpoint.toString(), "--batch",
        "16"));
    all.addAll(List.of(args));
    TranslateJob.Result r = TranslateJob.run(spark, all.toArray(String[]::new),
        new PrintWriter(out), new PrintWriter(err));
    return new Run(r.exitCode(), out.toString(), err.toString(), r.rows(), r.report());
  }

  private static Map<String, Row> byInput(List<Row> rows) {
    Map<String, Row> m = new HashMap<>();
    for (Row r : rows) {
      m.put(Path.of(r.getString(0)).getParent().getFileName().toString(), r);
    }
    return m;
  }

  /** Every file under {@code dir}, relative, except the result manifests. */
  private static List<String> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString())
          .filter(p -> !p.startsWith("_dfbk-runs/")).sorted().collect(Collectors.toList());
    }
  }

  private static final List<String> EXPECTED = List.of("phantom-000/T1.nii.gz",
      "phantom-000/T1_std.nii.gz", "phantom-001/T1.nii.gz", "phantom-001/T1_std.nii.gz",
      "phantom-002/T1.nii.gz", "phantom-002/T1_std.nii.gz");

  private static void assertSameAsReference(Path out, String what) throws IOException {
    // The same files through the same flow, network, seed and batch in the same JVM (same
    // engine, same kernels, one intra-op thread): equal bytes by construction.
    for (String f : EXPECTED) {
      assertArrayEquals(Files.readAllBytes(reference.resolve(f)),
          Files.readAllBytes(out.resolve(f)), what + ": " + f + " differs from dfbk translate's");
    }
  }

  @Test
  void cohortMatchesDfbkTranslateLoadsTheModelOnceAndReportsTheBadFile() throws IOException {
    Path out = tmp.resolve("spark-out");
    int loadsBefore = ModelCache.loads();
    Run r = job("--input", cohort.toString(), "--output", out.toString(), "--samples", "2");
    assertEquals(ExitCode.DATA, r.code(), "one file failed: " + r.err());
    assertEquals(1, ModelCache.loads() - loadsBefore,
        "one model load for 4 files in 4 tasks on this executor JVM");
    assertEquals(EXPECTED, files(out), "outputs only, no staging or temporary file left");
    assertSameAsReference(out, "spark");

    Map<String, Row> rows = byInput(r.rows());
    assertEquals(4, r.rows().size());
    for (String s : new String[] {"phantom-000", "phantom-001", "phantom-002"}) {
      assertEquals("translated", rows.get(s).getString(1), rows.get(s).toString());
      assertEquals(out.resolve(s + "/T1.nii.gz").toUri().getPath(),
          Path.of(java.net.URI.create(rows.get(s).getString(2)).getPath()).toUri().getPath());
      assertTrue(rows.get(s).getInt(7) > 0, "slices translated");
    }
    Row bad = rows.get("broken");
    assertEquals("failed", bad.getString(1));
    // the message dfbk translate gives for the same file
    String cliLine = Arrays.stream(cli("translate", "--checkpoint", checkpoint.toString(),
        "--devices=cpu", "--input", cohort.resolve("broken/T1.nii.gz").toString(), "--output",
        tmp.resolve("cli-bad").toString()).err().split("\n"))
        .filter(l -> l.contains("broken")).findFirst().orElseThrow();
    assertTrue(cliLine.endsWith(bad.getString(4)),
        "CLI: " + cliLine + "\nspark: " + bad.getString(4));
    assertTrue(bad.getString(4).contains("broken/T1.nii.gz") && bad.getString(4).contains("gzip"),
        bad.getString(4));
    assertTrue(r.err().contains("1 file(s) failed") && r.err().contains("broken/T1.nii.gz"),
        r.err());
    assertTrue(r.out().contains("translated 3, skipped 0, failed 1 of 4 files"), r.out());

    // the manifests: CSV with a header and one line per input; Parquet with the same rows
    Path report = Path.of(java.net.URI.create(r.report()).getPath());
    List<String> csv = Files.readAllLines(report.resolve("results.csv"));
    assertEquals("path,status,output,seconds,error,executor,attempt,slices,warnings", csv.get(0));
    assertEquals(5, csv.size(), String.join("\n", csv));
    List<Row> parquet = spark.read().parquet(r.report() + "/results.parquet").collectAsList();
    assertEquals(4, parquet.size());
    assertEquals(1, parquet.stream().filter(x -> x.getString(1).equals("failed")).count());

    // a re-run skips every complete output (and the bad file fails again), writing nothing
    Map<String, FileTime> times = new HashMap<>();
    for (String f : EXPECTED) {
      times.put(f, Files.getLastModifiedTime(out.resolve(f)));
    }
    int loads = ModelCache.loads();
    Run again = job("--input", cohort.toString(), "--output", out.toString(), "--samples", "2");
    assertEquals(ExitCode.DATA, again.code(), again.err());
    Map<String, Row> second = byInput(again.rows());
    for (String s : new String[] {"phantom-000", "phantom-001", "phantom-002"}) {
      assertEquals("skipped", second.get(s).getString(1), second.get(s).toString());
    }
    assertEquals("failed", second.get("broken").getString(1));
    for (String f : EXPECTED) {
      assertEquals(times.get(f), Files.getLastModifiedTime(out.resolve(f)), f + " untouched");
    }
    assertEquals(loads, ModelCache.loads(), "the cached model is reused by the next job");

    // a truncated output is not complete: translated again; --overwrite translates all
    byte[] whole = Files.readAllBytes(out.resolve("phantom-001/T1.nii.gz"));
    Files.write(out.resolve("phantom-001/T1.nii.gz"), Arrays.copyOf(whole, whole.length / 2));
    Run repair = job("--input", cohort.toString(), "--output", out.toString(), "--samples", "2",
        "--glob", "T1.nii.gz");
    Map<String, Row> third = byInput(repair.rows());
    assertEquals("translated", third.get("phantom-001").getString(1));
    assertEquals("skipped", third.get("phantom-000").getString(1));
    assertSameAsReference(out, "repaired");
    Run forced = job("--input", cohort.resolve("phantom-000/T1.nii.gz").toString(), "--output",
        out.resolve("phantom-000").toString(), "--samples", "2", "--overwrite");
    assertEquals("translated", forced.rows().get(0).getString(1), "a complete output, overwritten");
    assertSameAsReference(out, "overwritten");
  }

  @Test
  void aTaskThatDiesOnItsFirstAttemptIsRetriedAndLeavesNoPartialFile() throws IOException {
    Path in = tmp.resolve("retry-in");
    Files.createDirectories(in.resolve("phantom-001"));
    Files.copy(cohort.resolve("phantom-001/T1.nii.gz"), in.resolve("phantom-001/T1.nii.gz"));
    Path out = tmp.resolve("retry-out");
    spark.conf().set(JobSettings.FAULT_INJECTION_KEY, "T1.nii.gz");
    Run r;
    try {
      r = job("--input", in.toString(), "--output", out.toString(), "--samples", "2");
    } finally {
      spark.conf().unset(JobSettings.FAULT_INJECTION_KEY);
    }
    assertEquals(0, r.code(), r.err());
    Row row = r.rows().get(0);
    assertEquals("translated", row.getString(1));
    assertEquals(1, row.getInt(6), "translated by the second attempt");
    assertEquals(List.of("phantom-001/T1.nii.gz", "phantom-001/T1_std.nii.gz"), files(out),
        "the first attempt's staged files are gone");
    assertFalse(Files.exists(out.resolve("_dfbk-staging")), "staging folder removed");
    for (String f : List.of("phantom-001/T1.nii.gz", "phantom-001/T1_std.nii.gz")) {
      assertArrayEquals(Files.readAllBytes(reference.resolve(f)),
          Files.readAllBytes(out.resolve(f)), f);
    }
  }

  @Test
  void manifestListsFilesRelativeToItsFolderAndAMissingOneFails() throws IOException {
    Path list = tmp.resolve("lists/cohort.csv");
    Files.createDirectories(list.getParent());
    Files.writeString(list, String.join("\n", "subject,scan",
        "a,../cohort/phantom-000/T1.nii.gz",
        "b," + cohort.resolve("phantom-002/T1.nii.gz"),
        "c,../cohort/phantom-009/T1.nii.gz", ""));
    Path out = tmp.resolve("manifest-out");
    Run r = job("--input", list.toString(), "--path-column", "scan", "--output", out.toString());
    assertEquals(ExitCode.DATA, r.code(), r.err());
    Map<String, Row> rows = byInput(r.rows());
    assertEquals("translated", rows.get("phantom-000").getString(1));
    assertEquals("translated", rows.get("phantom-002").getString(1));
    assertEquals("failed", rows.get("phantom-009").getString(1));
    assertTrue(rows.get("phantom-009").getString(4).contains("phantom-009/T1.nii.gz"),
        rows.get("phantom-009").getString(4));
    // outputs mirror the paths below the deepest folder common to the listed files
    assertEquals(List.of("phantom-000/T1.nii.gz", "phantom-002/T1.nii.gz"), files(out));
    assertNotNull(Files.readAllBytes(out.resolve("phantom-000/T1.nii.gz")));

    Run noColumn = job("--input", list.toString(), "--output", out.toString());
    assertEquals(ExitCode.USAGE, noColumn.code());
    assertTrue(noColumn.err().contains("no column 'path'") && noColumn.err().contains("scan"),
        noColumn.err());
  }

  @Test
  void outputsThatWouldReplaceInputsStopTheJobBeforeAnyTask() throws IOException {
    Path dir = tmp.resolve("same");
    Files.createDirectories(dir);
    Files.copy(cohort.resolve("phantom-000/T1.nii.gz"), dir.resolve("T1.nii.gz"));
    byte[] before = Files.readAllBytes(dir.resolve("T1.nii.gz"));
    Run r = job("--input", dir.toString(), "--output", dir.toString());
    assertEquals(ExitCode.DATA, r.code(), r.err());
    assertTrue(r.err().contains("would overwrite the input") && r.err().contains("T1.nii.gz"),
        r.err());
    assertArrayEquals(before, Files.readAllBytes(dir.resolve("T1.nii.gz")));
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(1, s.count(), "nothing written");
    }
  }
}

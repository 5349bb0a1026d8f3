package org.dfbk.spark;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.dfbk.cli.ExitCode;
import org.dfbk.cli.TranslateOptions;
import org.dfbk.core.error.ConfigException;
import org.dfbk.core.error.DfbkException;
import org.dfbk.train.loop.Checkpoints;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Cohort translation on Spark: every NIfTI file of a folder, glob or manifest on any Hadoop file
 * system, one task per file (or per {@code --files-per-task} files), each through the flow of
 * {@code dfbk translate} ({@link org.dfbk.train.infer.FileTranslator}). Each executor JVM loads the
 * checkpoint once ({@link ModelCache}); a task with a GPU ({@code spark.task.resource.gpu.amount})
 * uses it. Outputs are committed atomically; a re-run skips files whose outputs are complete.
 *
 * <pre>
 * spark-submit --class org.dfbk.spark.TranslateJob dfbk-spark.jar \
 *   --checkpoint hdfs:///runs/brats/checkpoints/best.zip \
 *   --input hdfs:///scans --glob '*t1n.nii.gz' --output hdfs:///translated
 * </pre>
 */
@Command(name = "dfbk-spark translate", mixinStandardHelpOptions = true,
    description = {"Translate a cohort of NIfTI files on Spark with a trained checkpoint.",
        "Input: a NIfTI file, a folder (searched recursively), a glob, or a manifest (.csv or",
        ".parquet) with a column of paths; any Hadoop file system URI. Outputs mirror the input",
        "paths under --output; results (one row per input) go to --report as results.csv and",
        "results.parquet. --strict refuses each file unlike the training data on its own (failed,",
        "nothing written for it). Exit codes: 0 all translated or skipped, 2 usage or",
        "configuration error, 3 some files failed (the others are translated)."})
public final class TranslateJob implements Callable<Integer> {
  @Option(names = "--checkpoint", required = true, paramLabel = "URI",
      description = "Checkpoint (.zip).")
  String checkpoint;

  @Option(names = {"-i", "--input"}, required = true, paramLabel = "URI",
      description = "NIfTI file, folder, glob, or manifest (.csv or .parquet).")
  String input;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "URI",
      description = "Output folder.")
  String output;

  @Option(names = "--path-column", defaultValue = "path", paramLabel = "NAME",
      description = "With a manifest: the column of file paths (default path); relative paths are"
          + " relative to the manifest's folder.")
  String pathColumn;

  @Mixin TranslateOptions options;

  @Option(names = "--overwrite",
      description = "Translate files whose outputs exist and are complete (default: skip them).")
  boolean overwrite;

  @Option(names = "--files-per-task", defaultValue = "1", paramLabel = "N",
      description = "Files per Spark task (default 1).")
  int filesPerTask;

  @Option(names = "--report", paramLabel = "URI",
      description = "Folder of the result manifest (default: OUTPUT/_dfbk-runs/<run id>).")
  String report;

  @Option(names = "--threads", paramLabel = "T",
      description = "PyTorch threads per executor JVM (default: its cores / its concurrent tasks).")
  Integer threads;

  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master when run without spark-submit (e.g. local[2]);"
          + " spark-submit sets it.")
  String master;

  private SparkSession spark;
  private PrintWriter out;
  private PrintWriter err;

  /** What a run did: its exit code and result rows (empty when it stopped before the tasks). */
  public record Result(int exitCode, List<Row> rows, String report) {}

  private Result result;

  /** spark-submit's entry point; exits with the run's code. */
  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    System.exit(run(null, args, out, err).exitCode());
  }

  /**
   * Runs the job with {@code args} on {@code session}, or on the session that the arguments and
   * the Spark configuration (spark-submit) describe when {@code session} is null, which is then
   * stopped at the end.
   */
  public static Result run(SparkSession session, String[] args, PrintWriter out, PrintWriter err) {
    TranslateJob job = new TranslateJob();
    job.spark = session;
    job.out = out;
    job.err = err;
    CommandLine cl = new CommandLine(job);
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((ex, c, pr) -> {
      if (ex instanceof DfbkException d) {
        err.println("dfbk-spark: error: " + d.getMessage());
        err.flush();
        return ExitCode.of(d);
      }
      throw ex;
    });
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return job.result != null && code == job.result.exitCode() ? job.result
        : new Result(code, List.of(), null);
  }

  @Override
  public Integer call() throws IOException {
    options.validate();
    if (filesPerTask < 1) {
      throw new ConfigException("--files-per-task must be >= 1, got " + filesPerTask);
    }
    if (threads != null && threads < 1) {
      throw new ConfigException("--threads must be >= 1, got " + threads);
    }
    boolean own = spark == null;
    if (own) {
      SparkConf conf = new SparkConf().setAppName("dfbk translate");
      if (master != null) {
        conf.setMaster(master);
      } else if (!conf.contains("spark.master")) {
        throw new ConfigException("no Spark master: run with spark-submit (which sets it), or"
            + " give --master (e.g. --master local[2] to run on this machine)");
      }
      spark = SparkSession.builder().config(conf).getOrCreate();
    }
    try {
      result = translate();
      return result.exitCode();
    } finally {
      if (own) {
        spark.stop();
      }
    }
  }

  private Result translate() throws IOException {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Configuration conf = sc.hadoopConfiguration();
    String runId = "translate-" + ZonedDateTime.now(ZoneOffset.UTC)
        .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)) + "-"
        + sc.sc().applicationId().replaceAll("[^A-Za-z0-9]", "");
    Path outRoot = new Path(output);
    outRoot = outRoot.getFileSystem(conf).makeQualified(outRoot);
    String reportDir =
        report != null ? report : new Path(outRoot, "_dfbk-runs/" + runId).toString();
    String staging = new Path(outRoot, "_dfbk-staging/" + runId).toString();

    List<WorkItem> items = InputPlan.plan(spark, conf, input, options.glob(), pathColumn,
        outRoot.toString(), options.outputName(), options.samples() > 1);
    Path ckpt = new Path(checkpoint);
    String ckptUri = ckpt.getFileSystem(conf).makeQualified(ckpt).toString();
    String fingerprint = checkCheckpoint(ckptUri, conf);
    String fault = spark.conf().get(JobSettings.FAULT_INJECTION_KEY, null);
    JobSettings s = new JobSettings(ckptUri, fingerprint, options.batch(), options.samples(),
        options.seed(), options.volume(), options.strict(), options.flip(), overwrite, staging,
        threads != null ? threads : defaultThreads(spark.sparkContext().getConf()), fault);
    int slices = (items.size() + filesPerTask - 1) / filesPerTask;
    err.printf(Locale.ROOT, "dfbk-spark: %d file(s) in %d task(s); checkpoint %s (SHA-256 %s…)%n",
        items.size(), slices, ckptUri, fingerprint.substring(0, 12));
    err.flush();
    HadoopConf hadoop = new HadoopConf(conf);
    long t0 = System.nanoTime();
    List<Row> rows;
    try {
      JavaRDD<WorkItem> work = sc.parallelize(items, slices);
      rows = work.mapPartitions(it -> FileTask.run(it, s, hadoop)).collect();
    } finally {
      // what attempts that died (or lost to a speculative copy) left staged
      Storage.deleteRecursively(staging, conf);
      Path parent = new Path(staging).getParent();
      org.apache.hadoop.fs.FileSystem fs = parent.getFileSystem(conf);
      if (fs.exists(parent) && fs.listStatus(parent).length == 0) {
        fs.delete(parent, false);
      }
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    spark.createDataFrame(rows, ResultRows.SCHEMA).coalesce(1).write().mode("overwrite")
        .parquet(reportDir + "/results.parquet");
    ResultRows.writeCsv(rows, reportDir + "/results.csv", conf);
    return summarise(rows, secs, outRoot.toString(), reportDir);
  }

  /**
   * The SHA-256 of the checkpoint's bytes, after checking on the driver that it is a dfbk
   * checkpoint (its state and config read), so that a wrong path fails the job at once instead
   * of every task.
   */
  private static String checkCheckpoint(String uri, Configuration conf) throws IOException {
    java.nio.file.Path tmp = null;
    try {
      java.nio.file.Path local;
      if (Storage.isLocal(uri, conf)) {
        local = Storage.localPath(uri);
        if (!java.nio.file.Files.isRegularFile(local)) {
          throw new org.dfbk.core.error.DataException("checkpoint " + uri + " does not exist;"
              + " give a .zip from a run's checkpoints/ folder (e.g."
              + " runs/NAME/checkpoints/best.zip)");
        }
      } else {
        if (!Storage.exists(uri, conf)) {
          throw new org.dfbk.core.error.DataException("checkpoint " + uri + " does not exist;"
              + " give a .zip from a run's checkpoints/ folder");
        }
        tmp = java.nio.file.Files.createTempDirectory("dfbk-checkpoint-");
        local = Storage.local(uri, tmp, conf);
      }
      Checkpoints.readState(local);
      Checkpoints.readConfig(local);
      return Storage.sha256(local);
    } finally {
      Storage.deleteLocal(tmp);
    }
  }

  /**
   * PyTorch threads per executor JVM. {@code local[N]}: the machine's cores less one (OpenMP's
   * spinning threads stall when a team as large as the machine shares it with anything else, the
   * driver included; see BENCHMARKS.md) divided by the N concurrent tasks, at least 1. A cluster:
   * spark.task.cpus, the cores Spark reserves for each task.
   */
  static int defaultThreads(SparkConf conf) {
    String master = conf.get("spark.master", "");
    Matcher m = Pattern.compile("local(?:\\[(\\d+|\\*)(?:,\\d+)?])?").matcher(master);
    int cores = Runtime.getRuntime().availableProcessors();
    if (m.matches()) {
      int slots = m.group(1) == null ? 1 : m.group(1).equals("*") ? cores
          : Integer.parseInt(m.group(1));
      return Math.max(1, (cores - 1) / Math.max(1, slots));
    }
    return Math.max(1, conf.getInt("spark.task.cpus", 1));
  }

  private Result summarise(List<Row> rows, double secs, String outRoot, String reportDir) {
    Map<String, Integer> counts = new TreeMap<>();
    List<String> failures = new ArrayList<>();
    int translated = 0;
    for (Row r : rows) {
      String status = r.getString(1);
      counts.merge(status, 1, Integer::sum);
      if (status.equals(ResultRows.FAILED)) {
        failures.add(r.getString(0) + ": " + r.getString(4));
      } else if (status.equals(ResultRows.TRANSLATED)) {
        translated++;
      }
    }
    out.printf(Locale.ROOT, "translated %d, skipped %d, failed %d of %d files into %s in %.1f s"
        + " (%.3f files/s translated)%n", translated, counts.getOrDefault(ResultRows.SKIPPED, 0),
        failures.size(), rows.size(), outRoot, secs, translated / Math.max(secs, 1e-9));
    out.println("results: " + reportDir + "/results.csv and " + reportDir + "/results.parquet");
    if (!failures.isEmpty()) {
      err.println("dfbk-spark: " + failures.size() + " file(s) failed:");
      failures.forEach(f -> err.println("  " + f));
    }
    out.flush();
    err.flush();
    return new Result(failures.isEmpty() ? ExitCode.OK : ExitCode.DATA, rows, reportDir);
  }
}

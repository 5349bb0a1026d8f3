package org.dfbk.train.loop;

import com.google.gson.Gson;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Appends training and validation rows to {@code metrics.jsonl} (one JSON object per line, with a
 * "kind" of "train", "validation" or "blocks") and to {@code train.csv} / {@code validation.csv}
 * / {@code blocks.csv} (step, name, value: the {@link BlockWatch} readings) in the run directory.
 * Rows are flushed as written; a resumed run appends.
 */
final class MetricsLog implements AutoCloseable {
  private static final Gson GSON = new Gson();
  private final BufferedWriter jsonl;
  private final BufferedWriter trainCsv;
  private final Path validationCsvPath;
  private final Path blocksCsvPath;
  private BufferedWriter blocksCsv;
  private BufferedWriter validationCsv;
  private List<String> validationColumns;

  MetricsLog(Path runDirectory) {
    try {
      Files.createDirectories(runDirectory);
      jsonl = open(runDirectory.resolve("metrics.jsonl"));
      Path trainCsvPath = runDirectory.resolve("train.csv");
      boolean fresh = !Files.exists(trainCsvPath) || Files.size(trainCsvPath) == 0;
      trainCsv = open(trainCsvPath);
      if (fresh) {
        trainCsv.write("step,loss,lr,grad_norm,it_per_s,eta_s,loss_scale\n");
        trainCsv.flush();
      }
      validationCsvPath = runDirectory.resolve("validation.csv");
      blocksCsvPath = runDirectory.resolve("blocks.csv");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the metrics files in " + runDirectory, e);
    }
  }

  private static BufferedWriter open(Path p) throws IOException {
    return Files.newBufferedWriter(p, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  void train(long step, double loss, double lr, double gradNorm, double itPerSecond,
      double etaSeconds, double lossScale) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("kind", "train");
    row.put("step", step);
    row.put("loss", finiteOrNull(loss));
    row.put("lr", lr);
    row.put("grad_norm", finiteOrNull(gradNorm));
    row.put("it_per_s", finiteOrNull(itPerSecond));
    row.put("eta_s", finiteOrNull(etaSeconds));
    row.put("loss_scale", lossScale);
    try {
      jsonl.write(GSON.toJson(row));
      jsonl.write('\n');
      jsonl.flush();
      trainCsv.write(String.format(Locale.ROOT, "%d,%.8g,%.6g,%.6g,%.4g,%.1f,%.6g%n", step, loss,
          lr, gradNorm, itPerSecond, etaSeconds, lossScale));
      trainCsv.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the training metrics", e);
    }
  }

  /** The {@link BlockWatch} readings at {@code step}. */
  void blocks(long step, Map<String, Double> values) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("kind", "blocks");
    row.put("step", step);
    values.forEach((k, v) -> row.put(k, finiteOrNull(v)));
    try {
      jsonl.write(GSON.toJson(row));
      jsonl.write('\n');
      jsonl.flush();
      if (blocksCsv == null) {
        boolean fresh = !Files.exists(blocksCsvPath) || Files.size(blocksCsvPath) == 0;
        blocksCsv = open(blocksCsvPath);
        if (fresh) {
          blocksCsv.write("step,name,value\n");
        }
      }
      for (Map.Entry<String, Double> e : values.entrySet()) {
        blocksCsv.write(String.format(Locale.ROOT, "%d,%s,%.8g%n", step, e.getKey(),
            e.getValue()));
      }
      blocksCsv.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the block readings", e);
    }
  }

  void validation(long step, ValidationResult result) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("kind", "validation");
    row.put("step", step);
    row.put("psnr", finiteOrNull(result.psnr()));
    result.metrics().forEach((k, v) -> row.put(k, finiteOrNull(v)));
    try {
      jsonl.write(GSON.toJson(row));
      jsonl.write('\n');
      jsonl.flush();
      if (validationCsv == null) {
        boolean fresh = !Files.exists(validationCsvPath) || Files.size(validationCsvPath) == 0;
        validationCsv = open(validationCsvPath);
        validationColumns = new ArrayList<>(result.metrics().keySet());
        if (fresh) {
          validationCsv.write("step,psnr" + (validationColumns.isEmpty() ? ""
              : "," + String.join(",", validationColumns)) + "\n");
        }
      }
      StringBuilder line = new StringBuilder().append(step).append(',')
          .append(String.format(Locale.ROOT, "%.6f", result.psnr()));
      for (String c : validationColumns) {
        Double v = result.metrics().get(c);
        line.append(',').append(v == null ? "" : String.format(Locale.ROOT, "%.6g", v));
      }
      validationCsv.write(line.append('\n').toString());
      validationCsv.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the validation metrics", e);
    }
  }

  private static Object finiteOrNull(double v) {
    return Double.isFinite(v) ? v : null;
  }

  @Override
  public void close() {
    try {
      jsonl.close();
      trainCsv.close();
      if (validationCsv != null) {
        validationCsv.close();
      }
      if (blocksCsv != null) {
        blocksCsv.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close the metrics files", e);
    }
  }
}

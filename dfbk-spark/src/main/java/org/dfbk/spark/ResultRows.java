package org.dfbk.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The result manifest: one row per input file. */
final class ResultRows {
  static final String TRANSLATED = "translated";
  static final String SKIPPED = "skipped";
  static final String FAILED = "failed";

  /**
   * path: the input; status: translated, skipped (complete outputs existed) or failed; output:
   * the prediction (null when failed); seconds: the file's time in its task (reading,
   * translating, writing); error: why it failed (the message of {@code dfbk translate});
   * executor: executor id @ host; attempt: the task attempt (0 = first); slices: translated
   * slices; warnings: the translation's warnings, "; "-separated.
   */
  static final StructType SCHEMA = new StructType()
      .add("path", DataTypes.StringType, false)
      .add("status", DataTypes.StringType, false)
      .add("output", DataTypes.StringType, true)
      .add("seconds", DataTypes.DoubleType, false)
      .add("error", DataTypes.StringType, true)
      .add("executor", DataTypes.StringType, false)
      .add("attempt", DataTypes.IntegerType, false)
      .add("slices", DataTypes.IntegerType, true)
      .add("warnings", DataTypes.StringType, true);

  private ResultRows() {}

  static Row row(String path, String status, String output, double seconds, String error,
      String executor, int attempt, Integer slices, String warnings) {
    return RowFactory.create(path, status, output, seconds, error, executor, attempt, slices,
        warnings);
  }

  /** Writes {@code rows} as one CSV file (RFC 4180 quoting, a header line) at {@code uri}. */
  static void writeCsv(List<Row> rows, String uri, Configuration conf) throws IOException {
    StringBuilder b = new StringBuilder(String.join(",", SCHEMA.fieldNames())).append('\n');
    for (Row r : rows) {
      for (int i = 0; i < r.length(); i++) {
        if (i > 0) {
          b.append(',');
        }
        Object v = r.get(i);
        b.append(v == null ? "" : quote(v instanceof Double d
            ? String.format(Locale.ROOT, "%.3f", d) : v.toString()));
      }
      b.append('\n');
    }
    byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
    if (Storage.isLocal(uri, conf)) { // without the .crc file Hadoop's local file system adds
      java.nio.file.Path local = Storage.localPath(uri);
      java.nio.file.Files.createDirectories(local.toAbsolutePath().getParent());
      java.nio.file.Files.write(local, bytes);
      return;
    }
    Path p = new Path(uri);
    FileSystem fs = p.getFileSystem(conf);
    try (OutputStream out = fs.create(p, true)) {
      out.write(bytes);
    }
  }

  private static String quote(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
      return s;
    }
    return '"' + s.replace("\"", "\"\"") + '"';
  }
}

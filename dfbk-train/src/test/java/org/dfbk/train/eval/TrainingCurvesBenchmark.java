package org.dfbk.train.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cost of the report's Training section for a long run: reading metrics.jsonl and drawing the
 * three figures. The run: {@code ROWS} log windows (100 000 steps at the paper configs'
 * log_every 100 is 1000; this is ten times that), each with a train row and a blocks row of 20
 * DFB/KG blocks (a proj_out norm and a λ each), and a validation every 50 windows.
 * Run: {@code mvn -B -o test -pl dfbk-train -Dtest=TrainingCurvesBenchmark
 * -Dtrain.excludedGroups=gpu -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("slow")
class TrainingCurvesBenchmark {
  private static final int ROWS = 10_000;
  private static final int BLOCKS = 20;
  private static final int REPEATS = 5;

  @Test
  void readAndDrawALongRun(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("metrics.jsonl");
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int i = 1; i <= ROWS; i++) {
        long step = 10L * i;
        w.write(TrainingCurvesTest.train(step, Double.toString(0.5 * Math.exp(-i / 3000.0)
            + 0.02 + 0.01 * Math.sin(i)), 2e-4 * Math.cos(i * Math.PI / (2 * ROWS))));
        w.write('\n');
        StringBuilder b = new StringBuilder("{\"kind\":\"blocks\",\"step\":" + step);
        for (int k = 0; k < BLOCKS; k++) {
          b.append(",\"level_").append(k).append("_dfb_proj_out\":").append(k * Math.log1p(i))
              .append(",\"level_").append(k).append("_dfb_attn_high_lambda\":")
              .append(0.2 + 0.01 * k + 1e-5 * i);
        }
        w.write(b.append("}\n").toString());
        if (i % 50 == 0) {
          w.write(TrainingCurvesTest.validation(step, 20 + 5 * (1 - Math.exp(-i / 4000.0)),
              0.6 + 0.2 * (1 - Math.exp(-i / 4000.0))));
          w.write('\n');
        }
      }
    }
    double bestRead = Double.POSITIVE_INFINITY;
    double bestDraw = Double.POSITIVE_INFINITY;
    for (int r = 0; r < REPEATS; r++) {
      long t0 = System.nanoTime();
      TrainingCurves c = TrainingCurves.read(file);
      long t1 = System.nanoTime();
      assertEquals(3, c.writeFigures(dir.resolve("out-" + r)).size());
      long t2 = System.nanoTime();
      bestRead = Math.min(bestRead, (t1 - t0) / 1e6);
      bestDraw = Math.min(bestDraw, (t2 - t1) / 1e6);
      System.out.printf(Locale.ROOT, "run %d: read %.1f ms, draw + write 3 PNGs %.1f ms%n", r,
          (t1 - t0) / 1e6, (t2 - t1) / 1e6);
    }
    System.out.printf(Locale.ROOT, "%s: %.1f MB, %d lines; best of %d: read %.1f ms, draw + write "
        + "%.1f ms%n", file.getFileName(), Files.size(file) / 1e6, ROWS * 2 + ROWS / 50, REPEATS,
        bestRead, bestDraw);
  }
}

package org.dfbk.train.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.dfbk.core.error.DataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading a run's metrics.jsonl (rows as the training loop's metrics log writes them: Gson
 * objects, non-finite values as null) and drawing it.
 */
class TrainingCurvesTest {
  @TempDir Path dir;

  static String train(long step, String loss, double lr) {
    return "{\"kind\":\"train\",\"step\":" + step + ",\"loss\":" + loss + ",\"lr\":" + lr
        + ",\"grad_norm\":1.5,\"it_per_s\":3.2,\"eta_s\":10.0,\"loss_scale\":1.0}";
  }

  static String validation(long step, double psnr, double ssim) {
    return "{\"kind\":\"validation\",\"step\":" + step + ",\"psnr\":" + psnr + ",\"ssim\":"
        + ssim + "}";
  }

  static String blocks(long step, double proj, double lambda) {
    return "{\"kind\":\"blocks\",\"step\":" + step + ",\"input_blocks_dfb_proj_out\":" + proj
        + ",\"middle_kg_proj_out\":" + proj / 2 + ",\"input_blocks_dfb_attn_lambda\":" + lambda
        + "}";
  }

  /** A short run: loss, learning rate, two validations, block readings at every log window. */
  static String run() {
    return String.join("\n",
        train(4, "0.9", 1.0E-4), blocks(4, 0.0, 0.2),
        train(8, "0.5", 2.0E-4), blocks(8, 0.01, 0.21), validation(8, 18.5, 0.61),
        train(12, "null", 2.0E-4), blocks(12, 0.02, 0.22),
        train(16, "0.2", 1.5E-4), blocks(16, 0.03, 0.25), validation(16, 21.25, 0.72)) + "\n";
  }

  private Path write(String text) throws Exception {
    Path f = dir.resolve("metrics.jsonl");
    Files.writeString(f, text, StandardCharsets.UTF_8);
    return f;
  }

  @Test
  void readsEachKindAgainstTheStep() throws Exception {
    TrainingCurves c = TrainingCurves.read(write(run()));
    TrainingCurves.Curve loss = c.curve(TrainingCurves.TRAIN, "loss");
    assertArrayEquals(new double[] {4, 8, 12, 16}, loss.steps());
    assertArrayEquals(new double[] {0.9, 0.5, Double.NaN, 0.2}, loss.values(),
        "null (a window without a finite loss) reads as NaN");
    assertArrayEquals(new double[] {18.5, 21.25},
        c.curve(TrainingCurves.VALIDATION, "psnr").values());
    assertEquals(List.of("input_blocks_dfb_attn_lambda", "input_blocks_dfb_proj_out",
        "middle_kg_proj_out"), c.names(TrainingCurves.BLOCKS));
    assertEquals(0, c.replacedRows());
    assertFalse(c.incompleteLastLine());
  }

  @Test
  void aResumedRunsLaterRowsWinAndTheAbandonedStretchIsDropped() throws Exception {
    // first attempt logged 4 .. 20 and was killed; resumed from the step-8 checkpoint, the run
    // logged 12 and 16 again (with other values) and stopped
    String text = String.join("\n", train(4, "0.9", 1e-4), train(8, "0.5", 1e-4),
        train(12, "0.4", 1e-4), train(16, "0.35", 1e-4), train(20, "0.3", 1e-4),
        train(12, "0.45", 1e-4), train(16, "0.38", 1e-4)) + "\n";
    TrainingCurves c = TrainingCurves.read(write(text));
    TrainingCurves.Curve loss = c.curve(TrainingCurves.TRAIN, "loss");
    assertArrayEquals(new double[] {4, 8, 12, 16}, loss.steps(), "step 20 of the abandoned "
        + "attempt dropped");
    assertArrayEquals(new double[] {0.9, 0.5, 0.45, 0.38}, loss.values());
    assertEquals(3, c.replacedRows(), "rows 12, 16, 20 of the first attempt");
  }

  @Test
  void aRepeatedStepKeepsTheLaterRow() throws Exception {
    String text = validation(8, 18.0, 0.6) + "\n" + validation(8, 19.0, 0.65) + "\n";
    TrainingCurves c = TrainingCurves.read(write(text));
    assertArrayEquals(new double[] {19.0}, c.curve(TrainingCurves.VALIDATION, "psnr").values());
    assertEquals(1, c.replacedRows());
  }

  @Test
  void aTruncatedLastLineIsLeftOut() throws Exception {
    // as after kill -9 while the row was written: no closing brace, no newline
    String text = run() + "{\"kind\":\"train\",\"step\":20,\"loss\":0.1";
    TrainingCurves c = TrainingCurves.read(write(text));
    assertTrue(c.incompleteLastLine());
    assertArrayEquals(new double[] {4, 8, 12, 16}, c.curve(TrainingCurves.TRAIN, "lr").steps());
    // trailing blank lines do not hide the incomplete row
    TrainingCurves d = TrainingCurves.read(write(run() + "{\"kind\":\"blo\n\n"));
    assertTrue(d.incompleteLastLine());
    assertEquals(4, d.rowCount(TrainingCurves.BLOCKS));
  }

  @Test
  void aMalformedLineBeforeTheLastIsAnErrorNamingFileAndLine() throws Exception {
    List<String> lines = new java.util.ArrayList<>(run().lines().toList());
    lines.set(2, lines.get(2).substring(0, 20));
    Path f = write(String.join("\n", lines) + "\n");
    DataException e = assertThrows(DataException.class, () -> TrainingCurves.read(f));
    assertTrue(e.getMessage().startsWith(f + " line 3 is malformed: not valid JSON"),
        e.getMessage());
    assertTrue(e.getMessage().contains("repair or delete line 3"), e.getMessage());

    Path g = write(String.join("\n", "{\"kind\":\"train\",\"loss\":0.5}", train(4, "0.4", 1e-4)));
    e = assertThrows(DataException.class, () -> TrainingCurves.read(g));
    assertTrue(e.getMessage().contains("line 1 is malformed: no whole, non-negative \"step\""),
        e.getMessage());
    Path h = write(String.join("\n", "[1, 2]", train(4, "0.4", 1e-4)));
    e = assertThrows(DataException.class, () -> TrainingCurves.read(h));
    assertTrue(e.getMessage().contains("line 1 is malformed: not a JSON object"), e.getMessage());
    Path k = write(String.join("\n", "{\"step\":3}", train(4, "0.4", 1e-4)));
    e = assertThrows(DataException.class, () -> TrainingCurves.read(k));
    assertTrue(e.getMessage().contains("line 1 is malformed: no \"kind\" string"),
        e.getMessage());
  }

  @Test
  void otherKindsAndNonNumericValuesAreNotCurves() throws Exception {
    String text = String.join("\n", "{\"kind\":\"profile\",\"step\":4,\"forward_ms\":3.5}",
        "{\"kind\":\"train\",\"step\":4,\"loss\":0.5,\"device\":\"cpu()\",\"flags\":[1]}") + "\n";
    TrainingCurves c = TrainingCurves.read(write(text));
    assertEquals(List.of("loss"), c.names(TrainingCurves.TRAIN));
    assertEquals(1, c.rowCount(TrainingCurves.TRAIN));
  }

  @Test
  void namesSortDigitRunsAsNumbers() {
    List<String> names = new java.util.ArrayList<>(List.of("output_10_kg", "output_9_kg",
        "input_2_dfb", "input_02_dfb", "input_10", "input_1_dfb"));
    names.sort(TrainingCurves::compareNatural);
    assertEquals(List.of("input_1_dfb", "input_02_dfb", "input_2_dfb", "input_10",
        "output_9_kg", "output_10_kg"), names);
  }

  @Test
  void aBlockLegendOfManySeriesFitsOneColumn() throws Exception {
    StringBuilder row = new StringBuilder("{\"kind\":\"blocks\",\"step\":4");
    for (int k = 0; k < 30; k++) {
      row.append(",\"level_").append(k).append("_dfb_proj_out\":").append(k * 0.1);
    }
    TrainingCurves c = TrainingCurves.read(write(row + "}\n"));
    LineChart proj = c.charts().values().iterator().next().get(0);
    assertEquals(30, proj.legend().size());
    assertEquals("level_9_dfb", proj.legend().get(9));
    java.awt.Rectangle p = proj.plotArea();
    assertTrue(p.height >= 30 * 16, "30 legend rows of 16 pixels beside a plot of " + p);
  }

  @Test
  void runDirectoryIsAboveCheckpoints() {
    assertEquals(Path.of("/data/runs/a"),
        TrainingCurves.runDirectory(Path.of("/data/runs/a/checkpoints/best.zip")));
    assertEquals(Path.of("/data/copies"),
        TrainingCurves.runDirectory(Path.of("/data/copies/best.zip")));
    assertEquals(Optional.empty(), TrainingCurves.find(dir), "no metrics.jsonl in " + dir);
  }

  @Test
  void chartsShowLossLogScaledValidationAndBlocks() throws Exception {
    TrainingCurves c = TrainingCurves.read(write(run()));
    Map<TrainingCurves.Figure, List<LineChart>> charts = c.charts();
    List<String> files = charts.keySet().stream().map(TrainingCurves.Figure::file).toList();
    assertEquals(List.of(TrainingCurves.LOSS_PNG, TrainingCurves.VALIDATION_PNG,
        TrainingCurves.BLOCKS_PNG), files);
    List<List<LineChart>> panels = List.copyOf(charts.values());
    LineChart loss = panels.get(0).get(0);
    assertTrue(loss.logY(), "loss on a log axis");
    // 0.2 .. 0.9 with {1, 2, 5} mantissas fits: 0.2, 0.5, 1
    assertArrayEquals(new double[] {0.2, 0.5, 1.0}, loss.yTicks().values());
    assertEquals("Learning rate", panels.get(0).get(1).title());
    assertEquals(List.of("Validation PSNR", "Validation SSIM"),
        panels.get(1).stream().map(LineChart::title).toList());
    LineChart proj = panels.get(2).get(0);
    assertEquals(List.of("input_blocks_dfb", "middle_kg"), proj.legend(),
        "suffix _proj_out left out of the legend");
    assertEquals(0.0, proj.yTicks().low(), "norms drawn from zero");
    assertEquals(List.of("input_blocks_dfb_attn"), panels.get(2).get(1).legend());
  }

  @Test
  void figuresAreWrittenAndTheReportSectionLinksThem() throws Exception {
    TrainingCurves c = TrainingCurves.read(write(run() + "{\"kind\":\"tr"));
    Path report = dir.resolve("report");
    HtmlReport html = new HtmlReport("x");
    c.addTo(html, report);
    html.write(report.resolve("report.html"));
    BufferedImage loss = ImageIO.read(report.resolve(TrainingCurves.LOSS_PNG).toFile());
    assertEquals(900, loss.getWidth());
    assertEquals(280 + 200, loss.getHeight(), "loss and learning-rate panels");
    BufferedImage val = ImageIO.read(report.resolve(TrainingCurves.VALIDATION_PNG).toFile());
    assertEquals(240 + 240, val.getHeight(), "PSNR and SSIM panels");
    assertTrue(Files.isRegularFile(report.resolve(TrainingCurves.BLOCKS_PNG)));
    String text = Files.readString(report.resolve("report.html"));
    assertTrue(text.contains("<h2>Training</h2>"), text);
    for (String png : List.of("training-loss.png", "training-validation.png",
        "training-blocks.png")) {
      assertTrue(text.contains("<img src=\"" + png + "\""), png + " in " + text);
    }
    assertTrue(text.contains("4 training rows up to step 16, 2 validations, 4 block readings"),
        text);
    assertTrue(text.contains("last line was incomplete"), text);
  }

  @Test
  void aRunWithoutValidationOrBlocksDrawsOnlyTheLoss() throws Exception {
    TrainingCurves c = TrainingCurves.read(write(train(4, "0.9", 1e-4) + "\n"
        + train(8, "0.7", 1e-4) + "\n"));
    assertEquals(List.of(TrainingCurves.LOSS_PNG), c.writeFigures(dir.resolve("out")).stream()
        .map(TrainingCurves.Figure::file).toList());
    TrainingCurves empty = TrainingCurves.read(write(""));
    assertTrue(empty.writeFigures(dir.resolve("none")).isEmpty());
  }

  @Test
  void missingMetricsAreSaidSo() throws Exception {
    HtmlReport html = new HtmlReport("x");
    TrainingCurves.addNotFound(html, dir);
    String text = html.toHtml();
    assertTrue(text.contains("<h2>Training</h2>"));
    assertTrue(text.contains("No training metrics were found next to the checkpoint: "
        + dir.resolve("metrics.jsonl") + " does not exist"), text);
  }
}

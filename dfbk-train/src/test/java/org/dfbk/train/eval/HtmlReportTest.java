package org.dfbk.train.eval;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dfbk.train.metrics.Metric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {

  @Test
  void reportLinksTablesFiguresAndShowsMetadata(@TempDir Path dir) throws Exception {
    EvalReport eval = EvalReportTest.synthetic(21);
    eval.writeTo(dir);
    ComparisonFigure.write(dir.resolve("figures/fig3.png"), ComparisonFigureTest.examples(),
        ComparisonFigure.Options.defaults());
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("run", "demo <phantom>");
    meta.put("steps", 200);
    ResultTable table = eval.sliceTable(List.of(Metric.PSNR, Metric.SSIM));
    new HtmlReport("dfbk demo")
        .metadata(meta)
        .timings(Map.of("training", Duration.ofSeconds(3725)))
        .config("model:\n  channels: 32\n")
        .table("Table 1 style", table, "table-slices")
        .markdownTable("From Markdown", Files.readString(dir.resolve("table-slices.md")))
        .figure("Fig. 3 style comparison", "figures/fig3.png")
        .fileLink("per-slice metrics", "slices.csv")
        .write(dir.resolve("report.html"));
    String html = Files.readString(dir.resolve("report.html"), StandardCharsets.UTF_8);
    assertTrue(html.contains("<img src=\"figures/fig3.png\""), "figure linked relatively");
    assertTrue(html.contains("href=\"table-slices.json\""), "table files linked");
    assertTrue(html.contains("demo &lt;phantom&gt;"), "metadata escaped");
    assertTrue(html.contains("1 h 02 min 05 s"), "timing formatted");
    assertTrue(html.contains("channels: 32"), "configuration shown");
    assertTrue(html.contains("<style>") && !html.contains("<script"), "inline CSS, no scripts");
    Summary best = table.cell("DFBK", "T1→T2", Metric.PSNR);
    String cell = ResultTable.format(best, Metric.PSNR);
    int count = html.split("<b>" + cell + "</b>", -1).length - 1;
    assertTrue(count == 2, "best cell in bold in both the table and the Markdown rendering: "
        + count + " times '" + cell + "'");
    assertFalse(html.contains("**"), "Markdown bold converted");
    assertTrue(html.contains("<th>HistMatch</th><td><u>"), "underline kept for second best");
  }

  @Test
  void markdownPipesInLabelsSurviveTheHtmlRendering() {
    EvalReport eval = new EvalReport("Pipes", "Method");
    eval.addSlice("A|B", "m|1", "s", 0,
        new org.dfbk.train.metrics.MetricValues(20, 0.5, 0.1, 20, 0.5, 0.1));
    String md = eval.sliceTable(List.of(Metric.PSNR)).toMarkdown();
    assertTrue(md.contains("| m\\|1 | 20.00 |"), md);
    String html = HtmlReport.markdownToHtml(md);
    assertTrue(html.contains("<th>m|1</th><td>20.00</td>"), html);
  }

  @Test
  void missingLinkedFileFailsTheWrite(@TempDir Path dir) {
    HtmlReport r = new HtmlReport("x").figure("missing", "figures/none.png");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> r.write(dir.resolve("report.html")));
    assertTrue(e.getMessage().contains("figures/none.png"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("report.html")), "nothing written half-way");
  }

  @Test
  void linksOutsideTheReportFolderAreRejected() {
    HtmlReport r = new HtmlReport("x");
    assertThrows(IllegalArgumentException.class, () -> r.fileLink("up", "../secret.csv"));
    assertThrows(IllegalArgumentException.class, () -> r.fileLink("abs", "/etc/hosts"));
  }
}

package org.dfbk.train.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A one-page, self-contained HTML report (inline CSS, no scripts, no external resources): run
 * metadata (key/value pairs, timings, the resolved configuration text), result tables rendered as
 * HTML tables with links to their Markdown/CSV/JSON files, and figures. Every link and image is a
 * path relative to the HTML file's folder; {@link #write} checks that each one exists there, so
 * a report never points at a missing file.
 */
public final class HtmlReport {
  private final String title;
  private final Map<String, String> metadata = new LinkedHashMap<>();
  private final Map<String, Duration> timings = new LinkedHashMap<>();
  private String config;
  private final List<String> body = new ArrayList<>();
  private final List<String> links = new ArrayList<>();

  public HtmlReport(String title) {
    this.title = title;
  }

  /** Adds run metadata rows (e.g. "run", "checkpoint", "steps", "device"), in map order. */
  public HtmlReport metadata(Map<String, ?> values) {
    values.forEach((k, v) -> metadata.put(k, String.valueOf(v)));
    return this;
  }

  /** Adds named wall-clock timings (e.g. "training", "translation", "evaluation"). */
  public HtmlReport timings(Map<String, Duration> values) {
    timings.putAll(values);
    return this;
  }

  /** The resolved configuration (YAML text), shown verbatim. */
  public HtmlReport config(String text) {
    this.config = text;
    return this;
  }

  /**
   * A result table with links to its files {@code baseName}.md/.csv/.json (relative to the
   * report, as written by {@link ResultTable#write}).
   */
  public HtmlReport table(String heading, ResultTable table, String baseName) {
    StringBuilder sb = new StringBuilder();
    sb.append("<h2>").append(Html.escape(heading)).append("</h2>\n").append(table.toHtml());
    sb.append("<p class=\"files\">");
    for (String ext : List.of(".md", ".csv", ".json")) {
      String rel = baseName + ext;
      sb.append(link(rel, rel)).append(' ');
    }
    sb.append("</p>\n");
    body.add(sb.toString());
    return this;
  }

  /**
   * A GitHub-Markdown pipe table (e.g. a table-*.md file, or {@link RunComparison#toMarkdown()})
   * rendered as an HTML table; a leading "**title**" line becomes its caption, other text lines
   * become paragraphs; {@code **bold**} and {@code <u>underline</u>} cells are kept.
   */
  public HtmlReport markdownTable(String heading, String markdown) {
    body.add("<h2>" + Html.escape(heading) + "</h2>\n" + markdownToHtml(markdown));
    return this;
  }

  /** A figure (PNG relative to the report) with its caption. */
  public HtmlReport figure(String caption, String relativePng) {
    body.add(figureHtml("<figure>", caption, relativePng));
    return this;
  }

  /**
   * A chart (PNG relative to the report) with its caption: as {@link #figure}, but scaled
   * smoothly when the page is narrower than the image (a figure of images keeps its pixels).
   */
  public HtmlReport chart(String caption, String relativePng) {
    body.add(figureHtml("<figure class=\"chart\">", caption, relativePng));
    return this;
  }

  private String figureHtml(String open, String caption, String relativePng) {
    String src = href(relativePng);
    return open + "<a href=\"" + src + "\"><img src=\"" + src + "\" alt=\""
        + Html.escape(caption) + "\"></a><figcaption>" + Html.escape(caption)
        + "</figcaption></figure>\n";
  }

  /** A section heading. */
  public HtmlReport section(String heading) {
    body.add("<h2>" + Html.escape(heading) + "</h2>\n");
    return this;
  }

  /** A paragraph of plain text. */
  public HtmlReport paragraph(String text) {
    body.add("<p>" + Html.escape(text) + "</p>\n");
    return this;
  }

  /** A link to another file of the run (e.g. slices.csv). */
  public HtmlReport fileLink(String text, String relativePath) {
    body.add("<p class=\"files\">" + link(text, relativePath) + "</p>\n");
    return this;
  }

  private String link(String text, String rel) {
    return "<a href=\"" + href(rel) + "\">" + Html.escape(text) + "</a>";
  }

  private String href(String rel) {
    Path p = Path.of(rel);
    if (p.isAbsolute() || rel.contains("..") || rel.contains("\\")) {
      throw new IllegalArgumentException("report links must be relative paths below the report "
          + "folder, got '" + rel + "'");
    }
    links.add(rel);
    StringBuilder sb = new StringBuilder();
    for (String part : rel.split("/")) {
      if (sb.length() > 0) {
        sb.append('/');
      }
      sb.append(java.net.URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return Html.escape(sb.toString());
  }

  /** The HTML text. */
  public String toHtml() {
    StringBuilder sb = new StringBuilder();
    sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
        .append(Html.escape(title)).append("</title>\n<style>\n").append(CSS)
        .append("</style>\n</head>\n<body>\n<h1>").append(Html.escape(title)).append("</h1>\n");
    if (!metadata.isEmpty() || !timings.isEmpty() || config != null) {
      sb.append("<section class=\"meta\">\n<h2>Run</h2>\n<table class=\"kv\">\n");
      metadata.forEach((k, v) -> sb.append("<tr><th>").append(Html.escape(k))
          .append("</th><td>").append(Html.escape(v)).append("</td></tr>\n"));
      timings.forEach((k, v) -> sb.append("<tr><th>time: ").append(Html.escape(k))
          .append("</th><td>").append(Html.escape(formatDuration(v))).append("</td></tr>\n"));
      sb.append("</table>\n");
      if (config != null) {
        sb.append("<details open><summary>Configuration</summary><pre>")
            .append(Html.escape(config)).append("</pre></details>\n");
      }
      sb.append("</section>\n");
    }
    body.forEach(sb::append);
    sb.append("</body>\n</html>\n");
    return sb.toString();
  }

  /** Writes the report; every relative link must exist beside it. */
  public void write(Path htmlFile) {
    String html = toHtml();
    Path dir = htmlFile.toAbsolutePath().getParent();
    List<String> missing = links.stream().filter(l -> !Files.exists(dir.resolve(l))).toList();
    if (!missing.isEmpty()) {
      throw new IllegalStateException("report " + htmlFile + " links to files that do not exist"
          + " in " + dir + ": " + missing + "; write the tables and figures first");
    }
    try {
      Files.writeString(htmlFile, html, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write report " + htmlFile, e);
    }
  }

  static String formatDuration(Duration d) {
    double s = d.toNanos() / 1e9;
    if (s < 120) {
      return String.format(Locale.ROOT, "%.1f s", s);
    }
    long total = d.toSeconds();
    return String.format(Locale.ROOT, "%d h %02d min %02d s", total / 3600, (total / 60) % 60,
        total % 60);
  }

  /** Converts Markdown pipe tables (and surrounding text lines) to HTML. */
  static String markdownToHtml(String md) {
    StringBuilder sb = new StringBuilder();
    List<String> lines = md.lines().toList();
    int i = 0;
    String caption = null;
    while (i < lines.size()) {
      String line = lines.get(i).strip();
      if (line.startsWith("|")) {
        List<String> header = cells(line);
        i++;
        if (i < lines.size() && lines.get(i).strip().matches("\\|?\\s*:?-+.*")) {
          i++;
        }
        sb.append("<table class=\"results\">\n");
        if (caption != null) {
          sb.append("<caption>").append(inline(caption)).append("</caption>\n");
          caption = null;
        }
        sb.append("<thead><tr>");
        header.forEach(h -> sb.append("<th>").append(inline(h)).append("</th>"));
        sb.append("</tr></thead>\n<tbody>\n");
        while (i < lines.size() && lines.get(i).strip().startsWith("|")) {
          List<String> c = cells(lines.get(i).strip());
          sb.append("<tr>");
          for (int k = 0; k < c.size(); k++) {
            String tag = k == 0 ? "th" : "td";
            sb.append('<').append(tag).append('>').append(inline(c.get(k))).append("</")
                .append(tag).append('>');
          }
          sb.append("</tr>\n");
          i++;
        }
        sb.append("</tbody>\n</table>\n");
        continue;
      }
      if (!line.isEmpty()) {
        boolean nextIsTable = i + 2 < lines.size() && lines.get(i + 1).isBlank()
            && lines.get(i + 2).strip().startsWith("|");
        if (line.startsWith("**") && line.endsWith("**") && nextIsTable) {
          caption = line;
        } else {
          sb.append("<p>").append(inline(line)).append("</p>\n");
        }
      }
      i++;
    }
    return sb.toString();
  }

  private static List<String> cells(String row) {
    String r = row;
    if (r.startsWith("|")) {
      r = r.substring(1);
    }
    if (r.endsWith("|")) {
      r = r.substring(0, r.length() - 1);
    }
    List<String> out = new ArrayList<>();
    for (String c : r.split("(?<!\\\\)\\|", -1)) {
      out.add(c.strip().replace("\\|", "|"));
    }
    return out;
  }

  /** Escapes text, then restores **bold** and the <u>…</u> underline the tables use. */
  private static String inline(String text) {
    String e = Html.escape(text).replace("&lt;u&gt;", "<u>").replace("&lt;/u&gt;", "</u>");
    return e.replaceAll("\\*\\*(.+?)\\*\\*", "<b>$1</b>");
  }

  private static final String CSS = """
      body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto;
             max-width: 1100px; color: #222; line-height: 1.4; padding: 0 1em; }
      h1 { border-bottom: 2px solid #444; padding-bottom: .2em; }
      h2 { margin-top: 1.6em; }
      table { border-collapse: collapse; margin: .6em 0; }
      table.results th, table.results td { border: 1px solid #bbb; padding: .25em .6em;
             text-align: center; font-variant-numeric: tabular-nums; }
      table.results thead th { background: #eef1f5; }
      table.results tbody th { text-align: left; background: #f8f8f8; }
      table.results caption { font-weight: bold; margin-bottom: .3em; }
      table.kv th { text-align: left; padding-right: 1.5em; font-weight: 600; }
      table.kv td, table.kv th { padding: .1em .5em; border-bottom: 1px solid #eee; }
      pre { background: #f6f8fa; padding: .8em; overflow-x: auto; font-size: .9em; }
      figure { margin: 1em 0; }
      figure img { max-width: 100%; border: 1px solid #ccc; image-rendering: pixelated; }
      figure.chart img { image-rendering: auto; }
      figcaption { font-size: .9em; color: #555; }
      p.files a { margin-right: 1em; font-family: monospace; }
      """;
}

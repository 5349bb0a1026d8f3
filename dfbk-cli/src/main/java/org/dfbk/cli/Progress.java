package org.dfbk.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar on the error stream: {@code [#####.....] 5/10 50% 3.2 it/s eta 2s}.
 * On a terminal it redraws in place; otherwise it prints a line every 10 %. Progress is
 * information: silent when the log shows only warnings ({@code -q}).
 */
public final class Progress {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Progress.class);
  private final PrintWriter err;
  private final String label;
  private final long total;
  private final long startNanos = System.nanoTime();
  private final boolean tty = System.console() != null;
  private int lastDecile = -1;

  public Progress(PrintWriter err, String label, long total) {
    this.err = err;
    this.label = label;
    this.total = Math.max(1, total);
  }

  /** Reports {@code done} of {@code total} units, with an optional note. */
  public synchronized void update(long done, String note) {
    if (!LOG.isInfoEnabled()) {
      return;
    }
    double secs = (System.nanoTime() - startNanos) / 1e9;
    double rate = secs > 0 ? done / secs : 0;
    long eta = rate > 0 ? Math.round((total - done) / rate) : 0;
    int width = 24;
    int filled = (int) Math.min(width, width * done / total);
    String bar = "#".repeat(filled) + ".".repeat(width - filled);
    String line = String.format(Locale.ROOT, "%s [%s] %d/%d %3d%% %.2f it/s eta %s%s", label, bar,
        done, total, 100 * done / total, rate, duration(eta), note == null ? "" : "  " + note);
    if (tty) {
      err.print("\r" + line + (done >= total ? "\n" : ""));
      err.flush();
    } else {
      int decile = (int) (10 * done / total);
      if (decile != lastDecile || done >= total) {
        lastDecile = decile;
        err.println(line);
        err.flush();
      }
    }
  }

  /** Seconds as "1h02m", "3m05s" or "12s". */
  public static String duration(long s) {
    if (s >= 3600) {
      return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }
    if (s >= 60) {
      return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    return s + "s";
  }
}

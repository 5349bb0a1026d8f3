package org.dfbk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProgressTest {
  @AfterEach
  void reset() {
    new LoggingMixin().apply(); // info level again
  }

  private static String run() {
    StringWriter out = new StringWriter();
    Progress p = new Progress(new PrintWriter(out), "train", 4);
    for (int i = 1; i <= 4; i++) {
      p.update(i, null);
    }
    return out.toString();
  }

  @Test
  void printsTheBarAndIsSilentUnderQuiet() {
    String normal = run();
    assertTrue(normal.contains("train [") && normal.contains("4/4 100%"), normal);
    LoggingMixin quiet = new LoggingMixin();
    quiet.setQuiet(true);
    quiet.apply();
    assertEquals("", run(), "-q must silence progress bars");
  }
}

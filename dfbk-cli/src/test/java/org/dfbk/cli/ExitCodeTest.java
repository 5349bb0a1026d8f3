package org.dfbk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import org.dfbk.core.error.ConfigException;
import org.dfbk.core.error.DataException;
import org.dfbk.train.loop.TrainingDivergedException;
import org.junit.jupiter.api.Test;

/** The one mapping from error types to exit codes (README "Exit codes"). */
class ExitCodeTest {
  @Test
  void eachErrorTypeHasItsCode() {
    assertEquals(2, ExitCode.of(new ConfigException("model.channels: must be > 0")));
    assertEquals(3, ExitCode.of(new DataException("a.nii.gz: truncated")));
    assertEquals(1, ExitCode.of(new TrainingDivergedException("loss NaN at step 3")));
    assertEquals(1, ExitCode.of(new IllegalStateException("a bug")));
  }

  @Test
  void aWrappedLibraryErrorKeepsItsCode() {
    var wrapped = new UncheckedIOException("reading", new java.io.IOException(
        new DataException("b.nii: bad magic")));
    assertEquals(3, ExitCode.of(wrapped));
    assertEquals(2, ExitCode.of(new RuntimeException(new ConfigException("x"))));
  }

  @Test
  void theCommandLineReturnsTheMappedCodes() {
    StringWriter err = new StringWriter();
    int usage = Cli.run(new String[] {"phantom", "--output", "x", "--subjects", "0"},
        new PrintWriter(new StringWriter()), new PrintWriter(err));
    assertEquals(ExitCode.USAGE, usage, err.toString());
    assertEquals(ExitCode.USAGE, Cli.run(new String[] {"--no-such-option"},
        new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())));
    StringWriter err2 = new StringWriter();
    int data = Cli.run(new String[] {"data", "inspect", "does-not-exist.nii.gz"},
        new PrintWriter(new StringWriter()), new PrintWriter(err2));
    assertEquals(ExitCode.DATA, data, err2.toString());
    assertTrue(err2.toString().contains("does-not-exist.nii.gz"), err2.toString());
  }
}

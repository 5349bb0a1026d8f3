package org.dfbk.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.dfbk.cli.ExitCode;
import org.dfbk.cli.command.TranslateCommand;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The job's translate options are dfbk translate's, with the same check; no Spark session. */
class TranslateJobOptionsTest {
  @Test
  void theJobHasEveryTranslateOptionWithTheSameDescription() {
    CommandSpec job = new CommandLine(new TranslateJob()).getCommandSpec();
    CommandSpec translate = new CommandLine(new TranslateCommand()).getCommandSpec();
    for (String name : new String[] {"--glob", "--output-name", "--samples", "--batch", "--seed",
        "--volume", "--tta", "--strict"}) {
      OptionSpec j = job.findOption(name);
      OptionSpec t = translate.findOption(name);
      assertTrue(j != null && t != null, name + " in both");
      assertEquals(t.description()[0], j.description()[0], name);
      assertEquals(t.defaultValue(), j.defaultValue(), name);
    }
  }

  @Test
  void wrongValuesAreUsageErrorsBeforeSparkStarts() {
    String[][] wrong = {{"--tta", "rot"}, {"--samples", "0"}, {"--volume", "-2"},
        {"--files-per-task", "0"}};
    for (String[] w : wrong) {
      StringWriter err = new StringWriter();
      String[] args = {"--checkpoint", "none.zip", "--input", "in", "--output", "out", w[0], w[1]};
      TranslateJob.Result r = TranslateJob.run(null, args, new PrintWriter(new StringWriter()),
          new PrintWriter(err));
      assertEquals(ExitCode.USAGE, r.exitCode(), String.join(" ", w) + ": " + err);
      assertTrue(err.toString().contains(w[0]), err.toString());
    }
  }
}

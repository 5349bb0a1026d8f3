package org.dfbk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dfbk.cli.command.TranslateCommand;
import org.dfbk.core.error.ConfigException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The translate options' parsing and their one validation; no engine. */
class TranslateOptionsTest {
  @Command(name = "holder")
  static final class Holder {
    @Mixin TranslateOptions options;
  }

  private static TranslateOptions parse(String... args) {
    Holder h = new Holder();
    new CommandLine(h).parseArgs(args);
    return h.options;
  }

  @Test
  void defaultsAreOneSampleBatchEightSeedZeroNoAugmentation() {
    TranslateOptions o = parse();
    o.validate();
    assertEquals(1, o.samples());
    assertEquals(8, o.batch());
    assertEquals(0, o.seed());
    assertEquals("*", o.glob());
    assertNull(o.volume());
    assertNull(o.outputName());
    assertFalse(o.strict());
    assertFalse(o.flip());
  }

  @Test
  void valuesAreParsedAndTtaIgnoresCase() {
    TranslateOptions o = parse("--samples", "4", "--batch", "2", "--seed", "7", "--volume", "1",
        "--tta", "FLIP", "--strict", "--glob", "*t1n.nii.gz", "--output-name", "T2.nii.gz");
    o.validate();
    assertEquals(4, o.samples());
    assertEquals(2, o.batch());
    assertEquals(7, o.seed());
    assertEquals(1, o.volume());
    assertTrue(o.flip() && o.strict());
    assertEquals("*t1n.nii.gz", o.glob());
    assertEquals("T2.nii.gz", o.outputName());
  }

  @Test
  void eachWrongValueIsAUsageErrorNamingTheOptionAndTheValue() {
    String[][] wrong = {{"--samples", "0"}, {"--batch", "-1"}, {"--volume", "-1"},
        {"--tta", "rot"}};
    String[] named = {"--samples", "--batch", "--volume", "--tta"};
    String[] given = {"0", "-1", "-1", "'rot'"};
    for (int i = 0; i < wrong.length; i++) {
      TranslateOptions o = parse(wrong[i]);
      ConfigException e = assertThrows(ConfigException.class, o::validate,
          String.join(" ", wrong[i]));
      assertTrue(e.getMessage().contains(named[i]) && e.getMessage().contains(given[i]),
          e.getMessage());
    }
  }

  @Test
  void translateTakesItsSamplingOptionsFromTheSharedDefinition() {
    CommandLine.Model.CommandSpec translate =
        new CommandLine(new TranslateCommand()).getCommandSpec();
    CommandLine.Model.CommandSpec shared = new CommandLine(new Holder()).getCommandSpec();
    for (CommandLine.Model.OptionSpec o : shared.options()) {
      CommandLine.Model.OptionSpec t = translate.findOption(o.longestName());
      assertTrue(t != null, o.longestName() + " missing from dfbk translate");
      assertEquals(o.description()[0], t.description()[0], o.longestName());
    }
    CliTest.Result r = CliTest.run("translate", "--checkpoint", "none.zip", "--input", "x",
        "--output", "y", "--tta", "rot");
    assertEquals(ExitCode.USAGE, r.code(), r.err());
    assertTrue(r.err().contains("--tta must be none or flip"), r.err());
  }
}

package org.dfbk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class CliTest {
  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Cli.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void helpListsEverySubcommand() {
    Result r = run("--help");
    assertEquals(0, r.code());
    for (String sub : new String[] {"info", "demo", "phantom", "data", "knowledge", "model", "train",
        "translate", "eval", "bench"}) {
      assertTrue(r.out().contains(sub), "missing " + sub + " in:\n" + r.out());
    }
    assertTrue(r.out().contains("Exit codes"), r.out());
  }

  @Test
  void versionNamesDjlAndPytorch() {
    Result r = run("--version");
    assertEquals(0, r.code());
    assertTrue(r.out().contains("DJL 0.29.0") && r.out().contains("PyTorch 2.3.1"), r.out());
  }

  @Test
  void unknownOptionIsUsageError() {
    Result r = run("info", "--bogus");
    assertEquals(ExitCode.USAGE, r.code());
    assertTrue(r.err().contains("--bogus"), r.err());
  }

  @Test
  void unknownCommandIsUsageError() {
    Result r = run("trian");
    assertEquals(ExitCode.USAGE, r.code());
    assertTrue(r.err().contains("train"), "suggests the near command: " + r.err());
  }

  @Test
  void infoStartsTheEngineOfflineOnCpu() {
    Result r = run("info", "--json");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("\"engine\": \"PyTorch\""), r.out());
    assertTrue(r.out().contains("\"engineVersion\": \"2.3.1\""), r.out());
    assertTrue(r.out().contains("\"nativeFlavor\": \"cpu\""), r.out());
    assertTrue(r.out().contains("\"offline\": true"), r.out());
  }
}

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
    for (String sub : new String[] {"info", "demo", "phantom", "data", "knowledge", "model",
        "train", "translate", "eval", "bench"}) {
      assertTrue(r.out().contains(sub), "missing " + sub + " in:\n" + r.out());
    }
    assertTrue(r.out().contains("Exit codes"), r.out());
  }

  @Test
  void descriptionsAreNotBrokenMidSentence() {
    String[][] commands = {{"train"}, {"translate"}, {"eval"}, {"demo"}, {"bench"}, {"info"},
      {"phantom"}, {"data", "prepare"}, {"data", "inspect"}, {"knowledge", "embed"},
      {"model", "summary"}};
    for (String[] c : commands) {
      String[] args = java.util.Arrays.copyOf(c, c.length + 1);
      args[c.length] = "--help";
      Result r = run(args);
      assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
      // each description line is written whole; picocli wraps only lines longer than the width,
      // which leaves a short orphan line of one or two words behind
      String description = r.out().substring(0, r.out().indexOf("\n  -"));
      for (String line : description.split("\n")) {
        assertTrue(line.length() <= 100, String.join(" ", c) + ": line over 100: " + line);
        assertTrue(line.isBlank() || line.startsWith(" ") || line.split(" ").length > 2
            || line.endsWith(".") || line.endsWith(":"),
            String.join(" ", c) + ": orphan line \"" + line + "\" in:\n" + description);
      }
    }
  }

  @Test
  void infoReportsThreadsAndCudnnAutotuning() {
    Result r = run("info", "--json");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("\"intraOpThreads\"") && r.out().contains("\"cudnnBenchmark\": "
        + System.getProperty("ai.djl.pytorch.cudnn_benchmark", "true")), r.out());
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

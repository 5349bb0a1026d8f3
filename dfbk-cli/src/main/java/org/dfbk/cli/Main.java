package org.dfbk.cli;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** Entry point of the {@code dfbk} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.setProperty("ai.djl.offline", "true");
    System.setProperty("java.awt.headless", "true");
    // Standard output carries only what a command prints through its out writer (a table, one
    // JSON document); anything a library prints to System.out goes to standard error instead.
    PrintStream stdout = System.out;
    System.setOut(System.err);
    PrintWriter out = new PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), true);
    PrintWriter err =
        new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    int code = Cli.run(args, out, err);
    System.exit(code);
  }
}

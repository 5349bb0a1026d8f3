package org.dfbk.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** Entry point of the {@code dfbk} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.setProperty("ai.djl.offline", "true");
    System.setProperty("java.awt.headless", "true");
    PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    int code = Cli.run(args, out, err);
    System.exit(code);
  }
}

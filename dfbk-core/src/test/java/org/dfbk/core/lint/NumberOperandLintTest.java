package org.dfbk.core.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The network code never combines an array with a Java number. DJL 0.29 makes such an operand a
 * scalar array over a Java buffer and closes it at once, but a product's backward keeps it: after
 * a garbage collection the backward reads freed memory (rare, huge gradients). On CUDA every such
 * operand is also a host-to-device copy, which waits for the GPU to drain its queue (for sums and
 * differences too). Network code uses {@code Ops.scalar} instead; see its documentation.
 */
class NumberOperandLintTest {
  /** {@code .mul(arg)}, {@code .add(arg)}, … with a single argument. */
  private static final Pattern CALL =
      Pattern.compile("\\.(mul|div|muli|divi|pow|powi|rdiv|rdivi|add|addi|sub|subi|rsub|rsubi"
          + "|maximum|minimum)\\(([^()]*(\\([^()]*\\))?[^()]*)\\)");
  private static final Pattern DECL =
      Pattern.compile("\\b(float|double|int|long|short|byte)\\s+([a-zA-Z_]\\w*)\\s*[=;,)]");
  /** Java collections, whose {@code add(int)} is not array arithmetic. */
  private static final Pattern COLLECTION = Pattern.compile(
      "\\b(List|ArrayList|Set|HashSet|LinkedHashSet|TreeSet|Collection|Deque|ArrayDeque)"
          + "<[^>]*>\\s+([a-zA-Z_]\\w*)\\s*[=;,)]");
  private static final Pattern RECEIVER = Pattern.compile("([a-zA-Z_]\\w*)\\s*$");
  private static final Pattern LITERAL = Pattern.compile("-?\\d[\\d_.]*[fFdDlL]?|-?\\.\\d+[fFdD]?");

  static List<String> offences(String source, String file) {
    Set<String> numeric = new HashSet<>();
    Matcher d = DECL.matcher(source);
    while (d.find()) {
      numeric.add(d.group(2));
    }
    Set<String> collections = new HashSet<>();
    Matcher c = COLLECTION.matcher(source);
    while (c.find()) {
      collections.add(c.group(2));
    }
    List<String> out = new ArrayList<>();
    String[] lines = source.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.startsWith("*") || line.startsWith("//") || line.startsWith("/*")) {
        continue;
      }
      Matcher m = CALL.matcher(lines[i]);
      while (m.find()) {
        String arg = m.group(2).strip();
        Matcher r = RECEIVER.matcher(lines[i].substring(0, m.start()));
        if (r.find() && collections.contains(r.group(1))) {
          continue;
        }
        if (isNumber(arg, numeric)) {
          out.add(file + ":" + (i + 1) + ": " + line);
        }
      }
    }
    return out;
  }

  /** A literal, a numeric variable, or arithmetic made only of those. */
  private static boolean isNumber(String arg, Set<String> numeric) {
    String[] terms = arg.replace("(", " ").replace(")", " ").replace("(float)", " ")
        .replace("(double)", " ").split("[-+*/ ]+");
    boolean any = false;
    for (String t : terms) {
      if (t.isEmpty() || t.equals("float") || t.equals("double")) {
        continue;
      }
      if (!(LITERAL.matcher(t).matches() || numeric.contains(t) || t.matches("Math\\.\\w+"))) {
        return false;
      }
      any = true;
    }
    return any;
  }

  @Test
  void theLintFindsNumberOperands() {
    String src = "class A {\n  float scale = 2f;\n"
        + "  void f(NDArray x, NDArray y, double lambdaInit) {\n"
        + "    x.mul(scale);\n    x.div(4);\n    x.mul(1.0 - lambdaInit);\n    x.mul(y);\n"
        + "    x.mul(Ops.scalar(x, scale));\n    // x.mul(3f) in a comment\n    x.add(1f);\n"
        + "    x.maximum(0f);\n    List<Integer> sizes = new ArrayList<>();\n    sizes.add(4);\n"
        + "  }\n}\n";
    List<String> found = offences(src, "A.java");
    assertEquals(5, found.size(), String.join("\n", found));
    assertTrue(found.get(0).startsWith("A.java:4:"), found.get(0));
  }

  @Test
  void networkCodeHasNoNumberOperands() throws IOException {
    Path root = Path.of("src", "main", "java");
    assertTrue(Files.isDirectory(root), "run from the dfbk-core module folder, found no " + root);
    List<String> all = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        all.addAll(offences(Files.readString(p), root.relativize(p).toString()));
      }
    }
    assertTrue(all.isEmpty(), "array with a Java number operand in network code (use Ops.scalar):\n"
        + String.join("\n", all));
  }
}

package org.dfbk.train.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.dfbk.core.error.DataException;

/**
 * Where the per-slice results of an ablation setting lie. A setting is either one evaluated run
 * (the output folder of {@code dfbk eval}, holding {@code slices.csv} or
 * {@code tables/slices.csv}, or that file itself) or a folder of seeded runs,
 * {@code seed-<N>/}, each holding its evaluation in {@code eval/} (the layout
 * {@code scripts/run_ablations.sh} writes with {@code ABLATION_SEEDS}) or directly.
 */
public final class AblationFolders {
  private static final Pattern SEED = Pattern.compile("seed-(\\d+)");

  private AblationFolders() {}

  /** The slices.csv of an evaluated run folder (or the file itself). */
  public static Path slicesCsv(Path run) {
    Path f = Files.isDirectory(run) ? run.resolve("slices.csv") : run;
    if (Files.isDirectory(run) && !Files.isRegularFile(f)) {
      f = run.resolve("tables").resolve("slices.csv");
    }
    if (!Files.isRegularFile(f)) {
      throw new DataException("no slices.csv in " + run + "; give the output folder of a"
          + " 'dfbk eval' run");
    }
    return f;
  }

  /**
   * The slices.csv of every run of a setting, in seed order: one for an evaluated run folder,
   * one per {@code seed-<N>} subfolder otherwise.
   *
   * @throws DataException when the folder is neither, or a seed folder has no evaluation
   */
  public static List<Path> runs(Path setting) {
    if (!isSeeded(setting)) {
      return List.of(slicesCsv(setting));
    }
    List<Path> seeds = new ArrayList<>();
    try (Stream<Path> children = Files.list(setting)) {
      children.filter(Files::isDirectory)
          .filter(p -> SEED.matcher(p.getFileName().toString()).matches())
          .sorted((a, b) -> Long.compare(seed(a), seed(b)))
          .forEach(seeds::add);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + setting, e);
    }
    if (seeds.isEmpty()) {
      throw new DataException("no slices.csv in " + setting + " and no seed-<N> run folders;"
          + " give the output folder of a 'dfbk eval' run, or a setting folder of seeded runs"
          + " (scripts/run_ablations.sh with ABLATION_SEEDS)");
    }
    List<Path> out = new ArrayList<>();
    for (Path s : seeds) {
      Path eval = s.resolve("eval");
      out.add(slicesCsv(Files.isDirectory(eval) ? eval : s));
    }
    return out;
  }

  /** Whether {@code setting} is a folder of seeded runs rather than one evaluated run. */
  public static boolean isSeeded(Path setting) {
    return Files.isDirectory(setting) && !Files.isRegularFile(setting.resolve("slices.csv"))
        && !Files.isRegularFile(setting.resolve("tables").resolve("slices.csv"));
  }

  private static long seed(Path p) {
    Matcher m = SEED.matcher(p.getFileName().toString());
    if (!m.matches()) {
      throw new IllegalStateException(p.toString());
    }
    String digits = m.group(1);
    return digits.length() > 18 ? Long.MAX_VALUE : Long.parseLong(digits);
  }
}

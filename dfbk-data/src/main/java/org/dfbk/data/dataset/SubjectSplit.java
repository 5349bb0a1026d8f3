package org.dfbk.data.dataset;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.dfbk.core.error.DataException;

/**
 * Subject-level split (never slice-level): the subject ids of each of "train", "val", "test".
 *
 * <p>Fractions: ids are sorted, shuffled with Fisher–Yates driven by
 * {@code SplittableRandom(seed)}, then the first round(n · train) go to train, the next
 * round(n · val) to val (fewer if that would exceed n) and the rest to test. Each list is returned
 * sorted.
 */
public record SubjectSplit(List<String> train, List<String> val, List<String> test) {
  /** Split names in order. */
  public static final List<String> NAMES = List.of("train", "val", "test");

  public SubjectSplit {
    train = List.copyOf(train);
    val = List.copyOf(val);
    test = List.copyOf(test);
  }

  /** The ids of split {@code name} ("train", "val" or "test"). */
  public List<String> ids(String name) {
    switch (name) {
      case "train":
        return train;
      case "val":
        return val;
      case "test":
        return test;
      default:
        throw new IllegalArgumentException("unknown split '" + name + "'; allowed: " + NAMES);
    }
  }

  /** The split a subject belongs to, or null when it is in none. */
  public String splitOf(String id) {
    for (String n : NAMES) {
      if (ids(n).contains(id)) {
        return n;
      }
    }
    return null;
  }

  /** Assigns the subjects to splits as {@code spec} says. */
  public static SubjectSplit assign(List<Subject> subjects, SplitSpec spec, long seed) {
    List<String> ids = new ArrayList<>();
    for (Subject s : subjects) {
      ids.add(s.id());
    }
    Collections.sort(ids);
    if (spec.usesLists()) {
      return fromLists(ids, spec);
    }
    SplittableRandom rng = new SplittableRandom(seed);
    for (int i = ids.size() - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      Collections.swap(ids, i, j);
    }
    int n = ids.size();
    int nTrain = (int) Math.min(n, Math.round(n * spec.trainFraction()));
    int nVal = (int) Math.min(n - nTrain, Math.round(n * spec.valFraction()));
    return new SubjectSplit(sorted(ids.subList(0, nTrain)), sorted(ids.subList(nTrain,
        nTrain + nVal)), sorted(ids.subList(nTrain + nVal, n)));
  }

  private static SubjectSplit fromLists(List<String> known, SplitSpec spec) {
    Map<String, String> seen = new HashMap<>();
    List<List<String>> lists = new ArrayList<>();
    Path[] files = {spec.trainList(), spec.valList(), spec.testList()};
    for (int k = 0; k < 3; k++) {
      List<String> ids = files[k] == null ? List.of() : readList(files[k], known);
      for (String id : ids) {
        String prev = seen.put(id, NAMES.get(k));
        if (prev != null) {
          throw new DataException("subject " + id + " is listed in both the " + prev + " and the "
              + NAMES.get(k) + " split (" + files[k] + "); a subject belongs to one split only");
        }
      }
      lists.add(sorted(ids));
    }
    return new SubjectSplit(lists.get(0), lists.get(1), lists.get(2));
  }

  private static List<String> readList(Path file, List<String> known) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new DataException("cannot read split list " + file + ": " + e.getMessage(), e);
    }
    Set<String> out = new LinkedHashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      String id = lines.get(i).trim();
      if (id.isEmpty() || id.startsWith("#")) {
        continue;
      }
      if (!known.contains(id)) {
        throw new DataException("split list " + file + " line " + (i + 1) + ": subject '" + id
            + "' is not in the dataset (" + known.size() + " subjects, e.g. "
            + known.subList(0, Math.min(5, known.size())) + ")");
      }
      if (!out.add(id)) {
        throw new DataException("split list " + file + " line " + (i + 1) + ": subject '" + id
            + "' is listed twice");
      }
    }
    return new ArrayList<>(out);
  }

  private static List<String> sorted(List<String> ids) {
    List<String> c = new ArrayList<>(ids);
    Collections.sort(c);
    return c;
  }
}

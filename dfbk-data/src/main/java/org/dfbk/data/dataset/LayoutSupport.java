package org.dfbk.data.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.dfbk.core.error.DataException;

/** Folder listing shared by the layouts. */
final class LayoutSupport {
  private LayoutSupport() {}

  static void requireFolder(Path root, String layout) {
    if (!Files.isDirectory(root)) {
      throw new DataException("dataset root " + root + " (layout " + layout
          + ") is not a folder; point the data root at the folder that holds the subject folders");
    }
  }

  static List<Path> children(Path dir, boolean directories) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> directories ? Files.isDirectory(p) : Files.isRegularFile(p))
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .sorted().collect(Collectors.toList());
    } catch (IOException e) {
      throw new DataException("cannot list folder " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * The subjects of a layout whose subject folders sit directly under {@code root}: every folder
   * whose name matches {@code subject} becomes a subject with the modalities {@code modalities}
   * finds in it (given the folder, its id and its files, listed once).
   *
   * @throws DataException when the root is no folder, or no subject is found (naming what
   *     {@code expected} describes)
   */
  static List<Subject> scanSubjectFolders(Path root, String layout, Pattern subject,
      BiFunction<String, List<Path>, Map<String, Path>> modalities,
      String expected) {
    requireFolder(root, layout);
    List<Subject> out = new ArrayList<>();
    for (Path dir : children(root, true)) {
      String id = dir.getFileName().toString();
      if (subject.matcher(id).matches()) {
        out.add(new Subject(id, dir, modalities.apply(id, children(dir, false))));
      }
    }
    if (out.isEmpty()) {
      throw noSubjects(root, layout, expected);
    }
    return out;
  }

  static DataException noSubjects(Path root, String layout, String expected) {
    return new DataException("no subject found under " + root + " for layout " + layout
        + "; expected " + expected + "; entries there: "
        + children(root, true).stream().map(p -> p.getFileName() + "/").limit(20)
            .collect(Collectors.toList())
        + children(root, false).stream().map(p -> p.getFileName().toString()).limit(20)
            .collect(Collectors.toList()));
  }
}

package org.dfbk.data.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.dfbk.core.error.DataException;

/**
 * One subject of a dataset: its identifier, its folder, and the image file of each canonical
 * modality name found there (see the layout's javadoc for the names).
 *
 * @param id subject identifier (folder name)
 * @param folder the subject's folder
 * @param modalities canonical modality name (upper case) to file, in a stable order
 */
public record Subject(String id, Path folder, Map<String, Path> modalities) {

  public Subject {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("subject id must not be blank");
    }
    modalities = Collections.unmodifiableMap(new LinkedHashMap<>(modalities));
  }

  /**
   * The file of one modality (case-insensitive canonical name, or a BraTS file suffix such as
   * t2f: {@link #ALIASES}).
   *
   * @throws DataException naming the subject, the modality, the folder and the files found
   */
  public Path require(String modality) {
    Path p = find(modality);
    if (p != null) {
      return p;
    }
    throw new DataException("subject " + id + " has no " + modality + " image in " + folder
        + "; modalities found: " + modalities.keySet() + "; files there: " + listFiles(folder)
        + ". Add the file or choose one of the modalities found.");
  }

  /** True when the subject has a file for this modality (case-insensitive). */
  public boolean has(String modality) {
    return find(modality) != null;
  }

  /**
   * The BraTS 2023 file suffixes as names of the canonical modalities, the names the BraTS
   * synthesis challenge (BraSyn) uses: t1n = T1, t2w = T2, t2f = FLAIR (t1c is already T1C).
   */
  static final Map<String, String> ALIASES = Map.of("T1N", "T1", "T2W", "T2", "T2F", "FLAIR");

  /** The file of a modality by its name, else by the canonical name it is an alias of. */
  private Path find(String modality) {
    String key = modality.toUpperCase(java.util.Locale.ROOT);
    Path p = modalities.get(key);
    return p != null || !ALIASES.containsKey(key) ? p : modalities.get(ALIASES.get(key));
  }

  static List<String> listFiles(Path folder) {
    if (!Files.isDirectory(folder)) {
      return List.of("(folder missing)");
    }
    try (Stream<Path> s = Files.walk(folder, 2)) {
      return s.filter(Files::isRegularFile).map(p -> folder.relativize(p).toString()).sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      return List.of("(unreadable: " + e.getMessage() + ")");
    }
  }
}

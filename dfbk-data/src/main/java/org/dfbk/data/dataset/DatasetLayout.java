package org.dfbk.data.dataset;

import java.nio.file.Path;
import java.util.List;

/**
 * A dataset's folder convention: finds the subjects under a root folder and the file of each
 * modality, under canonical upper-case modality names (each implementation documents its
 * mapping from file names).
 */
public interface DatasetLayout {

  /** Factory name of this layout ("brats2023", "isles2015", "synthrad2023", "paired"). */
  String name();

  /**
   * Subjects under {@code root}, sorted by id. A subject missing a modality is still listed;
   * {@link Subject#require(String)} reports it.
   *
   * @throws org.dfbk.core.error.DataException when the root is not a folder or holds no subject
   */
  List<Subject> scan(Path root);
}

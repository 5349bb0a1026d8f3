package org.dfbk.cli.command;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.dfbk.core.error.DataException;
import org.dfbk.data.nifti.NiftiNames;

/** Finding NIfTI files under a folder. */
final class NiftiFiles {
  private NiftiFiles() {}

  /** {@code input} itself, or every NIfTI file under it whose name matches {@code glob}, sorted. */
  static List<Path> list(Path input, String glob) {
    if (!Files.exists(input)) {
      throw new DataException(input + " does not exist; give a NIfTI file or a folder of them");
    }
    if (Files.isRegularFile(input)) {
      return List.of(input);
    }
    PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + glob);
    List<Path> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(input)) {
      s.filter(Files::isRegularFile).filter(p -> NiftiNames.isNifti(p.getFileName().toString()))
          .filter(p -> m.matches(p.getFileName())).sorted().forEach(out::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (out.isEmpty()) {
      throw new DataException("no NIfTI files matching '" + glob + "' under " + input);
    }
    return out;
  }
}

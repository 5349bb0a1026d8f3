package org.dfbk.data.dataset;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dfbk.core.error.DataException;
import org.dfbk.data.nifti.NiftiNames;

/**
 * Generic paired folder: {@code <root>/<subject>/<MODALITY>.nii[.gz]}. Every sub-folder holding at
 * least one NIfTI file is a subject; the modality name is the file name without its extension,
 * upper-cased ({@code t2.nii.gz} → T2). Two files of one modality ({@code T2.nii} and
 * {@code T2.nii.gz}) are an error.
 */
public final class PairedFolderLayout implements DatasetLayout {

  @Override
  public String name() {
    return "paired";
  }

  @Override
  public List<Subject> scan(Path root) {
    LayoutSupport.requireFolder(root, name());
    List<Subject> out = new ArrayList<>();
    for (Path dir : LayoutSupport.children(root, true)) {
      Map<String, Path> mods = new LinkedHashMap<>();
      for (Path f : LayoutSupport.children(dir, false)) {
        String fn = f.getFileName().toString();
        if (!NiftiNames.isNifti(fn)) {
          continue;
        }
        String modality = NiftiNames.stem(fn).toUpperCase(Locale.ROOT);
        Path previous = mods.put(modality, f);
        if (previous != null) {
          throw new DataException("subject " + dir.getFileName() + " has two " + modality
              + " files: " + previous + " and " + f + "; keep one");
        }
      }
      if (!mods.isEmpty()) {
        out.add(new Subject(dir.getFileName().toString(), dir, mods));
      }
    }
    if (out.isEmpty()) {
      throw LayoutSupport.noSubjects(root, name(),
          "one folder per subject holding <MODALITY>.nii or <MODALITY>.nii.gz files");
    }
    return out;
  }
}

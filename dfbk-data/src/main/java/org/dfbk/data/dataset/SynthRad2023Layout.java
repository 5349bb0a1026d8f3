package org.dfbk.data.dataset;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.dfbk.data.nifti.NiftiNames;

/**
 * SynthRAD 2023 task 1 (MR → CT), brain: {@code <root>/1B{A,B,C}NNN/{mr,ct,mask}.nii.gz} where the
 * letter is the centre. Point the root at the {@code Task1/brain} folder.
 *
 * <p>Modality mapping: mr → MR, ct → CT (Hounsfield units), mask → MASK (body outline).
 */
public final class SynthRad2023Layout implements DatasetLayout {
  /** File stem to canonical modality name. */
  public static final Map<String, String> MODALITY_NAMES =
      Map.of("mr", "MR", "ct", "CT", "mask", "MASK");

  private static final Pattern SUBJECT = Pattern.compile("1B[ABC]\\d{3}");

  @Override
  public String name() {
    return "synthrad2023";
  }

  @Override
  public List<Subject> scan(Path root) {
    return LayoutSupport.scanSubjectFolders(root, name(), SUBJECT, (id, files) -> {
      Map<String, Path> mods = new LinkedHashMap<>();
      for (String stem : List.of("mr", "ct", "mask")) {
        for (Path f : files) {
          String fn = f.getFileName().toString();
          if (NiftiNames.isNifti(fn) && NiftiNames.stem(fn).equals(stem)) {
            mods.put(MODALITY_NAMES.get(stem), f);
          }
        }
      }
      return mods;
    }, "folders 1BANNN/1BBNNN/1BCNNN holding {mr,ct,mask}.nii.gz (the Task1/brain folder)");
  }
}

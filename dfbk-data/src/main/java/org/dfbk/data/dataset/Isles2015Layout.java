package org.dfbk.data.dataset;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dfbk.data.nifti.NiftiNames;

/**
 * ISLES 2015 sub-acute ischemic stroke segmentation (SISS):
 * {@code <root>/<case>/VSD.Brain.XX.O.MR_<seq>.<id>/VSD.Brain.XX.O.MR_<seq>.<id>.nii} and the
 * lesion mask {@code VSD.Brain_3more.XX.O.OT.<id>/….nii} (the folder pattern is
 * {@code VSD.Brain<tag>.XX.<letters>.<sequence>.<id>}, so variants such as {@code .XX.XX.} match).
 * The subject id is the case folder name; {@code .nii.gz} is accepted too.
 *
 * <p>Modality mapping: MR_Flair → FLAIR, MR_T1 → T1, MR_T2 → T2, MR_DWI → DWI, OT → SEG.
 */
public final class Isles2015Layout implements DatasetLayout {
  /** Sequence tag in the file name to canonical modality name. */
  public static final Map<String, String> MODALITY_NAMES =
      Map.of("MR_Flair", "FLAIR", "MR_T1", "T1", "MR_T2", "T2", "MR_DWI", "DWI", "OT", "SEG");

  private static final Pattern FOLDER =
      Pattern.compile("VSD\\.Brain[A-Za-z0-9_]*\\.XX\\.[A-Z]+\\.(MR_[A-Za-z0-9]+|OT)\\.(\\d+)");

  @Override
  public String name() {
    return "isles2015";
  }

  @Override
  public List<Subject> scan(Path root) {
    LayoutSupport.requireFolder(root, name());
    List<Subject> out = new ArrayList<>();
    for (Path dir : LayoutSupport.children(root, true)) {
      Map<String, Path> found = new LinkedHashMap<>();
      boolean looksLikeCase = false;
      for (Path seqDir : LayoutSupport.children(dir, true)) {
        Matcher m = FOLDER.matcher(seqDir.getFileName().toString());
        if (!m.matches()) {
          continue;
        }
        looksLikeCase = true;
        String canonical = MODALITY_NAMES.get(m.group(1));
        if (canonical == null) {
          continue;
        }
        for (Path f : LayoutSupport.children(seqDir, false)) {
          String fn = f.getFileName().toString();
          if (NiftiNames.isNifti(fn)
              && NiftiNames.stem(fn).equals(seqDir.getFileName().toString())) {
            found.put(canonical, f);
          }
        }
      }
      if (looksLikeCase) {
        Map<String, Path> ordered = new LinkedHashMap<>();
        for (String c : List.of("FLAIR", "T1", "T2", "DWI", "SEG")) {
          if (found.containsKey(c)) {
            ordered.put(c, found.get(c));
          }
        }
        out.add(new Subject(dir.getFileName().toString(), dir, ordered));
      }
    }
    if (out.isEmpty()) {
      throw LayoutSupport.noSubjects(root, name(),
          "case folders holding VSD.Brain.XX.O.MR_{Flair,T1,T2,DWI}.<id>/"
              + "VSD.Brain.XX.O.MR_*.<id>.nii");
    }
    out.sort((a, b) -> compareIds(a.id(), b.id()));
    return out;
  }

  /** Numeric case names (1, 2, …, 28) sort numerically, others by text. */
  static int compareIds(String a, String b) {
    if (a.matches("\\d+") && b.matches("\\d+")) {
      return Long.compare(Long.parseLong(a), Long.parseLong(b));
    }
    return a.compareTo(b);
  }
}

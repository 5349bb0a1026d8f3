package org.dfbk.data.dataset;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * BraTS 2023 adult glioma (GLI):
 * {@code <root>/BraTS-GLI-XXXXX-YYY/BraTS-GLI-XXXXX-YYY-<suffix>.nii.gz}.
 *
 * <p>Modality mapping (file suffix → canonical name):
 *
 * <table>
 *   <caption>BraTS 2023 modalities</caption>
 *   <tr><th>suffix</th><th>name</th><th>image</th></tr>
 *   <tr><td>t1n</td><td>T1</td><td>native T1-weighted</td></tr>
 *   <tr><td>t1c</td><td>T1C</td><td>post-contrast (gadolinium) T1-weighted</td></tr>
 *   <tr><td>t2w</td><td>T2</td><td>T2-weighted</td></tr>
 *   <tr><td>t2f</td><td>FLAIR</td><td>T2 fluid-attenuated inversion recovery</td></tr>
 *   <tr><td>seg</td><td>SEG</td><td>tumour labels (training cases only)</td></tr>
 * </table>
 *
 * The other BraTS 2023 collections (MEN, MET, PED, SSA) share this scheme and are accepted too:
 * the subject folder pattern is {@code BraTS-<COLLECTION>-NNNNN-NNN}. Files with an unknown
 * suffix are ignored.
 */
public final class Brats2023Layout implements DatasetLayout {
  /** File suffix to canonical modality name. */
  public static final Map<String, String> MODALITY_NAMES =
      Map.of("t1n", "T1", "t1c", "T1C", "t2w", "T2", "t2f", "FLAIR", "seg", "SEG");

  private static final Pattern SUBJECT = Pattern.compile("BraTS-[A-Z]+-\\d{5}-\\d{3}");

  @Override
  public String name() {
    return "brats2023";
  }

  @Override
  public List<Subject> scan(Path root) {
    return LayoutSupport.scanSubjectFolders(root, name(), SUBJECT, (id, files) -> {
      Pattern file = Pattern.compile(Pattern.quote(id) + "-([a-z0-9]+)\\.nii(\\.gz)?");
      Map<String, Path> mods = new LinkedHashMap<>();
      for (String suffix : List.of("t1n", "t1c", "t2w", "t2f", "seg")) {
        for (Path f : files) {
          Matcher m = file.matcher(f.getFileName().toString());
          if (m.matches() && m.group(1).equals(suffix)) {
            mods.put(MODALITY_NAMES.get(suffix), f);
          }
        }
      }
      return mods;
    }, "folders BraTS-GLI-NNNNN-NNN holding BraTS-GLI-NNNNN-NNN-{t1n,t1c,t2w,t2f,seg}.nii.gz");
  }
}

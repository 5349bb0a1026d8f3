package org.dfbk.train.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.dfbk.data.nifti.NiftiIO;
import org.dfbk.data.transform.DataProfile;
import org.dfbk.data.transform.InputProfile;
import org.dfbk.data.transform.ModalityKind;
import org.dfbk.data.transform.Normalization;
import org.dfbk.data.volume.Canonical;
import org.dfbk.data.volume.Volume;
import org.dfbk.fixtures.SharedData;
import org.junit.jupiter.api.Test;

/**
 * The input checks on real scans (../shared/data/open-ms, skull-stripped, MNI): a held-out patient
 * of the same preparation is not flagged, another contrast is. Skips without the shared data.
 */
class InputCheckOpenMsTest {
  private static InputProfile profile(Path file) {
    Volume raw = NiftiIO.read(file).volume();
    Volume v = Canonical.of(raw.affine()).apply(raw);
    return InputProfile.measure(v, Normalization.fit(ModalityKind.MR, v, file), 2);
  }

  @Test
  void aHeldOutPatientPassesAndAnotherContrastIsNamed() {
    Path root = SharedData.require("data/open-ms");
    InputProfile train = profile(root.resolve("patient07/T1.nii.gz"));
    InputProfile test = profile(root.resolve("patient19/T1.nii.gz"));
    assertFalse(train.looksSkullOn(), "patient07 is skull-stripped: " + train);
    assertFalse(test.looksSkullOn(), "patient19 is skull-stripped: " + test);
    DataProfile trained = DataProfile.of(List.of(train), ModalityKind.MR);
    assertEquals(List.of(), InputCheck.warnings(Path.of("patient19/T1.nii.gz"), test, trained,
        "T1"), "the held-out patient of the same preparation: " + test);
    List<String> t2 = InputCheck.warnings(Path.of("patient19/T2.nii.gz"),
        profile(root.resolve("patient19/T2.nii.gz")), trained, "T1");
    assertTrue(t2.size() == 1 && t2.get(0).contains("intensities inside the foreground"),
        t2.toString());
  }
}

package org.dfbk.train.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dfbk.data.phantom.PhantomGenerator;
import org.dfbk.data.transform.DataProfile;
import org.dfbk.data.transform.InputProfile;
import org.dfbk.data.transform.ModalityKind;
import org.dfbk.data.transform.Normalization;
import org.dfbk.data.volume.Volume;
import org.junit.jupiter.api.Test;

/** Warnings for scans unlike the training data, on constructed (phantom) cases. */
class InputCheckTest {
  private static Volume phantom(int subject, boolean stripped, String modality) {
    return PhantomGenerator.builder().optSize(64, 64, 32).optSeed(5).optSkullStripped(stripped)
        .build().generate(subject).image(modality);
  }

  private static InputProfile profile(Volume v) {
    return InputProfile.measure(v, Normalization.fit(ModalityKind.MR, v, null), 2);
  }

  /** The profile of three skull-stripped T1 phantoms, as a checkpoint of them records it. */
  private static DataProfile strippedT1Training() {
    List<InputProfile> p = new ArrayList<>();
    for (int s = 0; s < 3; s++) {
      p.add(profile(phantom(s, true, "T1")));
    }
    return DataProfile.of(p, ModalityKind.MR);
  }

  @Test
  void aScanLikeTheTrainingDataGivesNoWarning() {
    DataProfile trained = strippedT1Training();
    Volume other = phantom(7, true, "T1");
    assertEquals(List.of(), InputCheck.warnings(Path.of("s7.nii.gz"), profile(other), trained,
        "T1"), "another skull-stripped T1 subject");
    float[] d = other.data().clone();
    for (int i = 0; i < d.length; i++) {
      d[i] *= 1000; // another scanner's intensity units: the normalisation removes them
    }
    assertEquals(List.of(), InputCheck.warnings(Path.of("s7x1000.nii.gz"),
        profile(other.withData(d)), trained, "T1"), "intensities 1000 times larger");
    assertEquals(List.of(), InputCheck.warnings(Path.of("s7.nii.gz"), profile(other), null,
        "T1"), "a checkpoint without a record checks nothing");
  }

  @Test
  void aSkullOnScanIsNamedWithTheFix() {
    List<String> w = InputCheck.warnings(Path.of("raw-t1.nii.gz"), profile(phantom(7, false,
        "T1")), strippedT1Training(), "T1");
    assertEquals(1, w.size(), w.toString());
    String m = w.get(0);
    assertTrue(m.startsWith("raw-t1.nii.gz: foreground covers ") && m.contains("% in training")
        && m.contains("looks skull-on") && m.contains("trained on skull-stripped T1")
        && m.contains("SynthStrip") && m.contains("HD-BET") && m.contains("bet"), m);
  }

  @Test
  void anotherContrastIsNamedByItsIntensities() {
    List<String> w = InputCheck.warnings(Path.of("t2.nii.gz"), profile(phantom(7, true, "T2")),
        strippedT1Training(), "T1");
    assertEquals(1, w.size(), w.toString());
    assertTrue(w.get(0).contains("intensities inside the foreground")
        && w.get(0).contains("check that the scan is T1") && w.get(0).contains("N4"), w.get(0));
  }

  @Test
  void anObliqueGridIsNamed() {
    Volume v = phantom(7, true, "T1");
    double c = Math.cos(Math.toRadians(25));
    double s = Math.sin(Math.toRadians(25));
    double[][] a = v.affine();
    double[][] tilted = {{a[0][0] * c, -a[1][1] * s, 0, a[0][3]},
        {a[0][0] * s, a[1][1] * c, 0, a[1][3]}, {0, 0, a[2][2], a[2][3]}, {0, 0, 0, 1}};
    Volume oblique = new Volume(v.nx(), v.ny(), v.nz(), v.data(), v.voxelSize(), tilted);
    List<String> w = InputCheck.warnings(Path.of("oblique.nii.gz"), profile(oblique),
        strippedT1Training(), "T1");
    assertTrue(w.size() == 1 && w.get(0).contains("tilted 25°")
        && w.get(0).contains("at most 0°") && w.get(0).contains("resample"), w.toString());
  }

  @Test
  void aBackgroundOffsetIsNamed() {
    // a constant added everywhere (a scanner's offset, or a background that is not 0): the
    // whole slice turns foreground and the masked background is gone
    Volume v = phantom(7, true, "T1");
    float[] d = v.data().clone();
    double p = Normalization.fit(ModalityKind.MR, v, null).high();
    for (int i = 0; i < d.length; i++) {
      d[i] += (float) (0.3 * p);
    }
    List<String> w = InputCheck.warnings(Path.of("offset.nii.gz"), profile(v.withData(d)),
        strippedT1Training(), "T1");
    assertTrue(w.size() == 2 && w.get(0).contains("foreground covers 100 %")
        && w.get(1).contains("intensities inside the foreground"), w.toString());
  }
}

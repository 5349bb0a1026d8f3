package org.dfbk.train.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dfbk.core.error.ConfigException;
import org.dfbk.core.error.DataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which truth, source and masks belong to each prediction; nothing is read but names. */
class VolumePairingTest {
  @TempDir Path tmp;

  /** Creates empty files (existence is all the pairing checks). */
  private Path touch(String relative) throws IOException {
    Path p = tmp.resolve(relative);
    Files.createDirectories(p.getParent());
    return Files.write(p, new byte[0]);
  }

  @Test
  void predictionsPairWithTheSameRelativePathUnderTheTruth() throws IOException {
    Path a = touch("pred/s1/T2.nii.gz");
    Path b = touch("pred/s2/T2.nii.gz");
    touch("truth/s1/T2.nii.gz");
    touch("truth/s2/T2.nii.gz");
    List<VolumePairing.Pair> pairs = VolumePairing.pair(
        VolumePairing.Layout.of(tmp.resolve("pred"), tmp.resolve("truth")), List.of(a, b));
    assertEquals(2, pairs.size());
    assertEquals(tmp.resolve("truth/s1/T2.nii.gz"), pairs.get(0).truth());
    assertEquals(tmp.resolve("truth/s2/T2.nii.gz"), pairs.get(1).truth());
    assertEquals("s1/T2", pairs.get(0).subject());
    assertNull(pairs.get(0).source());
    assertNull(pairs.get(0).mask());
    assertNull(pairs.get(0).lesions());
  }

  @Test
  void fixedNamesReplaceTheFileNameInsideTheMatchingFolder() throws IOException {
    Path p = touch("pred/sub-01/synth.nii.gz");
    touch("data/sub-01/T2.nii.gz");
    touch("data/sub-01/T1.nii.gz");
    touch("lesions/sub-01/GOLD.nii.gz");
    touch("masks/sub-01/synth.nii.gz");
    VolumePairing.Pair pair = VolumePairing.pair(new VolumePairing.Layout(tmp.resolve("pred"),
        tmp.resolve("data"), "T2.nii.gz", "T1.nii.gz", tmp.resolve("masks"), false,
        tmp.resolve("lesions"), "GOLD.nii.gz"), List.of(p)).get(0);
    assertEquals(tmp.resolve("data/sub-01/T2.nii.gz"), pair.truth());
    assertEquals(tmp.resolve("data/sub-01/T1.nii.gz"), pair.source());
    assertEquals(tmp.resolve("masks/sub-01/synth.nii.gz"), pair.mask());
    assertEquals(tmp.resolve("lesions/sub-01/GOLD.nii.gz"), pair.lesions());
    assertEquals("sub-01/synth", pair.subject());
  }

  @Test
  void aTruthFileIsTheTruthOfAPredictionFile() throws IOException {
    Path p = touch("out/case.NII.GZ");
    Path t = touch("ref/other-name.nii");
    VolumePairing.Pair pair = VolumePairing.pair(VolumePairing.Layout.of(p, t), List.of(p)).get(0);
    assertEquals(t, pair.truth());
    assertEquals("case", pair.subject(), "a file root: the subject is its file name's stem");
  }

  @Test
  void theSynthRadBodyMaskIsBesideTheTruthUnlessAMaskFolderIsGiven() throws IOException {
    Path p = touch("pred/1BA001/ct.nii.gz");
    touch("truth/1BA001/ct.nii.gz");
    touch("truth/1BA001/mask.nii.gz");
    VolumePairing.Pair beside = VolumePairing.pair(new VolumePairing.Layout(tmp.resolve("pred"),
        tmp.resolve("truth"), null, null, null, true, null, null), List.of(p)).get(0);
    assertEquals(tmp.resolve("truth/1BA001/mask.nii.gz"), beside.mask());
    touch("masks/1BA001/ct.nii.gz");
    VolumePairing.Pair folder = VolumePairing.pair(new VolumePairing.Layout(tmp.resolve("pred"),
        tmp.resolve("truth"), null, null, tmp.resolve("masks"), true, null, null), List.of(p))
        .get(0);
    assertEquals(tmp.resolve("masks/1BA001/ct.nii.gz"), folder.mask());
  }

  @Test
  void everyMissingTruthIsListedBeforeAnythingElseIsChecked() throws IOException {
    Path a = touch("pred/s1/T2.nii.gz");
    Path b = touch("pred/s2/T2.nii.gz");
    Path c = touch("pred/s3/T2.nii.gz");
    touch("truth/s1/T2.nii.gz");
    VolumePairing.Layout layout = new VolumePairing.Layout(tmp.resolve("pred"),
        tmp.resolve("truth"), null, "T1.nii.gz", null, false, null, null);
    DataException e = assertThrows(DataException.class,
        () -> VolumePairing.pair(layout, List.of(a, b, c)));
    String m = e.getMessage();
    assertTrue(m.contains("2 of 3") && m.contains("s2/T2.nii.gz") && m.contains("s3/T2.nii.gz")
        && m.contains("--truth-name"), m);
    assertFalse(m.contains("source"), "truths are checked before sources: " + m);
  }

  @Test
  void aMissingTruthFolderIsNamed() throws IOException {
    Path a = touch("pred/a.nii.gz");
    DataException e = assertThrows(DataException.class, () -> VolumePairing.pair(
        VolumePairing.Layout.of(tmp.resolve("pred"), tmp.resolve("none")), List.of(a)));
    assertTrue(e.getMessage().contains(tmp.resolve("none") + " does not exist"), e.getMessage());
  }

  @Test
  void missingSourcesAndMasksAreListedWithTheFix() throws IOException {
    Path a = touch("pred/s1/T2.nii.gz");
    touch("truth/s1/T2.nii.gz");
    DataException source = assertThrows(DataException.class, () -> VolumePairing.pair(
        new VolumePairing.Layout(tmp.resolve("pred"), tmp.resolve("truth"), null, "T1.nii.gz",
            null, false, null, null), List.of(a)));
    assertTrue(source.getMessage().contains(tmp.resolve("truth/s1/T1.nii.gz").toString())
        && source.getMessage().contains("--source-name"), source.getMessage());
    DataException masks = assertThrows(DataException.class, () -> VolumePairing.pair(
        new VolumePairing.Layout(tmp.resolve("pred"), tmp.resolve("truth"), null, null, null,
            true, tmp.resolve("lesions"), null), List.of(a)));
    String m = masks.getMessage();
    assertTrue(m.contains("missing 2 mask file(s)") && m.contains("truth/s1/mask.nii.gz")
        && m.contains("lesions/s1/T2.nii.gz"), m);
  }

  @Test
  void aLesionNameWithoutLesionFolderIsAUsageError() {
    ConfigException e = assertThrows(ConfigException.class, () -> new VolumePairing.Layout(
        tmp, tmp, null, null, null, false, null, "GOLD.nii.gz"));
    assertTrue(e.getMessage().contains("--lesions"), e.getMessage());
  }
}

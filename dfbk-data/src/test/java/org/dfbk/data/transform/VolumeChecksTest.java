package org.dfbk.data.transform;

import static org.dfbk.data.transform.NormalizationTest.volume;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.dfbk.core.error.DataException;
import org.dfbk.data.volume.Volume;
import org.junit.jupiter.api.Test;

class VolumeChecksTest {
  private static final Path FILE = Path.of("/data/s1/T1.nii.gz");

  @Test
  void nanAndInfinityAreCountedAndTheFileNamed() {
    float[] d = new float[27];
    d[0] = 1;
    d[3] = Float.NaN;
    d[5] = Float.POSITIVE_INFINITY;
    d[9] = Float.NaN;
    DataException e = assertThrows(DataException.class,
        () -> VolumeChecks.requireUsable(volume(3, 3, 3, d), FILE));
    assertTrue(e.getMessage().contains(FILE.toString()) && e.getMessage().contains(" 3 NaN"),
        e.getMessage());
  }

  @Test
  void allZeroVolumeIsEmpty() {
    DataException e = assertThrows(DataException.class,
        () -> VolumeChecks.requireUsable(volume(3, 3, 3, new float[27]), FILE));
    assertTrue(e.getMessage().contains(FILE.toString()) && e.getMessage().contains("empty"),
        e.getMessage());
  }

  @Test
  void twoDimensionalImageIsRejected() {
    float[] d = new float[16];
    d[0] = 1;
    DataException e = assertThrows(DataException.class,
        () -> VolumeChecks.requireUsable(volume(4, 4, 1, d), FILE));
    assertTrue(e.getMessage().contains("2-D") && e.getMessage().contains("4x4x1"), e.getMessage());
  }

  @Test
  void gridMismatchNamesBothFilesShapesAndAffines() {
    Volume a = volume(3, 3, 3, new float[27]);
    double[][] shifted = {{1, 0, 0, 0.5}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}};
    Volume b = new Volume(3, 3, 3, new float[27], new double[] {1, 1, 1}, shifted);
    Path other = Path.of("/data/s1/T2.nii.gz");
    DataException e = assertThrows(DataException.class,
        () -> VolumeChecks.requireSameGrid(FILE, a, other, b));
    String m = e.getMessage();
    assertTrue(m.contains(FILE.toString()) && m.contains(other.toString()) && m.contains("3x3x3")
        && m.contains("0.5000"), m);
    Volume c = volume(3, 3, 4, new float[36]);
    DataException e2 = assertThrows(DataException.class,
        () -> VolumeChecks.requireSameGrid(FILE, a, other, c));
    assertTrue(e2.getMessage().contains("3x3x4"), e2.getMessage());
    // within 1e-3 mm is one grid
    double[][] tiny = {{1, 0, 0, 0.0009}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}};
    VolumeChecks.requireSameGrid(FILE, a, other,
        new Volume(3, 3, 3, new float[27], new double[] {1, 1, 1}, tiny));
  }
}

package org.dfbk.data.transform;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.dfbk.core.error.DataException;
import org.dfbk.data.volume.Volume;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.Test;

class NormalizationTest {
  static Volume volume(int nx, int ny, int nz, float[] data) {
    double[][] a = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}};
    return new Volume(nx, ny, nz, data, new double[] {1, 1, 1}, a);
  }

  @Test
  void mrPercentileIgnoresNonPositiveVoxelsAndInterpolates() {
    // foreground 1..200 (plus zeros and negatives): position 0.995 * 199 = 198.005 -> 199.005
    float[] d = new float[250];
    for (int i = 0; i < 200; i++) {
      d[i] = i + 1;
    }
    for (int i = 200; i < 250; i++) {
      d[i] = i % 2 == 0 ? 0 : -3;
    }
    Normalization n = Normalization.fit(ModalityKind.MR, volume(5, 5, 10, d), Path.of("t1.nii"));
    Tolerance.assertClose(199.005, n.high(), 1e-9, "99.5th percentile of 1..200");
    Tolerance.assertClose(0, n.low(), 0, "MR low");
  }

  @Test
  void mrMapsClipsAndInverts() {
    Normalization n = new Normalization(ModalityKind.MR, 0, 200);
    Tolerance.assertClose(-1, n.forward(-5), 0, "negative clipped to 0 -> -1");
    Tolerance.assertClose(0, n.forward(100), 1e-7, "half the percentile -> 0");
    Tolerance.assertClose(1, n.forward(450), 0, "above the percentile saturates");
    Tolerance.assertClose(150, n.inverse(n.forward(150)), 1e-4, "inverse of forward(150)");
  }

  @Test
  void ctWindowIsFixed() {
    Normalization n = Normalization.fit(ModalityKind.CT, volume(2, 2, 2, new float[8]), null);
    Tolerance.assertClose(-1, n.forward(-1024), 0, "-1024 HU");
    Tolerance.assertClose(-1, n.forward(-3000), 0, "below the window");
    Tolerance.assertClose(0, n.forward(988), 1e-7, "window centre 988 HU");
    Tolerance.assertClose(1, n.forward(3000), 0, "3000 HU");
    Tolerance.assertClose(40, n.inverse(n.forward(40)), 1e-3, "40 HU round trip");
  }

  @Test
  void mrWithoutPositiveVoxelNamesTheFile() {
    DataException e = assertThrows(DataException.class, () -> Normalization.fit(ModalityKind.MR,
        volume(2, 2, 2, new float[] {0, -1, 0, 0, 0, 0, 0, -2}), Path.of("/d/s1/T2.nii.gz")));
    assertTrue(e.getMessage().contains("/d/s1/T2.nii.gz"), e.getMessage());
  }
}

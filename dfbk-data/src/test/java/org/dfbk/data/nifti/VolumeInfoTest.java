package org.dfbk.data.nifti;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.dfbk.data.volume.Orientation;
import org.dfbk.data.volume.Volume;
import org.dfbk.fixtures.Golden;
import org.dfbk.fixtures.SharedData;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** The inspect summary against numpy/nibabel numbers of the golden files. */
class VolumeInfoTest {
  @TestFactory
  Stream<DynamicTest> statisticsOrientationAndVoxelSizesMatchNibabel() {
    Path dir = NiftiGoldenTest.goldenDir();
    JsonObject ref = Golden.file(dir.resolve("expected.json"));
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonElement e : ref.getAsJsonArray("files")) {
      JsonObject r = e.getAsJsonObject();
      String name = r.get("file").getAsString();
      tests.add(DynamicTest.dynamicTest(name, () -> {
        VolumeInfo info = VolumeInfo.inspect(dir.resolve(name));
        assertEquals(r.get("axcodes").getAsString(), info.orientation(), name + " axis codes");
        Tolerance.assertClose(Golden.flatten(r.get("voxel_sizes")),
            Orientation.voxelSizes(info.affine()), 1e-7, 0, name + " voxel sizes");
        JsonObject s = r.getAsJsonObject("volume0_stats");
        String[] keys = {"min", "max", "mean", "p1", "p50", "p99", "p99_5"};
        double[] found = {info.min(), info.max(), info.mean(), info.p1(), info.p50(), info.p99(),
            info.p99_5()};
        for (int i = 0; i < keys.length; i++) {
          double expected = s.get(keys[i]).getAsDouble();
          Tolerance.assertClose(expected, found[i], 1e-6 * Math.max(1, Math.abs(expected)),
              name + " " + keys[i]);
        }
      }));
    }
    return tests.stream();
  }

  @Test
  void axisCodesOfSimpleAffines() {
    assertEquals("RAS", Orientation.axisCodes(diag(1, 1, 1)), "identity");
    assertEquals("LAS", Orientation.axisCodes(diag(-2, 2, 2)), "x flipped");
    assertEquals("LPS", Orientation.axisCodes(diag(-1, -1, 1)), "DICOM-like");
    double[][] permuted = {{0, 0, 3, 0}, {1, 0, 0, 0}, {0, -2, 0, 0}, {0, 0, 0, 1}};
    assertEquals("AIR", Orientation.axisCodes(permuted), "permuted axes");
  }

  @Test
  void summaryOfARealFileAndItsJson() {
    Path file = SharedData.require("data/nifti-conformance/example4d.nii.gz");
    VolumeInfo info = VolumeInfo.inspect(file, 1);
    assertArrayEquals(new int[] {128, 96, 24, 2}, info.shape(), "shape");
    assertEquals("LAS", info.orientation(), "orientation of example4d (nibabel aff2axcodes)");
    assertEquals(2, info.volumeCount(), "volume count");
    assertEquals("sform", info.affineSource(), "affine source");
    JsonObject json = JsonParser.parseString(info.toJson()).getAsJsonObject();
    assertEquals("int16", json.get("dataType").getAsString(), "json dataType");
    assertEquals(1, json.get("volumeIndex").getAsInt(), "json volumeIndex");
    assertEquals(info.p99_5(), json.get("p99_5").getAsDouble(), "json p99_5");
    String text = info.toText();
    assertTrue(text.contains("128 x 96 x 24 x 2") && text.contains("LAS")
        && text.contains("statistics of volume 1"), "text summary:\n" + text);
  }

  @Test
  void jsonOfAVolumeWithoutFiniteVoxelsWritesNonFiniteNumbersAsStrings(@TempDir Path dir) {
    float[] data = new float[2 * 3 * 4];
    Arrays.fill(data, Float.NaN);
    data[5] = Float.POSITIVE_INFINITY;
    Path file = dir.resolve("no-finite.nii");
    NiftiIO.writeFloat32(file, new Volume(2, 3, 4, data, new double[] {1, 1, 1}, diag(1, 1, 1)),
        null);
    String json = VolumeInfo.inspect(file).toJson();
    assertFalse(json.contains("NaN") || json.contains("Infinity"), "no bare non-finite: " + json);
    JsonObject o = JsonParser.parseString(json).getAsJsonObject();
    assertEquals("nan", o.get("min").getAsString(), json);
    assertEquals("nan", o.get("p99_5").getAsString(), json);
    assertEquals(24, o.get("nonFiniteVoxels").getAsLong(), json);
    assertEquals(1.0, o.getAsJsonArray("voxelSize").get(0).getAsDouble(), json);
  }

  private static double[][] diag(double x, double y, double z) {
    return new double[][] {{x, 0, 0, 0}, {0, y, 0, 0}, {0, 0, z, 0}, {0, 0, 0, 1}};
  }
}

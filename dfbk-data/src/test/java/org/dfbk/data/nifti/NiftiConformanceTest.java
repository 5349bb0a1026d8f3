package org.dfbk.data.nifti;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.dfbk.fixtures.Golden;
import org.dfbk.fixtures.SharedData;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every file of the shared NIfTI conformance set read as nibabel 5.0 reads it (values recorded
 * in reference/nifti-conformance.json): shape, on-disk dtype and byte order, pixdim, affine,
 * xform codes, scaled sum/min/max and voxels at Fortran (x fastest) flat indices.
 */
class NiftiConformanceTest {
  private static final double AFFINE_ATOL = 1e-5;

  @TestFactory
  Stream<DynamicTest> agreesWithNibabelOnEveryConformanceFile() {
    Path json = SharedData.require("reference/nifti-conformance.json");
    Path dir = SharedData.require("data/nifti-conformance");
    JsonObject ref = Golden.file(json);
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonElement e : ref.getAsJsonArray("files")) {
      JsonObject entry = e.getAsJsonObject();
      String name = entry.get("file").getAsString();
      tests.add(DynamicTest.dynamicTest(name, () -> check(dir.resolve(name), entry)));
    }
    return tests.stream();
  }

  /** Checks one file against a nibabel record (reference JSON layout). */
  static void check(Path file, JsonObject ref) {
    NiftiImage img = NiftiIO.read(file);
    NiftiHeader h = img.header();
    String f = file.getFileName() + ": ";
    assertEquals(ref.get("nifti_version").getAsInt(), h.version(), f + "NIfTI version");
    int[] shape = toInt(Golden.flatten(ref.get("shape")));
    assertArrayEquals(shape, h.dims(), f + "shape");

    String dtype = ref.has("on_disk_dtype") ? ref.get("on_disk_dtype").getAsString()
        : ref.get("dtype").getAsString();
    assertEquals(numpyType(dtype), h.dataType(), f + "on-disk dtype " + dtype);
    ByteOrder order = ref.get("byte_order").getAsString().equals(">")
        ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    if (h.dataType().bytes() > 1) {
      assertEquals(order, h.byteOrder(), f + "byte order");
    }

    Tolerance.assertClose(Golden.flatten(ref.get("pixdim")), h.pixdim(), 1e-7, 0, f + "pixdim");
    assertEquals(ref.get("qform_code").getAsInt(), h.qformCode(), f + "qform_code");
    assertEquals(ref.get("sform_code").getAsInt(), h.sformCode(), f + "sform_code");
    Tolerance.assertClose(Golden.flatten(ref.get("affine")), flat(h.affine()), 0, AFFINE_ATOL,
        f + "affine");
    // nibabel moves the scaling into the image's data object and resets the header's fields to
    // NaN, so the reference records null there; the scaled statistics below test the scaling.
    if (ref.has("scl_slope") && !ref.get("scl_slope").isJsonNull()) {
      Tolerance.assertClose(ref.get("scl_slope").getAsDouble(), h.effectiveSlope(), 1e-7,
          f + "scl_slope");
      Tolerance.assertClose(ref.get("scl_inter").getAsDouble(), h.effectiveInter(), 1e-7,
          f + "scl_inter");
    }

    int perVolume = (int) h.voxelsPerVolume();
    double sum = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (int t = 0; t < img.volumeCount(); t++) {
      for (float v : img.volumeData(t)) {
        sum += v;
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    double refSum = ref.get("scaled_sum").getAsDouble();
    Tolerance.assertClose(refSum, sum, 1e-6 * Math.abs(refSum), f + "scaled sum");
    double refMin = ref.get("scaled_min").getAsDouble();
    double refMax = ref.get("scaled_max").getAsDouble();
    Tolerance.assertClose(refMin, min, 1e-6 * Math.max(1, Math.abs(refMin)), f + "scaled min");
    Tolerance.assertClose(refMax, max, 1e-6 * Math.max(1, Math.abs(refMax)), f + "scaled max");

    for (Map.Entry<String, JsonElement> s : ref.getAsJsonObject("fortran_order_samples")
        .entrySet()) {
      long flatIndex = Long.parseLong(s.getKey());
      int t = (int) (flatIndex / perVolume);
      int i = (int) (flatIndex % perVolume);
      double expected = s.getValue().getAsDouble();
      Tolerance.assertClose(expected, img.volumeData(t)[i], 1e-6 * Math.max(1, Math.abs(expected)),
          f + "voxel at Fortran flat index " + flatIndex + " (volume " + t + ")");
    }
  }

  /** numpy dtype string ("int16", ">i2", "<f4", "|u1") to the NIfTI type. */
  static NiftiDataType numpyType(String dtype) {
    String d = dtype.replaceAll("^[<>|=]", "");
    return switch (d) {
      case "u1", "uint8" -> NiftiDataType.UINT8;
      case "i1", "int8" -> NiftiDataType.INT8;
      case "i2", "int16" -> NiftiDataType.INT16;
      case "u2", "uint16" -> NiftiDataType.UINT16;
      case "i4", "int32" -> NiftiDataType.INT32;
      case "f4", "float32" -> NiftiDataType.FLOAT32;
      case "f8", "float64" -> NiftiDataType.FLOAT64;
      default -> throw new IllegalArgumentException("unknown numpy dtype " + dtype);
    };
  }

  static double[] flat(double[][] m) {
    double[] out = new double[16];
    for (int i = 0; i < 4; i++) {
      System.arraycopy(m[i], 0, out, 4 * i, 4);
    }
    return out;
  }

  private static int[] toInt(double[] d) {
    int[] out = new int[d.length];
    for (int i = 0; i < d.length; i++) {
      out[i] = (int) d[i];
    }
    return out;
  }
}

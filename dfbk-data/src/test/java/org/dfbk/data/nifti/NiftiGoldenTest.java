package org.dfbk.data.nifti;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.net.URISyntaxException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.dfbk.core.error.DataException;
import org.dfbk.fixtures.Golden;
import org.dfbk.fixtures.SharedData;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Small files written by nibabel (scripts/reference/nifti_golden.py) that cover what the shared
 * conformance set lacks: qform-only and no-xform affines, big-endian NIfTI-1 and NIfTI-2,
 * .hdr/.img and gzipped pairs, every datatype, float scaling; and nibabel's reading of the
 * shared header-only files.
 */
class NiftiGoldenTest {
  static Path goldenDir() {
    try {
      return Path.of(NiftiGoldenTest.class.getResource("golden/expected.json").toURI())
          .getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @TestFactory
  Stream<DynamicTest> readsLikeNibabel() {
    Path dir = goldenDir();
    JsonObject ref = Golden.file(dir.resolve("expected.json"));
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonElement e : ref.getAsJsonArray("files")) {
      JsonObject entry = e.getAsJsonObject();
      String name = entry.get("file").getAsString();
      tests.add(DynamicTest.dynamicTest(name,
          () -> NiftiConformanceTest.check(dir.resolve(name), entry)));
    }
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> headerOnlyFilesGiveNibabelsHeaderAndNoData() {
    Path shared = SharedData.require("data/nifti-conformance");
    JsonObject ref = Golden.file(goldenDir().resolve("expected.json"));
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonElement e : ref.getAsJsonArray("header_only")) {
      JsonObject r = e.getAsJsonObject();
      Path file = shared.resolve(r.get("file").getAsString());
      tests.add(DynamicTest.dynamicTest(r.get("file").getAsString(), () -> {
        NiftiHeader h = NiftiIO.readHeader(file);
        assertEquals(r.get("nifti_version").getAsInt(), h.version(), "version");
        assertEquals(r.get("magic").getAsString(), h.magic(), "magic");
        assertArrayEquals(new int[] {91, 109, 91}, h.dims(), "dims");
        Tolerance.assertClose(Golden.flatten(r.get("shape")),
            java.util.Arrays.stream(h.dims()).asDoubleStream().toArray(), 0, 0, "shape");
        assertEquals(NiftiConformanceTest.numpyType(r.get("dtype").getAsString()), h.dataType(),
            "datatype");
        assertEquals(r.get("byte_order").getAsString().equals(">") ? ByteOrder.BIG_ENDIAN
            : ByteOrder.LITTLE_ENDIAN, h.byteOrder(), "byte order");
        Tolerance.assertClose(Golden.flatten(r.get("pixdim")), h.pixdim(), 1e-7, 0, "pixdim");
        Tolerance.assertClose(Golden.flatten(r.get("affine")),
            NiftiConformanceTest.flat(h.affine()), 0, 1e-5, "affine");
        assertEquals(r.get("qform_code").getAsInt(), h.qformCode(), "qform_code");
        assertEquals(r.get("sform_code").getAsInt(), h.sformCode(), "sform_code");
        assertEquals(r.get("scl_slope").getAsDouble(), h.sclSlope(), "scl_slope");
        assertEquals(r.get("scl_inter").getAsDouble(), h.sclInter(), "scl_inter");
        assertEquals(r.get("vox_offset").getAsLong(), h.voxOffset(), "vox_offset");

        DataException ex = assertThrows(DataException.class, () -> NiftiIO.read(file));
        assertTrue(ex.getMessage().contains(file.getFileName().toString())
                && ex.getMessage().contains(".img"),
            "missing .img message names the header and the .img: " + ex.getMessage());
      }));
    }
    return tests.stream();
  }
}

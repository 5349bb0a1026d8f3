package org.dfbk.data.nifti;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import org.dfbk.core.error.DataException;
import org.dfbk.fixtures.SharedData;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link NiftiHeaderCodec#encode} against nibabel: headers nibabel wrote (the golden files of
 * scripts/reference/nifti_golden.py and the shared conformance set) parse and re-encode to
 * their own bytes, and nibabel reads every field of a NIfTI-1 and a NIfTI-2 header dfbk encodes
 * as the value dfbk put there; and the checks that refuse values a version cannot hold.
 */
class NiftiHeaderEncodeTest {
  private static final String PYTHON = "/usr/bin/python3";
  /**
   * Prints every field of the header of argv[1] as nibabel reads it from the file (with its
   * checks; {@code nib.load} would reset scl_slope, scl_inter and vox_offset in the image's
   * copy), as JSON, text fields as Latin-1.
   */
  private static final String DUMP_HEADER = String.join("\n",
      "import json, struct, sys, nibabel as nib",
      "with open(sys.argv[1], 'rb') as f:",
      "    first = f.read(4)",
      "    f.seek(0)",
      "    v2 = 540 in struct.unpack('<i', first) + struct.unpack('>i', first)",
      "    h = (nib.Nifti2Header if v2 else nib.Nifti1Header).from_fileobj(f, check=True)",
      "out = {'__class__': type(h).__name__, '__endianness__': h.endianness}",
      "for k in h.keys():",
      "    v = h[k]",
      "    out[k] = v.item().decode('latin-1') if v.dtype.kind == 'S' else v.tolist()",
      "print(json.dumps(out))");
  /**
   * NIfTI-1's byte 38, "regular": an unused ANALYZE flag that dfbk (as older nibabel and the
   * shared files' writers) sets to 'r' and nibabel 5 leaves 0.
   */
  private static final int NIFTI1_REGULAR = 38;

  @TempDir
  Path tmp;

  // ---------------------------------------------------------------- nibabel's own headers

  @Test
  void goldenHeadersWrittenByNibabelReencodeToTheirBytes() throws IOException {
    int checked = reencodeAll(NiftiGoldenTest.goldenDir());
    assertTrue(checked >= 7, "golden headers found: " + checked);
  }

  @Test
  void sharedConformanceHeadersReencodeToTheirBytes() throws IOException {
    int checked = reencodeAll(SharedData.require("data/nifti-conformance"));
    assertTrue(checked >= 7, "conformance headers found: " + checked);
  }

  /** Re-encodes the header of every .nii/.hdr (gzipped or not) in {@code dir}; returns how many. */
  private static int reencodeAll(Path dir) throws IOException {
    int n = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path p : files) {
        String name = p.getFileName().toString();
        if (name.matches(".*\\.(nii|hdr)(\\.gz)?")) {
          assertReencodes(p);
          n++;
        }
      }
    }
    return n;
  }

  private static void assertReencodes(Path p) throws IOException {
    byte[] raw;
    try (InputStream in = Files.newInputStream(p);
        InputStream data = p.toString().endsWith(".gz") ? new GZIPInputStream(in) : in) {
      raw = data.readNBytes(NiftiHeader.NIFTI2_SIZE);
    }
    int[] vo = NiftiHeader.detect(raw, p);
    int size = vo[0] == 1 ? NiftiHeader.NIFTI1_SIZE : NiftiHeader.NIFTI2_SIZE;
    ByteOrder order = vo[1] == 0 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    byte[] header = java.util.Arrays.copyOf(raw, size);
    NiftiHeader h = NiftiHeaderCodec.parse(header, vo[0], order, p);
    byte[] again = NiftiHeaderCodec.encode(h, vo[0], order, p);
    List<String> diffs = new ArrayList<>();
    for (int b = 0; b < size; b++) {
      boolean regular = vo[0] == 1 && b == NIFTI1_REGULAR;
      if (header[b] != again[b] && !regular && !afterTextEnd(header, vo[0], b)) {
        diffs.add("byte " + b + " (" + fieldAt(vo[0], b) + "): file " + header[b] + ", dfbk "
            + again[b]);
      }
    }
    assertEquals(List.of(), diffs, p + " (NIfTI-" + vo[0] + ", " + order + ") re-encoded");
  }

  /**
   * True when byte {@code b} of a text field follows the NUL that ends the text: some writers
   * leave old text there (example4d's descrip), which no reader sees and dfbk writes as zeros.
   */
  private static boolean afterTextEnd(byte[] header, int version, int b) {
    for (NiftiField f : NiftiField.values()) {
      NiftiField.Layout at = f.layout(version);
      if (at != null && f.value() instanceof NiftiField.Text && b >= at.offset()
          && b < at.offset() + at.size()) {
        for (int i = at.offset(); i < b; i++) {
          if (header[i] == 0) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static String fieldAt(int version, int b) {
    for (NiftiField f : NiftiField.values()) {
      NiftiField.Layout at = f.layout(version);
      if (at != null && b >= at.offset() && b < at.offset() + at.size()) {
        return f.standardName();
      }
    }
    return "unused";
  }

  // ---------------------------------------------------------------- nibabel reads dfbk's headers

  /**
   * A header with a distinct value in every field. Reals are exact in float32 (sums of a few
   * powers of two), so NIfTI-1 stores them unchanged and the comparisons below are exact.
   */
  private static NiftiHeader everyFieldSet() {
    NiftiHeader h = new NiftiHeader();
    h.magic = "n+1";
    h.dim = new long[] {3, 4, 3, 2, 1, 1, 1, 1};
    h.pixdim = new double[] {-1, 1.5, 2.25, 3.5, 4.75, 5.125, 6.0625, 7.5};
    h.datatypeCode = NiftiDataType.UINT8.code();
    h.bitpix = 8;
    h.intentP1 = 0.25;
    h.intentP2 = -8.5;
    h.intentP3 = 1024.125;
    h.intentCode = 1002;
    h.intentName = "label-check";
    h.sclSlope = 2.5;
    h.sclInter = -3.75;
    h.calMax = 900.5;
    h.calMin = -12.25;
    h.sliceStart = 1;
    h.sliceEnd = 2;
    h.sliceCode = 4;
    h.sliceDuration = 0.0625;
    h.toffset = -1.5;
    h.xyztUnits = NiftiHeader.UNITS_MM | 16;
    h.dimInfo = 1 | 2 << 2 | 3 << 4;
    h.descrip = "every field set";
    h.auxFile = "aux.txt";
    h.qformCode = 1;
    h.sformCode = 4;
    h.quaternB = 0.125;
    h.quaternC = -0.25;
    h.quaternD = 0.5;
    h.qoffsetX = -10.5;
    h.qoffsetY = 20.25;
    h.qoffsetZ = 30.125;
    h.srow = new double[][] {{1.5, 0.125, -0.25, -10.5}, {0.375, 2.25, 0.0625, 20.25},
        {-0.5, 0.75, 3.5, 30.125}};
    return h;
  }

  /**
   * What nibabel must report for {@link #everyFieldSet()} written as {@code version}: every key
   * of nibabel's header, the unused ones included, written out by hand.
   */
  private static Map<String, Object> expectedByNibabel(int version) {
    Map<String, Object> e = new TreeMap<>();
    e.put("sizeof_hdr", version == 1 ? 348 : 540);
    e.put("magic", "n+" + version);
    e.put("dim", List.of(3, 4, 3, 2, 1, 1, 1, 1));
    e.put("pixdim", List.of(-1, 1.5, 2.25, 3.5, 4.75, 5.125, 6.0625, 7.5));
    e.put("datatype", 2);
    e.put("bitpix", 8);
    e.put("vox_offset", version == 1 ? 352 : 544);
    e.put("intent_p1", 0.25);
    e.put("intent_p2", -8.5);
    e.put("intent_p3", 1024.125);
    e.put("intent_code", 1002);
    e.put("intent_name", "label-check");
    e.put("scl_slope", 2.5);
    e.put("scl_inter", -3.75);
    e.put("cal_max", 900.5);
    e.put("cal_min", -12.25);
    e.put("slice_start", 1);
    e.put("slice_end", 2);
    e.put("slice_code", 4);
    e.put("slice_duration", 0.0625);
    e.put("toffset", -1.5);
    e.put("xyzt_units", 18);
    e.put("dim_info", 57);
    e.put("descrip", "every field set");
    e.put("aux_file", "aux.txt");
    e.put("qform_code", 1);
    e.put("sform_code", 4);
    e.put("quatern_b", 0.125);
    e.put("quatern_c", -0.25);
    e.put("quatern_d", 0.5);
    e.put("qoffset_x", -10.5);
    e.put("qoffset_y", 20.25);
    e.put("qoffset_z", 30.125);
    e.put("srow_x", List.of(1.5, 0.125, -0.25, -10.5));
    e.put("srow_y", List.of(0.375, 2.25, 0.0625, 20.25));
    e.put("srow_z", List.of(-0.5, 0.75, 3.5, 30.125));
    if (version == 1) {
      e.put("regular", "r");
      e.put("data_type", "");
      e.put("db_name", "");
      e.put("extents", 0);
      e.put("session_error", 0);
      e.put("glmax", 0);
      e.put("glmin", 0);
    } else {
      e.put("eol_check", List.of(13, 10, 26, 10));
      e.put("unused_str", "");
    }
    return e;
  }

  @Test
  void nibabelReadsEveryFieldOfAnEncodedHeader() throws Exception {
    requireNibabel();
    for (int version : new int[] {1, 2}) {
      for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
        NiftiHeader h = everyFieldSet();
        h.voxOffset = (version == 1 ? NiftiHeader.NIFTI1_SIZE : NiftiHeader.NIFTI2_SIZE) + 4;
        String name = "v" + version + "-" + order + ".nii";
        Path file = tmp.resolve(name);
        byte[] header = NiftiHeaderCodec.encode(h, version, order, file);
        byte[] voxels = new byte[4 * 3 * 2];
        Files.write(file, ByteBuffer.allocate(header.length + voxels.length).put(header)
            .put(voxels).array());

        JsonObject nib = dumpHeader(file);
        assertEquals(version == 1 ? "Nifti1Header" : "Nifti2Header",
            nib.get("__class__").getAsString(), name);
        assertEquals(order == ByteOrder.LITTLE_ENDIAN ? "<" : ">",
            nib.get("__endianness__").getAsString(), name);
        Map<String, Object> expected = expectedByNibabel(version);
        List<String> wrong = new ArrayList<>();
        for (String key : nib.keySet()) {
          if (key.startsWith("__")) {
            continue;
          }
          Object want = expected.remove(key);
          if (want == null) {
            wrong.add(key + ": not expected, nibabel reads " + nib.get(key));
          } else if (!same(want, nib.get(key))) {
            wrong.add(key + ": expected " + want + ", nibabel reads " + nib.get(key));
          }
        }
        expected.keySet().forEach(k -> wrong.add(k + ": nibabel has no such field"));
        assertEquals(List.of(), wrong, name + ": fields nibabel reads differently");

        byte[] reparsed = NiftiHeaderCodec.encode(NiftiHeaderCodec.parse(
            java.util.Arrays.copyOf(header, header.length - 4), version, order, file), version,
            order, file);
        assertArrayEquals(header, reparsed, name + ": parse then encode gives the same bytes");
      }
    }
  }

  /** Exact comparison (all values are exact in float32, see {@link #everyFieldSet()}). */
  private static boolean same(Object want, JsonElement got) {
    if (want instanceof List<?> list) {
      if (!got.isJsonArray() || got.getAsJsonArray().size() != list.size()) {
        return false;
      }
      for (int i = 0; i < list.size(); i++) {
        if (!same(list.get(i), got.getAsJsonArray().get(i))) {
          return false;
        }
      }
      return true;
    }
    if (want instanceof String s) {
      return got.isJsonPrimitive() && s.equals(got.getAsString());
    }
    return got.isJsonPrimitive() && got.getAsJsonPrimitive().isNumber()
        && ((Number) want).doubleValue() == got.getAsDouble();
  }

  private static Boolean nibabelPresent;

  private static synchronized void requireNibabel() throws InterruptedException {
    if (nibabelPresent == null) {
      boolean ok;
      try {
        Process p = new ProcessBuilder(PYTHON, "-c", "import nibabel").redirectErrorStream(true)
            .start();
        ok = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
      } catch (IOException e) {
        ok = false;
      }
      nibabelPresent = ok;
    }
    Assumptions.assumeTrue(nibabelPresent, PYTHON + " with nibabel is not available: skipping"
        + " (install python3-nibabel to run this check)");
  }

  private static JsonObject dumpHeader(Path file) throws Exception {
    Process p = new ProcessBuilder(PYTHON, "-c", DUMP_HEADER, file.toString()).start();
    byte[] out = p.getInputStream().readAllBytes();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("nibabel failed to read " + file + ": " + err);
    }
    return JsonParser.parseString(new String(out, StandardCharsets.UTF_8)).getAsJsonObject();
  }

  // ---------------------------------------------------------------- what a version can hold

  /** Encoding {@link #everyFieldSet()} changed by {@code change} fails with every fragment. */
  private void expectRefused(int version, Consumer<NiftiHeader> change, String... fragments) {
    NiftiHeader h = everyFieldSet();
    change.accept(h);
    Path out = tmp.resolve("out.nii");
    DataException e = assertThrows(DataException.class,
        () -> NiftiHeaderCodec.encode(h, version, ByteOrder.LITTLE_ENDIAN, out));
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "message should contain \"" + f + "\": "
          + e.getMessage());
    }
    assertTrue(e.getMessage().contains(out.toString()), "names the file: " + e.getMessage());
  }

  @Test
  void nifti1RefusesEachValueItCannotHold() {
    expectRefused(1, h -> h.dim[3] = 40_000, "dim[3] = 40000 exceeds 32767", "crop");
    expectRefused(1, h -> h.dim[6] = -40_000, "dim[6] = -40000 is outside -32768..32767");
    expectRefused(1, h -> h.pixdim[2] = 1e39, "pixdim[2] = 1.0E39 is beyond the float32");
    expectRefused(1, h -> h.intentP3 = -1e39, "intent_p3 = -1.0E39");
    expectRefused(1, h -> h.sclInter = 1e40, "scl_inter = 1.0E40");
    expectRefused(1, h -> h.calMin = 1e300, "cal_min = 1.0E300");
    expectRefused(1, h -> h.sliceDuration = 4e38, "slice_duration = 4.0E38");
    expectRefused(1, h -> h.toffset = -4e38, "toffset = -4.0E38");
    expectRefused(1, h -> h.quaternC = 1e39, "quatern_c = 1.0E39");
    expectRefused(1, h -> h.qoffsetY = 1e39, "qoffset_y = 1.0E39");
    expectRefused(1, h -> h.srow[2][1] = -1e39, "srow_z[1] = -1.0E39");
    expectRefused(1, h -> h.intentCode = 40_000, "intent_code = 40000 is outside -32768..32767",
        "a value in range");
    expectRefused(1, h -> h.sliceEnd = -40_000, "slice_end = -40000 is outside");
    expectRefused(1, h -> h.qformCode = 32_768, "qform_code = 32768 is outside");
    expectRefused(1, h -> h.sformCode = 1 << 20, "sform_code = 1048576 is outside");
    expectRefused(1, h -> h.sliceCode = 256, "slice_code = 256 is outside 0..255");
    expectRefused(1, h -> h.xyztUnits = -1, "xyzt_units = -1 is outside 0..255");
    expectRefused(1, h -> h.dimInfo = 300, "dim_info = 300 is outside 0..255");
    // 2^24 + 1 is the first whole number float32 rounds (24-bit significand)
    expectRefused(1, h -> h.voxOffset = (1 << 24) + 1, "vox_offset = 16777217 has no exact"
        + " float32 value");
  }

  @Test
  void theFirstValueReportedIsTheAxisSizeThenRealsThenIntegersWideToNarrow() {
    expectRefused(1, h -> {
      h.dimInfo = 300;
      h.pixdim[1] = 1e39;
      h.dim[1] = 40_000;
    }, "dim[1] = 40000");
    expectRefused(1, h -> {
      h.dimInfo = 300;
      h.srow[0][0] = 1e39;
      h.intentCode = 40_000;
    }, "srow_x[0] = 1.0E39");
    expectRefused(1, h -> {
      h.sliceCode = 256;
      h.sformCode = 40_000;
    }, "sform_code = 40000");
    expectRefused(1, h -> {
      h.pixdim[7] = 1e39;
      h.intentP1 = 1e39;
    }, "pixdim[7] = 1.0E39");
  }

  @Test
  void nonFiniteRealsAreStoredAsTheyAre() {
    NiftiHeader h = everyFieldSet();
    h.calMax = Double.POSITIVE_INFINITY;
    h.intentP2 = Double.NaN;
    ByteBuffer bb = ByteBuffer.wrap(NiftiHeaderCodec.encode(h, 1, ByteOrder.LITTLE_ENDIAN,
        tmp.resolve("inf.nii"))).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(Float.POSITIVE_INFINITY, bb.getFloat(124), "cal_max");
    assertTrue(Float.isNaN(bb.getFloat(60)), "intent_p2");
  }

  @Test
  void nifti2HoldsWhatNifti1CannotButNotADimInfoAbove255() {
    NiftiHeader h = everyFieldSet();
    h.dim[1] = 40_000;
    h.intentP1 = 1e300;
    h.sliceStart = 1L << 40;
    h.intentCode = 40_000;
    ByteBuffer bb = ByteBuffer.wrap(NiftiHeaderCodec.encode(h, 2, ByteOrder.BIG_ENDIAN,
        tmp.resolve("big.nii"))).order(ByteOrder.BIG_ENDIAN);
    // offsets from nifti2.h: dim at 16 (int64[8]), intent_p1 at 80, slice_start at 224,
    // intent_code at 504
    assertEquals(40_000L, bb.getLong(16 + 8), "dim[1]");
    assertEquals(1e300, bb.getDouble(80), "intent_p1");
    assertEquals(1L << 40, bb.getLong(224), "slice_start");
    assertEquals(40_000, bb.getInt(504), "intent_code");
    expectRefused(2, x -> x.dimInfo = 256, "as NIfTI-2: dim_info = 256 is outside 0..255");
  }
}

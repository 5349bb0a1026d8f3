package org.dfbk.data.nifti;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.dfbk.core.error.DataException;
import org.dfbk.data.volume.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Header numbers out of range (too large for the type dfbk narrows them to, negative, NaN,
 * inconsistent with each other or with the file's length) are a DataException naming the file,
 * the field and the value, and no buffer is sized from a number before it has been checked.
 */
class NiftiHeaderRangeTest {
  private static final long TWO_TO_40 = 1L << 40;

  @TempDir
  Path tmp;

  private static ByteBuffer header(byte[] file, ByteOrder order) {
    return ByteBuffer.wrap(file).order(order);
  }

  private Path file(String name, byte[] content) throws IOException {
    Path p = tmp.resolve(name);
    Files.write(p, content);
    return p;
  }

  /** A valid 5x4x3 file with {@code field} overwritten by {@code value}. */
  private Path withField(String name, int version, NiftiDataType type, String field,
      double value) throws IOException {
    byte[] b = RawNifti.image(version, ByteOrder.LITTLE_ENDIAN, type, 5, 4, 3, 1);
    RawNifti.put(header(b, ByteOrder.LITTLE_ENDIAN), RawNifti.field(version, field), value);
    return file(name, b);
  }

  private Path withField(String name, int version, String field, long value) throws IOException {
    byte[] b = RawNifti.image(version, ByteOrder.LITTLE_ENDIAN, NiftiDataType.INT16, 5, 4, 3, 1);
    RawNifti.put(header(b, ByteOrder.LITTLE_ENDIAN), RawNifti.field(version, field), value);
    return file(name, b);
  }

  /** Asserts a DataException (exit code 3) whose message contains every fragment. */
  private static DataException expectData(Executable call, String... fragments) {
    DataException e = assertThrows(DataException.class, call);
    String msg = e.getMessage().toLowerCase(Locale.ROOT);
    for (String f : fragments) {
      assertTrue(msg.contains(f.toLowerCase(Locale.ROOT)),
          "message should contain \"" + f + "\": " + e.getMessage());
    }
    return e;
  }

  @Test
  void generatedFilesOfEveryKindReadBack() throws IOException {
    for (int version : new int[] {1, 2}) {
      for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
        for (NiftiDataType type : NiftiDataType.values()) {
          String name = "v" + version + "-" + order + "-" + type.numpyName();
          byte[] raw = RawNifti.image(version, order, type, 5, 4, 3, 7);
          for (Path p : new Path[] {file(name + ".nii", raw),
              file(name + ".nii.gz", RawNifti.gzip(raw))}) {
            NiftiImage img = NiftiIO.read(p);
            assertArrayEquals(new int[] {5, 4, 3}, img.header().dims(), p + ": dims");
            assertEquals(type, img.dataType(), p + ": datatype");
            assertEquals(order, img.header().byteOrder(), p + ": byte order");
            assertEquals(version, img.header().version(), p + ": version");
            assertArrayEquals(img.header().qformAffine()[2], img.header().sformAffine()[2], 1e-6,
                p + ": the generated qform and sform agree (row z)");
          }
        }
      }
    }
  }

  @Test
  void nifti2DimsBeyondIntAreNamedNotNarrowed() throws IOException {
    byte[] b = RawNifti.image(2, ByteOrder.LITTLE_ENDIAN, NiftiDataType.FLOAT32, 5, 4, 3, 1);
    ByteBuffer h = header(b, ByteOrder.LITTLE_ENDIAN);
    RawNifti.put(h, RawNifti.field(2, "dim[1]"), TWO_TO_40);
    RawNifti.put(h, RawNifti.field(2, "dim[2]"), TWO_TO_40);
    RawNifti.put(h, RawNifti.field(2, "dim[3]"), 4);
    Path p = file("dims-2e40.nii", b);
    expectData(() -> VolumeInfo.inspect(p), "dims-2e40.nii", "dim[1] = 1099511627776",
        "1..2147483647", "fix");
    expectData(() -> NiftiIO.readHeader(p), "dim[1] = 1099511627776");
  }

  @Test
  void dimCountAndAxisSizesOutOfRange() throws IOException {
    expectData(() -> NiftiIO.read(withField("d0.nii", 1, "dim[0]", 0)), "d0.nii", "dim[0] = 0",
        "1..7");
    expectData(() -> NiftiIO.read(withField("d8.nii", 2, "dim[0]", 8)), "dim[0] = 8");
    expectData(() -> NiftiIO.read(withField("neg.nii", 1, "dim[2]", -5)), "neg.nii",
        "dim[2] = -5");
    expectData(() -> NiftiIO.read(withField("zero.nii", 2, "dim[3]", 0)), "dim[3] = 0");
    expectData(() -> NiftiIO.read(withField("max.nii", 2, "dim[1]", Long.MAX_VALUE)),
        "dim[1] = " + Long.MAX_VALUE);
  }

  @Test
  void dimProductsThatOverflowAreRejected() throws IOException {
    byte[] b = RawNifti.image(2, ByteOrder.BIG_ENDIAN, NiftiDataType.UINT8, 5, 4, 3, 1);
    ByteBuffer h = header(b, ByteOrder.BIG_ENDIAN);
    RawNifti.put(h, RawNifti.field(2, "dim[0]"), 7);
    for (int i = 1; i <= 7; i++) {
      RawNifti.put(h, RawNifti.field(2, "dim[" + i + "]"), Integer.MAX_VALUE);
    }
    Path p = file("product.nii", b);
    expectData(() -> NiftiIO.read(p), "product.nii", "dim[1..7]", "at most "
        + Long.MAX_VALUE + " voxels");

    RawNifti.put(h, RawNifti.field(2, "dim[0]"), 5);
    RawNifti.put(h, RawNifti.field(2, "dim[1]"), 1);
    RawNifti.put(h, RawNifti.field(2, "dim[2]"), 1);
    RawNifti.put(h, RawNifti.field(2, "dim[3]"), 1);
    RawNifti.put(h, RawNifti.field(2, "dim[4]"), 1L << 16);
    RawNifti.put(h, RawNifti.field(2, "dim[5]"), 1L << 16);
    Path volumes = file("volumes.nii", b);
    expectData(() -> NiftiIO.readHeader(volumes), "volumes.nii", "dim[4..5]",
        "at most 2147483647 volumes");
  }

  @Test
  void voxOffsetMustBeAWholeByteInsideTheFile() throws IOException {
    NiftiDataType t = NiftiDataType.INT16;
    expectData(() -> NiftiIO.read(withField("nan.nii", 1, t, "vox_offset", Double.NaN)),
        "nan.nii", "vox_offset = nan", "whole number");
    expectData(() -> NiftiIO.read(withField("inf.nii", 1, t, "vox_offset", 1e38)),
        "vox_offset = 1.0e38");
    expectData(() -> NiftiIO.read(withField("neg.nii", 1, t, "vox_offset", -352)),
        "vox_offset = -352");
    expectData(() -> NiftiIO.read(withField("frac.nii", 1, t, "vox_offset", 352.5)),
        "vox_offset = 352.5");
    expectData(() -> NiftiIO.read(withField("neg2.nii", 2, "vox_offset", -1)),
        "vox_offset = -1");
    expectData(() -> NiftiIO.read(withField("huge2.nii", 2, "vox_offset", Long.MAX_VALUE)),
        "vox_offset = " + Long.MAX_VALUE);
    Path beyond = withField("beyond.nii", 2, "vox_offset", 100_000);
    expectData(() -> NiftiIO.read(beyond), "beyond.nii", "vox_offset = 100000",
        "at most the length", String.valueOf(Files.size(beyond)));
  }

  @Test
  void bitpixMustMatchTheDatatype() throws IOException {
    Path p = withField("bitpix.nii", 1, "bitpix", 8);
    expectData(() -> NiftiIO.read(p), "bitpix.nii", "bitpix = 8", "16", "int16");
  }

  @Test
  void xformCodesOutsideTheStandardAreRejected() throws IOException {
    expectData(() -> NiftiIO.read(withField("q.nii", 1, "qform_code", 7)), "q.nii",
        "qform_code = 7", "0..5");
    expectData(() -> NiftiIO.read(withField("s.nii", 2, "sform_code", -1)), "s.nii",
        "sform_code = -1");
    expectData(() -> NiftiIO.read(withField("big.nii", 2, "sform_code", 1 << 20)),
        "sform_code = 1048576");
  }

  @Test
  void usedVoxelSizesMustBeFinite() throws IOException {
    NiftiDataType t = NiftiDataType.FLOAT32;
    // the sform is the affine, so only the voxel-size check sees pixdim
    expectData(() -> NiftiIO.read(withField("pix.nii", 1, t, "pixdim[2]", Double.NaN)),
        "pix.nii", "pixdim[2] = nan", "finite");
    expectData(() -> NiftiIO.read(withField("pixinf.nii", 2, t, "pixdim[3]",
        Double.POSITIVE_INFINITY)), "pixdim[3] = infinity");
    NiftiImage unused = NiftiIO.read(withField("pix5.nii", 1, t, "pixdim[5]", Double.NaN));
    assertEquals(3, unused.header().ndim(), "pixdim of unused axes is not checked");
  }

  @Test
  void nifti2DoublesBeyondFloat32AreRejectedWhereUsed() throws IOException {
    NiftiDataType t = NiftiDataType.INT16;
    expectData(() -> NiftiIO.read(withField("p.nii", 2, t, "pixdim[1]", 1e300)), "p.nii",
        "pixdim[1] = 1.0e300", "float32");
    expectData(() -> NiftiIO.read(withField("sl.nii", 2, t, "scl_slope", -1e200)),
        "scl_slope = -1.0e200");
    expectData(() -> NiftiIO.read(withField("in.nii", 2, t, "scl_inter", 1e39)),
        "scl_inter = 1.0e39");
    expectData(() -> NiftiIO.read(withField("sr.nii", 2, t, "srow_y[3]", 1e50)),
        "srow_y[3] (sform) = 1.0e50");
    byte[] b = RawNifti.image(2, ByteOrder.LITTLE_ENDIAN, t, 5, 4, 3, 1);
    ByteBuffer h = header(b, ByteOrder.LITTLE_ENDIAN);
    RawNifti.put(h, RawNifti.field(2, "sform_code"), 0);
    RawNifti.put(h, RawNifti.field(2, "qoffset_z"), -1e40);
    Path q = file("qo.nii", b);
    expectData(() -> NiftiIO.read(q), "qo.nii", "qoffset_z (qform) = -1.0e40");
  }

  @Test
  void quaternionLongerThanOneIsRejectedWhenTheQformIsUsed() throws IOException {
    for (int version : new int[] {1, 2}) {
      byte[] b = RawNifti.image(version, ByteOrder.BIG_ENDIAN, NiftiDataType.UINT8, 5, 4, 3, 1);
      ByteBuffer h = header(b, ByteOrder.BIG_ENDIAN);
      RawNifti.put(h, RawNifti.field(version, "sform_code"), 0);
      RawNifti.put(h, RawNifti.field(version, "quatern_b"), 0.8);
      RawNifti.put(h, RawNifti.field(version, "quatern_c"), 0.8);
      Path p = file("quat" + version + ".nii", b);
      expectData(() -> NiftiIO.read(p), "quat" + version + ".nii", "quatern_b/c/d (qform)",
          "b^2 + c^2 + d^2 = 1.3", "<= 1");
      RawNifti.put(h, RawNifti.field(version, "sform_code"), 1);
      Path withSform = file("quat-sform" + version + ".nii", b);
      assertEquals(1, NiftiIO.read(withSform).header().sformCode(),
          "an unused qform is not judged (nibabel reads the sform only)");
    }
  }

  @Test
  void unitQuaternionRoundedToFloat32IsAccepted() throws IOException {
    byte[] b = RawNifti.image(1, ByteOrder.LITTLE_ENDIAN, NiftiDataType.INT16, 5, 4, 3, 1);
    ByteBuffer h = header(b, ByteOrder.LITTLE_ENDIAN);
    RawNifti.put(h, RawNifti.field(1, "sform_code"), 0);
    // (b, c, d) = (1, 0, 0) rounded up by one float32 ulp: w^2 = -1.2e-7, above -3 eps
    RawNifti.put(h, RawNifti.field(1, "quatern_b"), (double) Math.nextUp(1.0f));
    RawNifti.put(h, RawNifti.field(1, "quatern_c"), 0.0);
    RawNifti.put(h, RawNifti.field(1, "quatern_d"), 0.0);
    Path p = file("unit.nii", b);
    double[][] a = NiftiIO.read(p).header().affine();
    assertEquals(-2.0, a[1][1], 1e-6, "180 degrees about x flips y: " + Arrays.deepToString(a));
  }

  @Test
  void hugeDeclaredSizeFailsBeyondTheMemoryLimit() throws IOException {
    // 2^31 voxels of float64 = 16 GiB declared in a 600-byte file
    byte[] b = RawNifti.image(2, ByteOrder.LITTLE_ENDIAN, NiftiDataType.FLOAT64, 2, 2, 2, 1);
    ByteBuffer h = header(b, ByteOrder.LITTLE_ENDIAN);
    RawNifti.put(h, RawNifti.field(2, "dim[1]"), 1L << 11);
    RawNifti.put(h, RawNifti.field(2, "dim[2]"), 1L << 10);
    RawNifti.put(h, RawNifti.field(2, "dim[3]"), 1L << 10);
    Path p = file("huge.nii", b);
    expectData(() -> NiftiIO.read(p), "huge.nii", "17179869184 bytes", "2 GiB",
        "only " + b.length + " bytes");
  }

  @Test
  void declaredSizeIsComparedWithTheFileBeforeAnyBufferIsAllocated() throws IOException {
    // 1.5 GiB of float32 declared: under the 2 GiB limit, so only the comparison with the
    // file's length (or the most its gzip can inflate to) stops the allocation
    byte[] b = RawNifti.image(1, ByteOrder.LITTLE_ENDIAN, NiftiDataType.FLOAT32, 4, 4, 4, 1);
    ByteBuffer h = header(b, ByteOrder.LITTLE_ENDIAN);
    RawNifti.put(h, RawNifti.field(1, "dim[1]"), 1024);
    RawNifti.put(h, RawNifti.field(1, "dim[2]"), 1024);
    RawNifti.put(h, RawNifti.field(1, "dim[3]"), 384);
    Path plain = file("big.nii", b);
    Path gz = file("big.nii.gz", RawNifti.gzip(b));
    long plainAlloc = allocatedBy(() -> expectData(() -> NiftiIO.read(plain), "big.nii",
        "too short", "1610612736 bytes"));
    long gzAlloc = allocatedBy(() -> expectData(() -> NiftiIO.read(gz), "big.nii.gz",
        "too short", "inflate to at most"));
    assertTrue(plainAlloc < 8 << 20 && gzAlloc < 8 << 20, "reading allocated " + plainAlloc
        + " (.nii) and " + gzAlloc + " (.nii.gz) bytes for a 1.5 GiB declaration");
  }

  @Test
  void shortGzipStreamAllocatesAboutWhatItHolds() throws IOException {
    // 4 MiB of random voxels (incompressible, so the inflation bound passes); 1 GiB declared
    int held = 4 << 20;
    byte[] b = new byte[RawNifti.dataOffset(1) + held];
    new java.util.Random(3).nextBytes(b);
    byte[] head = RawNifti.image(1, ByteOrder.LITTLE_ENDIAN, NiftiDataType.UINT8, 1, 1, 1, 1);
    System.arraycopy(head, 0, b, 0, RawNifti.dataOffset(1));
    ByteBuffer h = header(b, ByteOrder.LITTLE_ENDIAN);
    RawNifti.put(h, RawNifti.field(1, "dim[1]"), 1024);
    RawNifti.put(h, RawNifti.field(1, "dim[2]"), 1024);
    RawNifti.put(h, RawNifti.field(1, "dim[3]"), 1024);
    Path p = file("short.nii.gz", RawNifti.gzip(b));
    long alloc = allocatedBy(() -> expectData(() -> NiftiIO.read(p), "short.nii.gz",
        "too short", "decompressed", "1073741824 bytes"));
    assertTrue(alloc < 3L * held + (8 << 20), "reading a " + held + "-byte stream declared as"
        + " 1 GiB allocated " + alloc + " bytes");
  }

  @Test
  void writingRefusesTemplateValuesNifti1CannotHold() throws IOException {
    Volume v = new Volume(2, 2, 2, new float[8], new double[] {1, 1, 1},
        NiftiWriteTest.AFFINE);
    NiftiHeader template = NiftiIO.read(file("ok.nii", RawNifti.image(2,
        ByteOrder.LITTLE_ENDIAN, NiftiDataType.FLOAT32, 2, 2, 2, 1))).header().copy();
    template.sliceStart = 70_000;
    expectData(() -> NiftiIO.writeFloat32(tmp.resolve("out1.nii"), v, template), "out1.nii",
        "slice_start = 70000", "-32768..32767");
    template.sliceStart = 0;
    template.intentP1 = 1e300;
    expectData(() -> NiftiIO.writeFloat32(tmp.resolve("out2.nii"), v, template), "out2.nii",
        "intent_p1 = 1.0e300", "float32");
  }

  /** Bytes the current thread allocates while running {@code body}. */
  private static long allocatedBy(Runnable body) {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = mx.getCurrentThreadAllocatedBytes();
    body.run();
    return mx.getCurrentThreadAllocatedBytes() - before;
  }
}

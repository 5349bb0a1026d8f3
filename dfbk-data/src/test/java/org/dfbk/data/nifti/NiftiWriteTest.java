package org.dfbk.data.nifti;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.dfbk.core.error.DataException;
import org.dfbk.data.volume.Volume;
import org.dfbk.fixtures.SharedData;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** NIfTI-1 writing: exact round trips per datatype, geometry handling, atomicity, refusals. */
class NiftiWriteTest {
  @TempDir
  Path tmp;

  /** An oblique rigid affine with float32-representable entries (rotation about z by 90 deg). */
  static final double[][] AFFINE = {
      {0, -1.5, 0, 90.25},
      {2, 0, 0, -126.5},
      {0, 0, 2.5, -72},
      {0, 0, 0, 1}};

  /** Values that the type can hold exactly, including its extremes. */
  static float[] valuesFor(NiftiDataType type, int n, long seed) {
    Random rnd = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = switch (type) {
        case UINT8 -> rnd.nextInt(256);
        case INT8 -> rnd.nextInt(256) - 128;
        case INT16 -> rnd.nextInt(65536) - 32768;
        case UINT16 -> rnd.nextInt(65536);
        // int32 values beyond 2^24 are not all floats: use ones that are (multiples of 256)
        case INT32 -> (float) ((long) (rnd.nextInt(1 << 23) - (1 << 22)) * 256);
        case FLOAT32 -> (float) (rnd.nextGaussian() * 1e3);
        case FLOAT64 -> (float) (rnd.nextGaussian() * 1e-3);
      };
    }
    if (type.isInteger()) {
      v[0] = (float) type.minValue();
      v[1] = (float) type.maxValue();
    } else {
      v[0] = -Float.MAX_VALUE;
      v[1] = Float.MIN_VALUE;
    }
    return v;
  }

  static Stream<Arguments> typesAndSuffixes() {
    return Arrays.stream(NiftiDataType.values())
        .flatMap(t -> Stream.of(Arguments.of(t, ".nii"), Arguments.of(t, ".nii.gz")));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("typesAndSuffixes")
  void roundTripIsExactForEveryType(NiftiDataType type, String suffix) {
    float[] data = valuesFor(type, 5 * 4 * 3, 42);
    Volume v = new Volume(5, 4, 3, data, new double[] {2, 1.5, 2.5}, AFFINE);
    Path out = tmp.resolve("rt" + suffix);
    NiftiIO.write(out, v, null, type);

    NiftiImage back = NiftiIO.read(out);
    assertEquals(type, back.dataType(), "datatype written");
    assertArrayEquals(new int[] {5, 4, 3}, back.header().dims(), "dims");
    assertArrayEquals(data, back.volume().data(), "voxel values after " + type + " round trip");
    assertArrayEquals(NiftiConformanceTest.flat(AFFINE),
        NiftiConformanceTest.flat(back.volume().affine()), "affine (sform)");
    Tolerance.assertClose(NiftiConformanceTest.flat(AFFINE),
        NiftiConformanceTest.flat(back.header().qformAffine()), 0, 1e-6, "qform from the affine");
    assertArrayEquals(new double[] {2, 1.5, 2.5}, back.volume().voxelSize(), "voxel size");
  }

  @Test
  void templatelessHeaderIsScannerSpaceInMillimetres() {
    Volume v = new Volume(2, 2, 2, new float[8], new double[] {2, 1.5, 2.5}, AFFINE);
    Path out = tmp.resolve("plain.nii");
    NiftiIO.writeFloat32(out, v, null);
    NiftiHeader h = NiftiIO.readHeader(out);
    assertEquals(1, h.sformCode(), "sform_code");
    assertEquals(1, h.qformCode(), "qform_code");
    assertEquals("mm", h.spaceUnits(), "space units");
    assertEquals(NiftiDataType.FLOAT32, h.dataType(), "default datatype");
    assertEquals(352, h.voxOffset(), "vox_offset");
    assertEquals(1.0, h.sclSlope(), "scl_slope");
    assertEquals(0.0, h.sclInter(), "scl_inter");
  }

  @Test
  void integerWritingRoundsHalfToEvenAndClamps() {
    float[] data = {1.5f, 2.5f, -0.4f, 300f, -5f, Float.NaN, 254.6f, 7f};
    Volume v = new Volume(8, 1, 1, data, new double[] {1, 1, 1}, AFFINE);
    Path out = tmp.resolve("u8.nii");
    NiftiIO.write(out, v, null, NiftiDataType.UINT8);
    float[] back = NiftiIO.read(out).volume().data();
    assertArrayEquals(new float[] {2, 2, 0, 255, 0, 0, 255, 7}, back,
        "rint (half to even), clamp to [0, 255], NaN -> 0");
  }

  @Test
  void scaledIntegerSourceIsWrittenBackWithItsRawValues() {
    Path src = SharedData.require("data/nifti-conformance/functional.nii");
    NiftiImage img = NiftiIO.read(src);
    assertTrue(img.header().hasScaling(), "functional.nii is expected to carry scl_slope");
    for (int t : new int[] {0, img.volumeCount() - 1}) {
      Volume v = img.volume(t);
      Path out = tmp.resolve("functional-" + t + ".nii.gz");
      NiftiIO.write(out, v, img.header(), NiftiDataType.INT16);
      NiftiImage back = NiftiIO.read(out);
      assertEquals(img.header().sclSlope(), back.header().sclSlope(), "scl_slope kept");
      assertEquals(img.header().sclInter(), back.header().sclInter(), "scl_inter kept");
      assertArrayEquals(v.data(), back.volume().data(), "scaled values of volume " + t);
      short[] rawIn = new short[v.data().length];
      short[] rawOut = new short[v.data().length];
      img.rawData().position(t * rawIn.length * 2).slice().order(img.header().byteOrder())
          .asShortBuffer().get(rawIn);
      back.rawData().asShortBuffer().get(rawOut);
      assertArrayEquals(rawIn, rawOut, "raw int16 values of volume " + t);
    }
  }

  @ParameterizedTest
  @EnumSource(value = NiftiDataType.class)
  void readWriteReadKeepsValuesAndGeometryOfRealFiles(NiftiDataType type) {
    Path src = SharedData.require("data/nifti-conformance/anatomical.nii");
    NiftiImage img = NiftiIO.read(src);
    Volume v = img.volume();
    float[] data = v.data().clone();
    if (type.isInteger()) {
      for (int i = 0; i < data.length; i++) {
        data[i] = (float) Math.max(type.minValue(), Math.min(type.maxValue(), data[i]));
      }
    }
    Volume clamped = v.withData(data);
    Path out = tmp.resolve("anatomical-" + type + ".nii.gz");
    NiftiIO.write(out, clamped, img.header(), type);
    NiftiImage back = NiftiIO.read(out);
    assertArrayEquals(data, back.volume().data(), "values through " + type);
    assertArrayEquals(NiftiConformanceTest.flat(v.affine()),
        NiftiConformanceTest.flat(back.volume().affine()), "affine");
    NiftiHeader in = img.header();
    NiftiHeader h = back.header();
    assertEquals(in.sformCode(), h.sformCode(), "sform_code");
    assertEquals(in.qformCode(), h.qformCode(), "qform_code");
    assertArrayEquals(in.quatern(), h.quatern(), "quaternion");
    assertArrayEquals(in.qoffset(), h.qoffset(), "qoffset");
    assertArrayEquals(in.rawPixdim(), h.rawPixdim(), "pixdim incl. qfac");
    assertEquals(in.xyztUnits(), h.xyztUnits(), "xyzt_units");
    assertEquals(in.descrip(), h.descrip(), "descrip");
  }

  @Test
  void fourDimensionalTemplateGivesThreeDimensionalFile() {
    Path src = SharedData.require("data/nifti-conformance/example4d.nii.gz");
    NiftiImage img = NiftiIO.read(src);
    Path out = tmp.resolve("vol1.nii");
    NiftiIO.writeFloat32(out, img.volume(1), img.header());
    NiftiImage back = NiftiIO.read(out);
    assertEquals(1, back.volumeCount(), "volume count");
    assertArrayEquals(new int[] {128, 96, 24}, back.header().dims(), "dims");
    assertArrayEquals(img.volume(1).data(), back.volume().data(), "volume 1 values");
    assertEquals(img.header().pixdim()[3], back.header().rawPixdim()[4], "pixdim[4] (TR) kept");
  }

  @Test
  void volumeAffineWinsOverTemplate() {
    Path src = SharedData.require("data/nifti-conformance/anatomical.nii");
    NiftiImage img = NiftiIO.read(src);
    Volume v = img.volume();
    double[][] shifted = v.affine();
    shifted = new double[][] {shifted[0].clone(), shifted[1].clone(), shifted[2].clone(),
        shifted[3].clone()};
    shifted[0][3] += 10;
    shifted[1][1] = 3;
    Volume moved = new Volume(v.nx(), v.ny(), v.nz(), v.data(), v.voxelSize(), shifted);
    Path out = tmp.resolve("moved.nii");
    NiftiIO.writeFloat32(out, moved, img.header());
    NiftiHeader h = NiftiIO.readHeader(out);
    assertArrayEquals(NiftiConformanceTest.flat(shifted), NiftiConformanceTest.flat(h.affine()),
        "sform is the volume's affine");
    Tolerance.assertClose(NiftiConformanceTest.flat(shifted),
        NiftiConformanceTest.flat(h.qformAffine()), 0, 1e-5, "qform follows the affine");
    assertEquals(2, h.sformCode(), "template sform_code kept");
    assertEquals(2, h.qformCode(), "template qform_code kept");
    assertArrayEquals(new double[] {2, 3, 2}, h.voxelSize(), "pixdim from the affine columns");
  }

  @Test
  void shearedAffineGetsNoQform() {
    double[][] sheared = {{1, 0.5, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}};
    Volume v = new Volume(2, 2, 2, new float[8], new double[] {1, 1, 1}, sheared);
    Path out = tmp.resolve("shear.nii");
    NiftiIO.writeFloat32(out, v, null);
    NiftiHeader h = NiftiIO.readHeader(out);
    assertEquals(0, h.qformCode(), "qform_code for a sheared affine");
    assertEquals(1, h.sformCode(), "sform_code");
    assertArrayEquals(NiftiConformanceTest.flat(sheared), NiftiConformanceTest.flat(h.affine()),
        "sform keeps the shear");
  }

  @Test
  void refusesToOverwriteTheTemplateSource() throws IOException {
    Volume v = new Volume(2, 2, 2, new float[] {1, 2, 3, 4, 5, 6, 7, 8}, new double[] {1, 1, 1},
        AFFINE);
    Path in = tmp.resolve("in.nii");
    NiftiIO.writeFloat32(in, v, null);
    byte[] before = Files.readAllBytes(in);
    NiftiImage img = NiftiIO.read(in);
    DataException e = assertThrows(DataException.class,
        () -> NiftiIO.writeFloat32(tmp.resolve("./in.nii"), v.withData(new float[8]),
            img.header()));
    assertTrue(e.getMessage().contains("in.nii") && e.getMessage().contains("overwrite"),
        "message names the file and the refusal: " + e.getMessage());
    assertArrayEquals(before, Files.readAllBytes(in), "input file unchanged");
  }

  @Test
  void writeLeavesNoTemporaryFiles() throws IOException {
    Volume v = new Volume(3, 3, 3, new float[27], new double[] {1, 1, 1}, AFFINE);
    NiftiIO.writeFloat32(tmp.resolve("a.nii.gz"), v, null);
    NiftiIO.writeFloat32(tmp.resolve("a.nii.gz"), v, null);
    try (Stream<Path> files = Files.list(tmp)) {
      assertEquals(java.util.List.of("a.nii.gz"),
          files.map(p -> p.getFileName().toString()).toList(), "files in the output folder");
    }
  }

  @Test
  void writtenFileHasTheUsualPermissionsOfANewFile() throws IOException {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
        "POSIX permissions only");
    Path reference = Files.createFile(tmp.resolve("reference"));
    Volume v = new Volume(3, 3, 3, new float[27], new double[] {1, 1, 1}, AFFINE);
    Path out = tmp.resolve("out.nii.gz");
    NiftiIO.writeFloat32(out, v, null);
    assertEquals(PosixFilePermissions.toString(Files.getPosixFilePermissions(reference)),
        PosixFilePermissions.toString(Files.getPosixFilePermissions(out)),
        "permissions of " + out + " vs a plain new file (umask), not a private temporary file");
  }
}

package org.dfbk.data.nifti;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.dfbk.core.error.DataException;
import org.dfbk.data.volume.Volume;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of bad input gives a DataException naming the file, the problem and the fix. */
class NiftiBadInputTest {
  @TempDir
  Path tmp;

  private byte[] valid;

  @BeforeEach
  void writeValidFile() throws IOException {
    float[] data = new float[4 * 3 * 2];
    for (int i = 0; i < data.length; i++) {
      data[i] = i * 0.5f;
    }
    Volume v = new Volume(4, 3, 2, data, new double[] {1, 1, 1}, NiftiWriteTest.AFFINE);
    Path p = tmp.resolve("valid.nii");
    NiftiIO.writeFloat32(p, v, null);
    valid = Files.readAllBytes(p);
  }

  private Path file(String name, byte[] content) throws IOException {
    Path p = tmp.resolve(name);
    Files.write(p, content);
    return p;
  }

  private static byte[] gzip(byte[] content) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
      gz.write(content);
    }
    return bos.toByteArray();
  }

  /** Asserts a DataException whose message contains every fragment (case-insensitive). */
  private static DataException expectData(Executable call, String... fragments) {
    DataException e = assertThrows(DataException.class, call);
    String msg = e.getMessage().toLowerCase(java.util.Locale.ROOT);
    for (String f : fragments) {
      assertTrue(msg.contains(f.toLowerCase(java.util.Locale.ROOT)),
          "message should contain \"" + f + "\": " + e.getMessage());
    }
    return e;
  }

  @Test
  void truncatedGzip() throws IOException {
    byte[] gz = gzip(valid);
    Path p = file("cut.nii.gz", Arrays.copyOf(gz, gz.length * 2 / 3));
    expectData(() -> NiftiIO.read(p), "cut.nii.gz", "truncated or corrupt gzip", "fix");
  }

  @Test
  void gzipMissingOnlyItsTrailerIsDetected() throws IOException {
    byte[] gz = gzip(valid);
    Path p = file("notrailer.nii.gz", Arrays.copyOf(gz, gz.length - 8));
    expectData(() -> NiftiIO.read(p), "notrailer.nii.gz", "gzip", "fix");
  }

  @Test
  void corruptGzipCrc() throws IOException {
    byte[] gz = gzip(valid);
    gz[gz.length - 6] ^= 0x5a; // inside the CRC-32 of the trailer
    Path p = file("crc.nii.gz", gz);
    expectData(() -> NiftiIO.read(p), "crc.nii.gz", "corrupt gzip", "fix");
  }

  @Test
  void wrongMagic() throws IOException {
    byte[] b = valid.clone();
    b[344] = 'x';
    Path p = file("magic.nii", b);
    expectData(() -> NiftiIO.read(p), "magic.nii", "wrong magic", "\"x+1\"", "n+1", "fix");
  }

  @Test
  void analyzeHeaderWithoutMagicIsNamedAsSuch() throws IOException {
    byte[] b = valid.clone();
    Arrays.fill(b, 344, 348, (byte) 0);
    Path p = file("analyze.hdr", b);
    expectData(() -> NiftiIO.readHeader(p), "analyze.hdr", "analyze 7.5", "convert");
  }

  @Test
  void notNiftiAtAll() throws IOException {
    Path p = file("notes.nii", "this is a text file, not an image\n".repeat(20)
        .getBytes(StandardCharsets.US_ASCII));
    expectData(() -> NiftiIO.read(p), "notes.nii", "not a nifti file", "348", "540");
  }

  @Test
  void headerShorterThan348Bytes() throws IOException {
    Path p = file("short-header.nii", Arrays.copyOf(valid, 200));
    expectData(() -> NiftiIO.read(p), "short-header.nii", "truncated nifti-1 header", "200",
        "348");
  }

  @Test
  void dataShorterThanDimsNeed() throws IOException {
    Path p = file("short.nii", Arrays.copyOf(valid, valid.length - 10));
    expectData(() -> NiftiIO.read(p), "short.nii", "too short", "[4, 3, 2]", "float32",
        String.valueOf(valid.length), String.valueOf(valid.length - 10), "fix");
  }

  @Test
  void dimsFarBeyondTheFileAreCalledCorruptNotTooBig() throws IOException {
    byte[] b = valid.clone();
    java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .putShort(42, (short) 30000).putShort(44, (short) 30000).putShort(46, (short) 30000);
    Path p = file("huge.nii", b);
    DataException e = expectData(() -> NiftiIO.read(p), "huge.nii", "[30000, 30000, 30000]",
        "2 GiB", "only " + b.length + " bytes", "header dims are probably corrupt");
    assertTrue(!e.getMessage().contains("4-D"), "a 3-D file is not told to split a series: "
        + e.getMessage());
  }

  @Test
  void gzippedDataShorterThanDimsNeed() throws IOException {
    Path p = file("short.nii.gz", gzip(Arrays.copyOf(valid, valid.length - 10)));
    expectData(() -> NiftiIO.read(p), "short.nii.gz", "too short", "decompressed",
        String.valueOf(valid.length));
  }

  @Test
  void unsupportedDatatype() throws IOException {
    byte[] b = valid.clone();
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(70, (short) 32)
        .putShort(72, (short) 64);
    Path p = file("complex.nii", b);
    expectData(() -> NiftiIO.read(p), "complex.nii", "datatype code 32", "complex64",
        "float32");
    assertEquals(32, NiftiIO.readHeader(p).datatypeCode(), "readHeader still reads the header");
  }

  @Test
  void nonFiniteVoxelsAreReportedAndRejectedOnRequest() throws IOException {
    float[] data = new float[4 * 3 * 2];
    data[7] = Float.NaN; // x=3, y=1, z=0
    data[20] = Float.POSITIVE_INFINITY;
    Volume v = new Volume(4, 3, 2, data, new double[] {1, 1, 1}, NiftiWriteTest.AFFINE);
    Path p = tmp.resolve("nan.nii.gz");
    NiftiIO.writeFloat32(p, v, null);
    NiftiImage img = NiftiIO.read(p);
    assertTrue(Float.isNaN(img.volume().get(3, 1, 0)), "the reader passes NaN through");
    assertEquals(2, img.nonFiniteCount(), "non-finite count");
    expectData(img::requireFinite, "nan.nii.gz", "2 non-finite", "x=3, y=1, z=0, t=0",
        "nan_to_num");
  }

  @Test
  void missingImgForHdr() throws IOException {
    Path hdr = tmp.resolve("lonely.hdr");
    Files.copy(NiftiGoldenTest.goldenDir().resolve("pair-int8.hdr"), hdr);
    assertEquals("ni1", NiftiIO.readHeader(hdr).magic(), "header alone is readable");
    expectData(() -> NiftiIO.read(hdr), "lonely.hdr", "lonely.img", "missing image file",
        "fix");
  }

  @Test
  void missingHdrForImg() throws IOException {
    Path img = tmp.resolve("orphan.img");
    Files.copy(NiftiGoldenTest.goldenDir().resolve("pair-int8.img"), img);
    expectData(() -> NiftiIO.read(img), "orphan.img", "orphan.hdr", "missing header");
  }

  @Test
  void directoryIsNotAFile() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("scan.nii"));
    expectData(() -> NiftiIO.read(dir), "scan.nii", "not a regular file", "fix");
  }

  @Test
  void emptyFile() throws IOException {
    Path p = file("empty.nii.gz", new byte[0]);
    expectData(() -> NiftiIO.read(p), "empty.nii.gz", "empty (0 bytes)", "fix");
  }

  @Test
  void missingFile() {
    Path p = tmp.resolve("absent.nii.gz");
    expectData(() -> NiftiIO.read(p), "absent.nii.gz", "does not exist", "fix");
  }

  @Test
  void voxOffsetInsideTheHeader() throws IOException {
    byte[] b = valid.clone();
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putFloat(108, 100f);
    Path p = file("offset.nii", b);
    expectData(() -> NiftiIO.read(p), "offset.nii", "vox_offset 100", "352");
  }

  @Test
  void validSlopeWithNonFiniteIntercept() throws IOException {
    byte[] b = valid.clone();
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putFloat(112, 2f).putFloat(116, Float.NaN);
    Path p = file("inter.nii", b);
    expectData(() -> NiftiIO.read(p), "inter.nii", "scl_inter nan", "fix");
  }

  @Test
  void volumeIndexOutOfRange() {
    NiftiImage img = NiftiIO.read(tmp.resolve("valid.nii"));
    expectData(() -> img.volume(1), "valid.nii", "volume index 1", "1 volume(s)", "0 to 0");
  }

  @Test
  void zeroSlopeMeansNoScaling() throws IOException {
    byte[] b = valid.clone();
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putFloat(112, 0f).putFloat(116, 50f);
    Path p = file("slope0.nii", b);
    NiftiImage img = NiftiIO.read(p);
    assertEquals(3.5f, img.volume().data()[7], "slope 0 ignores scl_inter too (nibabel)");
  }
}

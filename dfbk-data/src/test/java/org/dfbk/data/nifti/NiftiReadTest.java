package org.dfbk.data.nifti;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dfbk.data.volume.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reader behaviours not covered by the nibabel comparisons. */
class NiftiReadTest {
  @TempDir
  Path tmp;

  @Test
  void twoDimensionalFileIsOneSliceVolume() throws IOException {
    float[] data = new float[24];
    for (int i = 0; i < data.length; i++) {
      data[i] = i;
    }
    Path p = tmp.resolve("flat.nii");
    NiftiIO.writeFloat32(p, new Volume(4, 6, 1, data, new double[] {1, 1, 1},
        NiftiWriteTest.AFFINE), null);
    byte[] b = Files.readAllBytes(p);
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(40, (short) 2)
        .putShort(46, (short) 0);
    Files.write(p, b);
    NiftiImage img = NiftiIO.read(p);
    assertEquals(2, img.header().ndim(), "dim[0]");
    assertArrayEquals(new int[] {4, 6}, img.header().dims(), "dims of a 2-D file");
    assertArrayEquals(new int[] {4, 6, 1}, img.volumeShape(), "read as nz = 1");
    assertEquals(1, img.volumeCount(), "volume count");
    assertEquals(17f, img.volume().get(1, 4, 0), "voxel (1, 4)");
  }

  @Test
  void headerCopyIsIndependent() {
    Path p = tmp.resolve("c.nii");
    NiftiIO.writeFloat32(p, new Volume(2, 2, 2, new float[8], new double[] {1, 1, 1},
        NiftiWriteTest.AFFINE), null);
    NiftiHeader h = NiftiIO.readHeader(p);
    NiftiHeader c = h.copy();
    c.setDescrip("changed");
    c.srow[0][3] = 5;
    assertNotEquals("changed", h.descrip(), "descrip of the original");
    assertEquals(90.25, h.affine()[0][3], "affine of the original");
    assertEquals(p, c.source(), "copy keeps the source path");
  }

  @Test
  void gzipIsRecognisedByContentNotName() throws IOException {
    Path gz = tmp.resolve("a.nii.gz");
    float[] data = {1, 2, 3, 4, 5, 6, 7, 8};
    NiftiIO.writeFloat32(gz, new Volume(2, 2, 2, data, new double[] {1, 1, 1},
        NiftiWriteTest.AFFINE), null);
    Path misnamed = Files.copy(gz, tmp.resolve("b.nii"));
    assertArrayEquals(data, NiftiIO.read(misnamed).volume().data(), "gzip content in a .nii");
  }
}

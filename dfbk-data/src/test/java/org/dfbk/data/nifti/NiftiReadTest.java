package org.dfbk.data.nifti;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.dfbk.core.error.DataException;
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

  /** A 4 x 6 x 5 float file whose header bytes {@code patch} edits. */
  private Path patched(String name, Consumer<ByteBuffer> patch)
      throws IOException {
    Path p = tmp.resolve(name);
    NiftiIO.writeFloat32(p, new Volume(4, 6, 5, new float[120], new double[] {1, 1, 1},
        NiftiWriteTest.AFFINE), null);
    byte[] b = Files.readAllBytes(p);
    patch.accept(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN));
    Files.write(p, b);
    return p;
  }

  @Test
  void negativeAndZeroPixdimCountAsPositiveSizesAsInNibabel() throws IOException {
    Path p = patched("negpix.nii", b -> b.putShort(252, (short) 0).putShort(254, (short) 0)
        .putFloat(80, -1f).putFloat(84, 0f).putFloat(88, -2f));
    NiftiHeader h = NiftiIO.read(p).header();
    assertArrayEquals(new double[] {1, 1, 2}, h.voxelSize(), 0, "voxel sizes");
    // nibabel: hdr['pixdim'][1:4] fixed to [1, 1, 2]; get_base_affine() of shape (4, 6, 5)
    double[][] nibabel = {{-1, 0, 0, 1.5}, {0, 1, 0, -2.5}, {0, 0, 2, -4}, {0, 0, 0, 1}};
    for (int r = 0; r < 4; r++) {
      assertArrayEquals(nibabel[r], h.affine()[r], 1e-12, "affine row " + r);
    }
  }

  @Test
  void nonFiniteSformIsADataErrorNamingIt() throws IOException {
    Path p = patched("nansform.nii", b -> b.putFloat(280, Float.NaN));
    DataException e = assertThrows(DataException.class, () -> NiftiIO.read(p));
    assertTrue(e.getMessage().contains("nansform.nii") && e.getMessage().contains("sform")
        && e.getMessage().contains("Fix"), e.getMessage());
  }

  @Test
  void sliceWrittenFromATwoDimensionalTemplateStaysTwoDimensional() throws IOException {
    Path p = patched("flat2d.nii", b -> b.putShort(40, (short) 2).putShort(46, (short) 1));
    NiftiImage img = NiftiIO.read(p);
    assertEquals(2, img.header().ndim());
    Path out = tmp.resolve("out2d.nii");
    NiftiIO.writeFloat32(out, img.volume(), img.header());
    NiftiHeader back = NiftiIO.read(out).header();
    assertArrayEquals(new int[] {4, 6}, back.dims(), "dims of the written slice");
  }
}

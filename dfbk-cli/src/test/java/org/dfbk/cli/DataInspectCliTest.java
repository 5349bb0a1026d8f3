package org.dfbk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.dfbk.data.nifti.NiftiIO;
import org.dfbk.data.volume.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataInspectCliTest {
  @TempDir Path tmp;

  private Path smallVolume() {
    float[] data = new float[4 * 5 * 6];
    for (int i = 0; i < data.length; i++) {
      data[i] = i;
    }
    double[][] affine = {{-1, 0, 0, 2}, {0, 1, 0, -3}, {0, 0, 1, 4}, {0, 0, 0, 1}};
    Path f = tmp.resolve("v.nii.gz");
    NiftiIO.writeFloat32(f, new Volume(4, 5, 6, data, new double[] {1, 1, 1}, affine), null);
    return f;
  }

  @Test
  void inspectPrintsShapeAndOrientationAsJson() {
    Path f = smallVolume();
    CliTest.Result r = CliTest.run("data", "inspect", "--json", f.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("LAS"), r.out());
    assertTrue(r.out().replaceAll("\\s", "").contains("\"shape\":[4,5,6]"), r.out());
  }

  @Test
  void truncatedFileIsDataErrorNamingTheFile() throws Exception {
    Path f = smallVolume();
    byte[] all = Files.readAllBytes(f);
    Path bad = tmp.resolve("truncated.nii.gz");
    Files.write(bad, java.util.Arrays.copyOf(all, all.length / 2));
    CliTest.Result r = CliTest.run("data", "inspect", bad.toString());
    assertEquals(ExitCode.DATA, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("truncated.nii.gz"), r.err());
  }

  @Test
  void nifti2DimsBeyondIntAreADataErrorNotAMisreadShape() throws Exception {
    // NIfTI-2 stores dims as int64: dim[1] = dim[2] = 2^40 used to be read as 0 x 0 x 4
    java.nio.ByteBuffer h = java.nio.ByteBuffer.allocate(544 + 64)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    h.putInt(0, 540);
    h.put(4, new byte[] {'n', '+', '2', 0, '\r', '\n', 0x1a, '\n'});
    h.putShort(12, (short) 16).putShort(14, (short) 32); // float32
    long[] dim = {3, 1L << 40, 1L << 40, 4, 1, 1, 1, 1};
    for (int i = 0; i < 8; i++) {
      h.putLong(16 + 8 * i, dim[i]);
      h.putDouble(104 + 8 * i, 1.0);
    }
    h.putLong(168, 544);
    Path f = tmp.resolve("dims-2e40.nii");
    Files.write(f, h.array());
    CliTest.Result r = CliTest.run("data", "inspect", f.toString());
    assertEquals(ExitCode.DATA, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("dims-2e40.nii") && r.err().contains("dim[1] = 1099511627776"),
        r.err());
  }
}

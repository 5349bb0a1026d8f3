package org.dfbk.data.nifti;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dfbk.core.error.DataException;
import org.dfbk.data.volume.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one check that a file holds one 3-D volume, used wherever one volume per file is read. */
class NiftiOnlyVolumeTest {
  @TempDir Path tmp;

  private static final double[][] EYE = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}};

  private static Volume ramp() {
    float[] d = new float[3 * 2 * 2];
    for (int i = 0; i < d.length; i++) {
      d[i] = i;
    }
    return new Volume(3, 2, 2, d, new double[] {1, 1, 1}, EYE);
  }

  /** {@code ramp()} twice as a 4-D float32 .nii: dim[0] = 4, dim[4] = 2 (header offsets 40, 48). */
  private Path series() throws IOException {
    Path three = tmp.resolve("three.nii");
    NiftiIO.writeFloat32(three, ramp(), null);
    byte[] one = Files.readAllBytes(three);
    int off = 352;
    byte[] two = java.util.Arrays.copyOf(one, one.length + (one.length - off));
    System.arraycopy(one, off, two, one.length, one.length - off);
    ByteBuffer.wrap(two).order(ByteOrder.LITTLE_ENDIAN).putShort(40, (short) 4)
        .putShort(48, (short) 2);
    return Files.write(tmp.resolve("dwi.nii"), two);
  }

  @Test
  void aThreeDimensionalFileGivesItsVolume() {
    Path f = tmp.resolve("t1.nii.gz");
    NiftiIO.writeFloat32(f, ramp(), null);
    Volume v = NiftiIO.read(f).onlyVolume("truth", "eval compares one 3-D volume per file", null);
    // exact: float32 values written and read back, no arithmetic
    assertArrayEquals(ramp().data(), v.data(), 0f);
    assertEquals(3, v.nx());
  }

  @Test
  void aSeriesIsRefusedWithItsDimsAndTheFix() throws IOException {
    NiftiImage img = NiftiIO.read(series());
    DataException plain = assertThrows(DataException.class,
        () -> img.onlyVolume("prediction", "eval compares one 3-D volume per file", null));
    assertEquals("prediction " + tmp.resolve("dwi.nii") + " is 4-D (dims [3, 2, 2, 2], 2 volumes);"
        + " eval compares one 3-D volume per file. Fix: extract the volume to use, e.g. fslroi"
        + " dwi.nii dwi_vol0.nii.gz 0 1", plain.getMessage());
    DataException pick = assertThrows(DataException.class, () -> img.onlyVolume(null,
        "translate takes one 3-D volume per file", "pass --volume T (0..1)"));
    assertEquals(tmp.resolve("dwi.nii") + " is 4-D (dims [3, 2, 2, 2], 2 volumes); translate"
        + " takes one 3-D volume per file. Fix: pass --volume T (0..1), or extract it, e.g. fslroi"
        + " dwi.nii dwi_vol0.nii.gz 0 1", pick.getMessage());
  }
}

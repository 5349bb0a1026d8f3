package org.dfbk.data.nifti;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.dfbk.data.volume.Volume;
import org.dfbk.fixtures.Golden;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Files written by {@link NiftiIO} read back by Debian's nibabel ({@code /usr/bin/python3}):
 * affine (sform and qform), shape, datatype and voxel values. Skips when nibabel is absent.
 */
class NibabelReadBackTest {
  private static final String PYTHON = "/usr/bin/python3";
  private static final String SCRIPT = String.join("\n",
      "import json, sys, nibabel as nib, numpy as np",
      "img = nib.load(sys.argv[1])",
      "d = np.asarray(img.dataobj, dtype=np.float64)",
      "print(json.dumps({'shape': list(img.shape), 'dtype': str(img.get_data_dtype()),",
      "  'affine': img.affine.tolist(), 'qform': img.get_qform().tolist(),",
      "  'qform_code': int(img.header['qform_code']), 'sform_code': int(img.header['sform_code']),",
      "  'data': d.ravel(order='F').tolist()}))");

  @TempDir
  Path tmp;

  @ParameterizedTest(name = "{0} as {1}")
  @CsvSource({"oblique.nii.gz, FLOAT32", "oblique.nii, INT16", "oblique-u8.nii, UINT8",
      "oblique-f8.nii.gz, FLOAT64"})
  void nibabelReadsWhatWeWrite(String name, NiftiDataType type) throws Exception {
    requireNibabel();
    double angle = Math.toRadians(17);
    double[][] affine = {
        {1.2 * Math.cos(angle), -0.9 * Math.sin(angle), 0, -40.5},
        {1.2 * Math.sin(angle), 0.9 * Math.cos(angle), 0, 12.25},
        {0, 0, -3.0, 60},
        {0, 0, 0, 1}};
    Random rnd = new Random(7);
    float[] data = new float[6 * 5 * 4];
    for (int i = 0; i < data.length; i++) {
      data[i] = type.isInteger() ? rnd.nextInt(200) : (float) rnd.nextGaussian() * 100;
    }
    Volume v = new Volume(6, 5, 4, data, new double[] {1.2, 0.9, 3.0}, affine);
    Path out = tmp.resolve(name);
    NiftiIO.write(out, v, null, type);

    JsonObject nib = runNibabel(out);
    assertArrayEquals(new double[] {6, 5, 4}, Golden.flatten(nib.get("shape")), "nibabel shape");
    assertEquals(type.numpyName(), nib.get("dtype").getAsString(), "nibabel dtype");
    assertEquals(1, nib.get("sform_code").getAsInt(), "sform_code");
    assertEquals(1, nib.get("qform_code").getAsInt(), "qform_code");
    double[] expectedAffine = NiftiConformanceTest.flat(affine);
    Tolerance.assertClose(expectedAffine, Golden.flatten(nib.get("affine")), 0, 1e-5,
        "nibabel affine");
    Tolerance.assertClose(expectedAffine, Golden.flatten(nib.get("qform")), 0, 1e-5,
        "nibabel qform (quaternion and qfac -1 for the flipped z)");
    Tolerance.assertClose(Tolerance.toDouble(data), Golden.flatten(nib.get("data")), 0, 0,
        "nibabel voxel values (Fortran order)");
  }

  private static Boolean nibabelPresent;

  private static synchronized void requireNibabel() throws InterruptedException {
    if (nibabelPresent == null) {
      nibabelPresent = probeNibabel();
    }
    Assumptions.assumeTrue(nibabelPresent, PYTHON + " with nibabel is not available: skipping"
        + " (install python3-nibabel to run this check)");
  }

  private static boolean probeNibabel() throws InterruptedException {
    boolean ok;
    try {
      Process p = new ProcessBuilder(PYTHON, "-c", "import nibabel").redirectErrorStream(true)
          .start();
      ok = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      ok = false;
    }
    return ok;
  }

  private static JsonObject runNibabel(Path file) throws Exception {
    Process p = new ProcessBuilder(PYTHON, "-c", SCRIPT, file.toString()).start();
    byte[] outBytes = p.getInputStream().readAllBytes();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("nibabel failed to read " + file + ": " + err);
    }
    return JsonParser.parseString(new String(outBytes, StandardCharsets.UTF_8))
        .getAsJsonObject();
  }

}

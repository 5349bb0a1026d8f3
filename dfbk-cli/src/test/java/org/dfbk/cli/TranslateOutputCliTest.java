package org.dfbk.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.dfbk.data.nifti.NiftiIO;
import org.dfbk.data.volume.Volume;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Output planning of {@code dfbk translate}: every clash between outputs and inputs is refused
 * before the checkpoint is read, so these tests need no model: the --checkpoint file is
 * deliberately not a checkpoint, and a test that got as far as reading it would fail.
 */
class TranslateOutputCliTest {
  @TempDir Path tmp;

  private Path checkpoint;

  @BeforeEach
  void unreadableCheckpoint() throws IOException {
    checkpoint = Files.writeString(tmp.resolve("never-read.zip"), "not a checkpoint");
  }

  private static Volume volume() {
    float[] data = new float[4 * 4 * 3];
    Arrays.fill(data, 5f);
    return new Volume(4, 4, 3, data, new double[] {1, 1, 1},
        new double[][] {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}});
  }

  private CliTest.Result translate(String... args) {
    String[] all = new String[args.length + 4];
    all[0] = "translate";
    all[1] = "--checkpoint";
    all[2] = checkpoint.toString();
    all[3] = "--devices=cpu";
    System.arraycopy(args, 0, all, 4, args.length);
    return CliTest.run(all);
  }

  @Test
  void translatingIntoTheInputFolderNeverOverwritesAnotherInput() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("scans"));
    NiftiIO.writeFloat32(dir.resolve("a.nii"), volume(), null);
    NiftiIO.writeFloat32(dir.resolve("a.nii.gz"), volume(), null);
    byte[] before = Files.readAllBytes(dir.resolve("a.nii.gz"));
    CliTest.Result r = translate("--input", dir.toString(), "--output", dir.toString());
    assertEquals(ExitCode.DATA, r.code(), r.err());
    assertTrue(r.err().contains("a.nii.gz") && r.err().contains("overwrite"), r.err());
    assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    assertArrayEquals(before, Files.readAllBytes(dir.resolve("a.nii.gz")), "input unchanged");
  }

  @Test
  void outputNamedLikeTheImageOfAnInputPairIsRefused() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("pair"));
    Path nii = tmp.resolve("one.nii");
    NiftiIO.writeFloat32(nii, volume(), null);
    byte[] all = Files.readAllBytes(nii);
    byte[] hdr = Arrays.copyOf(all, 348);
    ByteBuffer.wrap(hdr).order(ByteOrder.LITTLE_ENDIAN).putFloat(108, 0f);
    System.arraycopy("ni1\0".getBytes(StandardCharsets.US_ASCII), 0, hdr, 344, 4);
    Files.write(dir.resolve("scan.hdr"), hdr);
    Files.write(dir.resolve("scan.img"), Arrays.copyOfRange(all, 352, all.length));
    byte[] img = Files.readAllBytes(dir.resolve("scan.img"));
    CliTest.Result r = translate("--input", dir.toString(), "--output", dir.toString(),
        "--output-name", "scan.img");
    assertEquals(ExitCode.DATA, r.code(), r.err());
    assertTrue(r.err().contains("scan.img"), r.err());
    assertArrayEquals(img, Files.readAllBytes(dir.resolve("scan.img")), "image file unchanged");
  }

  @Test
  void twoInputsWithOneOutputNameAreAUsageError() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("flat"));
    NiftiIO.writeFloat32(dir.resolve("x.nii.gz"), volume(), null);
    NiftiIO.writeFloat32(dir.resolve("y.nii.gz"), volume(), null);
    Path out = tmp.resolve("out");
    CliTest.Result r = translate("--input", dir.toString(), "--output", out.toString(),
        "--output-name", "T2.nii.gz");
    assertEquals(ExitCode.USAGE, r.code(), r.err());
    assertTrue(r.err().contains("x.nii.gz") && r.err().contains("y.nii.gz")
        && r.err().contains("T2.nii.gz") && r.err().contains("--output-name"), r.err());
    assertFalse(Files.exists(out), "nothing written");
  }

  @Test
  void stdMapOfOneInputMayNotReplaceAnotherOutput() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("std"));
    NiftiIO.writeFloat32(dir.resolve("x.nii.gz"), volume(), null);
    NiftiIO.writeFloat32(dir.resolve("x_std.nii.gz"), volume(), null);
    CliTest.Result r = translate("--input", dir.toString(), "--output", tmp.resolve("o").toString(),
        "--samples", "2");
    assertEquals(ExitCode.USAGE, r.code(), r.err());
    assertTrue(r.err().contains("x_std.nii.gz"), r.err());
  }

  @Test
  void outputThatIsAnExistingFileIsAUsageError() throws IOException {
    Path in = tmp.resolve("in.nii.gz");
    NiftiIO.writeFloat32(in, volume(), null);
    Path file = Files.writeString(tmp.resolve("notes.txt"), "keep me");
    for (Path out : new Path[] {file, file.resolve("sub")}) {
      CliTest.Result r = translate("--input", in.toString(), "--output", out.toString());
      assertEquals(ExitCode.USAGE, r.code(), r.err());
      assertTrue(r.err().contains("notes.txt") && r.err().contains("not a folder"), r.err());
    }
    assertEquals("keep me", Files.readString(file));
  }
}

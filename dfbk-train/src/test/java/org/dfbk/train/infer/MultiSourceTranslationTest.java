package org.dfbk.train.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.dfbk.core.error.DataException;
import org.dfbk.data.nifti.NiftiIO;
import org.dfbk.data.transform.ConditionLayout;
import org.dfbk.data.transform.ModalityKind;
import org.dfbk.data.transform.Normalization;
import org.dfbk.data.volume.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Translation with several sources and slice context: what the model is fed per slice (edges
 * included), and the refusals of inputs that do not fit the model.
 */
class MultiSourceTranslationTest {
  @TempDir Path tmp;

  private static final double[][] RAS = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}};

  /** 16 x 16 x 5, every slice foreground (so the edge slices are translated too), RAS. */
  private static Volume volume(long seed, double[][] affine) {
    Random r = new Random(seed);
    float[] d = new float[16 * 16 * 5];
    for (int i = 0; i < d.length; i++) {
      d[i] = 100 + 900 * r.nextFloat();
    }
    return new Volume(16, 16, 5, d, new double[] {1, 1, 1}, affine);
  }

  /** Records every input and returns channel 0 of each as the prediction. */
  private static VolumeTranslator.SliceModel firstChannel(List<float[]> seen, int size) {
    return inputs -> {
      seen.addAll(inputs);
      List<float[]> out = new ArrayList<>();
      for (float[] in : inputs) {
        out.add(Arrays.copyOf(in, size * size));
      }
      return new SliceTranslator.Output(out, null);
    };
  }

  @Test
  void eachSliceIsFedEverySourceAndItsNeighboursWithTheEdgeSliceRepeated() {
    List<Volume> sources = List.of(volume(1, RAS), volume(2, RAS));
    List<Path> files = List.of(Path.of("T1.nii"), Path.of("T2.nii"));
    ConditionLayout layout = new ConditionLayout(List.of("T1", "T2"), 1);
    List<float[]> seen = new ArrayList<>();
    VolumeTranslator.Result r = VolumeTranslator.translate(sources, files, layout,
        ModalityKind.MR, ModalityKind.MR, 2, 16, firstChannel(seen, 16));
    assertEquals(5, r.translatedSlices());
    assertEquals(5, seen.size(), "one 16-pixel box per slice");
    Normalization[] norms = {Normalization.fit(ModalityKind.MR, sources.get(0), null),
        Normalization.fit(ModalityKind.MR, sources.get(1), null)};
    int plane = 256;
    for (int k = 0; k < 5; k++) {
      float[] in = seen.get(k);
      assertEquals(6 * plane, in.length, "2 sources x 3 slices");
      for (int c = 0; c < 6; c++) {
        int s = layout.source(c);
        int z = Math.max(0, Math.min(4, k + layout.offset(c)));
        // a 16 x 16 slice is its own box: model value = the normalised voxel (row y, column x)
        float[] expected = new float[plane];
        for (int y = 0; y < 16; y++) {
          for (int x = 0; x < 16; x++) {
            expected[y * 16 + x] = norms[s].forward(sources.get(s).get(x, y, z));
          }
        }
        assertArrayEquals(expected, Arrays.copyOfRange(in, c * plane, (c + 1) * plane),
            "slice " + k + " channel " + layout.channelNames().get(c));
      }
    }
    // at the edges the missing neighbour is the edge slice itself
    assertArrayEquals(Arrays.copyOfRange(seen.get(0), 0, plane),
        Arrays.copyOfRange(seen.get(0), 2 * plane, 3 * plane), "slice 0, T1@-1");
    assertArrayEquals(Arrays.copyOfRange(seen.get(4), plane, 2 * plane),
        Arrays.copyOfRange(seen.get(4), 5 * plane, 6 * plane), "slice 4, T2@+1");
    // the prediction (channel 0) is the first source's one-source translation
    VolumeTranslator.Result one = VolumeTranslator.translate(sources.get(0), files.get(0),
        ModalityKind.MR, ModalityKind.MR, 2, 16, firstChannel(new ArrayList<>(), 16));
    assertArrayEquals(one.prediction().data(), r.prediction().data());
  }

  @Test
  void sourcesOffOneGridAreRefusedNamingFilesShapesAndAffines() {
    double[][] shifted = {{1, 0, 0, 2}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}};
    DataException e = assertThrows(DataException.class, () -> VolumeTranslator.translate(
        List.of(volume(1, RAS), volume(2, shifted)), List.of(Path.of("a/T1.nii"),
            Path.of("a/T2.nii")), new ConditionLayout(List.of("T1", "T2"), 0), ModalityKind.MR,
        ModalityKind.MR, 2, 16, firstChannel(new ArrayList<>(), 16)));
    String m = e.getMessage();
    assertTrue(m.contains("a/T1.nii") && m.contains("a/T2.nii") && m.contains("16x16x5")
        && m.contains("2.0000"), m);
  }

  @Test
  void fileTranslatorRefusesTheWrongNumberOfSourcesBeforeWriting() {
    FileTranslator t = new FileTranslator((in, size, seed, progress) -> {
      throw new AssertionError("the model must not run");
    }, false, new FileTranslator.Settings(ModalityKind.MR, ModalityKind.MR, 2, 16, null, 0, null),
        new ConditionLayout(List.of("T1", "T2"), 0));
    Path out = tmp.resolve("out.nii.gz");
    DataException one = assertThrows(DataException.class,
        () -> t.translate(tmp.resolve("T1.nii.gz"), out, null, null));
    assertTrue(one.getMessage().contains("[T1, T2]")
        && one.getMessage().contains("--source-name T1.nii.gz,T2.nii.gz"), one.getMessage());
    DataException count = assertThrows(DataException.class,
        () -> t.translate(List.of(tmp.resolve("T1.nii.gz")), out, null, null));
    assertTrue(count.getMessage().contains("takes 2 source(s) [T1, T2]"), count.getMessage());
    assertFalse(Files.exists(out));
  }

  @Test
  void fileTranslatorWritesOnTheFirstSourcesGrid() {
    Path t1 = tmp.resolve("T1.nii.gz");
    Path t2 = tmp.resolve("T2.nii.gz");
    NiftiIO.writeFloat32(t1, volume(1, RAS), null);
    NiftiIO.writeFloat32(t2, volume(2, RAS), null);
    int[] channels = new int[1];
    FileTranslator t = new FileTranslator((in, size, seed, progress) -> {
      channels[0] = in.get(0).length / (size * size);
      List<float[]> out = new ArrayList<>();
      for (float[] x : in) {
        out.add(Arrays.copyOfRange(x, size * size, 2 * size * size)); // the T2 channel
      }
      return new SliceTranslator.Output(out, null);
    }, false, new FileTranslator.Settings(ModalityKind.MR, ModalityKind.MR, 2, 16, null, 0, null),
        new ConditionLayout(List.of("T1", "T2"), 0));
    Path out = tmp.resolve("out").resolve("FLAIR.nii.gz");
    FileTranslator.Outcome o = t.translate(List.of(t1, t2), out, null, null);
    assertEquals(2, channels[0]);
    assertEquals(5, o.translatedSlices());
    Volume written = NiftiIO.read(out).volume();
    assertTrue(written.sameGrid(volume(1, RAS), 1e-6));
    // T2 mapped back with T1's output scale: a value of T2 normalised, then scaled by T1's high
    Volume v2 = volume(2, RAS);
    Normalization n1 = Normalization.fit(ModalityKind.MR, volume(1, RAS), null);
    Normalization n2 = Normalization.fit(ModalityKind.MR, v2, null);
    float expected = new Normalization(ModalityKind.MR, 0, n1.high()).inverse(
        n2.forward(v2.get(3, 4, 2)));
    assertEquals(expected, written.get(3, 4, 2), 1e-4 * n1.high());
  }
}

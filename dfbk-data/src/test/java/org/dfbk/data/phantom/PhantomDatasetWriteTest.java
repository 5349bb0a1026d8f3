package org.dfbk.data.phantom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.dfbk.data.dataset.DatasetLayouts;
import org.dfbk.data.dataset.Subject;
import org.dfbk.data.nifti.NiftiIO;
import org.dfbk.data.volume.Volume;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PhantomDatasetWriteTest {
  @TempDir Path out;

  @Test
  void writtenDatasetReadsBackThroughThePairedLayoutWithGeometry() {
    PhantomGenerator gen = PhantomGenerator.builder().optSize(32, 32, 16).optSeed(3).build();
    List<String> progress = new java.util.ArrayList<>();
    List<Path> dirs = PhantomGenerator.writeDataset(out, 2, gen,
        (done, total, id) -> progress.add(done + "/" + total + " " + id));
    assertEquals(List.of("1/2 phantom-000", "2/2 phantom-001"), progress);
    assertEquals(List.of(out.resolve("phantom-000"), out.resolve("phantom-001")), dirs);
    List<Subject> subjects = DatasetLayouts.byName("paired").scan(out);
    assertEquals(2, subjects.size());
    assertEquals(List.of("CT", "FLAIR", "LABELS", "PD", "T1", "T2"),
        List.copyOf(subjects.get(1).modalities().keySet()));
    PhantomSubject expected = gen.generate(1);
    Volume t2 = NiftiIO.read(subjects.get(1).require("T2")).volume();
    assertArrayEquals(expected.image("T2").data(), t2.data(), "T2 voxels after write/read");
    Volume labels = NiftiIO.read(subjects.get(1).require("LABELS")).volume();
    assertArrayEquals(expected.labels().data(), labels.data(), "labels after write/read");
    for (int r = 0; r < 3; r++) {
      Tolerance.assertClose(gen.affine()[r], t2.affine()[r], 0, 1e-5, "affine row " + r);
    }
    assertTrue(t2.sameGrid(labels, 1e-5));
  }
}

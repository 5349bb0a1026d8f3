package org.dfbk.data.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dfbk.core.error.ConfigException;
import org.dfbk.core.error.DataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetLayoutTest {
  @TempDir Path root;

  private void touch(String relative) throws IOException {
    Path p = root.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.createFile(p);
  }

  @Test
  void bratsMapsSuffixesToCanonicalNames() throws IOException {
    for (String id : List.of("BraTS-GLI-00002-000", "BraTS-GLI-00000-000")) {
      for (String s : List.of("t1n", "t1c", "t2w", "t2f", "seg")) {
        touch(id + "/" + id + "-" + s + ".nii.gz");
      }
    }
    touch("README.txt");
    List<Subject> subjects = DatasetLayouts.byName("brats2023").scan(root);
    assertEquals(List.of("BraTS-GLI-00000-000", "BraTS-GLI-00002-000"),
        subjects.stream().map(Subject::id).toList());
    Subject s = subjects.get(0);
    assertEquals(List.of("T1", "T1C", "T2", "FLAIR", "SEG"), List.copyOf(s.modalities().keySet()));
    assertEquals("BraTS-GLI-00000-000-t2f.nii.gz", s.require("flair").getFileName().toString());
    assertEquals("BraTS-GLI-00000-000-t1c.nii.gz", s.require("T1C").getFileName().toString());
  }

  @Test
  void bratsFileSuffixesNameTheModalitiesToo() throws IOException {
    String id = "BraTS-GLI-00003-000";
    for (String s : List.of("t1n", "t1c", "t2w", "t2f")) {
      touch(id + "/" + id + "-" + s + ".nii.gz");
    }
    Subject s = DatasetLayouts.byName("brats2023").scan(root).get(0);
    for (String suffix : List.of("t1n", "t1c", "t2w", "t2f")) {
      assertEquals(id + "-" + suffix + ".nii.gz", s.require(suffix).getFileName().toString(),
          suffix);
      assertTrue(s.has(suffix.toUpperCase(java.util.Locale.ROOT)), suffix);
    }
  }

  @Test
  void bratsValidationCaseWithoutSegIsListedAndSegIsReportedMissing() throws IOException {
    String id = "BraTS-GLI-00001-000";
    for (String s : List.of("t1n", "t1c", "t2w", "t2f")) {
      touch(id + "/" + id + "-" + s + ".nii.gz");
    }
    Subject s = new Brats2023Layout().scan(root).get(0);
    assertFalse(s.has("SEG"));
    DataException e = assertThrows(DataException.class, () -> s.require("SEG"));
    String m = e.getMessage();
    assertTrue(m.contains(id) && m.contains("SEG") && m.contains(root.resolve(id).toString())
        && m.contains(id + "-t2f.nii.gz"), m);
  }

  @Test
  void islesFindsNestedSequenceFolders() throws IOException {
    int seqId = 70613;
    for (String c : List.of("2", "10", "1")) {
      for (String seq : List.of("MR_DWI", "MR_Flair", "MR_T1", "MR_T2", "OT")) {
        String name = "VSD.Brain" + (seq.equals("OT") ? "_3more.XX.XX." : ".XX.O.") + seq + "."
            + seqId++;
        touch(c + "/" + name + "/" + name + ".nii");
      }
    }
    List<Subject> subjects = DatasetLayouts.byName("isles2015").scan(root);
    assertEquals(List.of("1", "2", "10"), subjects.stream().map(Subject::id).toList());
    Subject s = subjects.get(1);
    assertEquals(List.of("FLAIR", "T1", "T2", "DWI", "SEG"), List.copyOf(s.modalities().keySet()));
    assertEquals("VSD.Brain.XX.O.MR_T2.70616.nii", s.require("T2").getFileName().toString());
  }

  @Test
  void synthradMapsMrCtMask() throws IOException {
    for (String id : List.of("1BA001", "1BC090", "1PA001")) {
      for (String f : List.of("mr", "ct", "mask")) {
        touch(id + "/" + f + ".nii.gz");
      }
    }
    List<Subject> subjects = DatasetLayouts.byName("SynthRAD2023").scan(root);
    assertEquals(List.of("1BA001", "1BC090"), subjects.stream().map(Subject::id).toList());
    assertEquals(List.of("MR", "CT", "MASK"),
        List.copyOf(subjects.get(1).modalities().keySet()));
  }

  @Test
  void pairedFolderUsesUpperCasedFileStems() throws IOException {
    touch("patient07/T1.nii.gz");
    touch("patient07/t2.nii");
    touch("patient07/notes.txt");
    touch("empty/readme.md");
    List<Subject> subjects = DatasetLayouts.byName("paired").scan(root);
    assertEquals(1, subjects.size());
    assertEquals(List.of("T1", "T2"), List.copyOf(subjects.get(0).modalities().keySet()));
  }

  @Test
  void pairedFolderAcceptsUpperCaseExtensions() throws IOException {
    touch("s1/T1.NII.GZ");
    touch("s1/T2.Nii");
    Subject s = new PairedFolderLayout().scan(root).get(0);
    assertEquals(List.of("T1", "T2"), List.copyOf(s.modalities().keySet()));
    assertEquals("T1.NII.GZ", s.require("T1").getFileName().toString());
  }

  @Test
  void pairedFolderTakesHdrImgPairsByTheirHeader() throws IOException {
    touch("s1/T1.hdr");
    touch("s1/T1.img");
    touch("s1/T2.nii.gz");
    Subject s = new PairedFolderLayout().scan(root).get(0);
    assertEquals(List.of("T1", "T2"), List.copyOf(s.modalities().keySet()));
    assertEquals("T1.hdr", s.require("T1").getFileName().toString());
  }

  @Test
  void pairedFolderRejectsTwoFilesOfOneModality() throws IOException {
    touch("s1/T1.nii.gz");
    touch("s1/T1.nii");
    DataException e = assertThrows(DataException.class, () -> new PairedFolderLayout().scan(root));
    assertTrue(e.getMessage().contains("two T1 files"), e.getMessage());
  }

  @Test
  void rootWithoutSubjectsNamesTheRootAndWhatIsThere() throws IOException {
    touch("stuff/a.txt");
    DataException e = assertThrows(DataException.class, () -> new Brats2023Layout().scan(root));
    assertTrue(e.getMessage().contains(root.toString()) && e.getMessage().contains("stuff/"),
        e.getMessage());
    DataException missing = assertThrows(DataException.class,
        () -> new SynthRad2023Layout().scan(root.resolve("nope")));
    assertTrue(missing.getMessage().contains("nope"), missing.getMessage());
  }

  @Test
  void unknownLayoutNameListsTheAllowedOnes() {
    ConfigException e = assertThrows(ConfigException.class, () -> DatasetLayouts.byName("brats"));
    assertTrue(e.getMessage().contains("brats2023") && e.getMessage().contains("paired"),
        e.getMessage());
  }
}

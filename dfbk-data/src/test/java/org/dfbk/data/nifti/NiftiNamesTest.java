package org.dfbk.data.nifti;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NiftiNamesTest {
  @Test
  void stemDropsEveryNiftiExtensionInAnyCase() {
    assertEquals("T1", NiftiNames.stem("T1.nii.gz"));
    assertEquals("T1", NiftiNames.stem("T1.nii"));
    assertEquals("scan", NiftiNames.stem("scan.NII.GZ"));
    assertEquals("scan", NiftiNames.stem("scan.Nii"));
    assertEquals("pair", NiftiNames.stem("pair.hdr"));
    assertEquals("pair", NiftiNames.stem("pair.img"));
    assertEquals("pair", NiftiNames.stem("pair.IMG.gz"));
    assertEquals("with space ü", NiftiNames.stem("with space ü.nii.gz"));
    assertEquals("notes.txt", NiftiNames.stem("notes.txt"));
    assertEquals("s1/T2", NiftiNames.stem("s1/T2.nii.gz"));
  }

  @Test
  void niftiImagesAreTheNiiAndHdrFilesNotTheImgOfAPair() {
    for (String n : new String[] {"a.nii", "a.nii.gz", "A.NII.GZ", "a.hdr", "a.HDR.gz"}) {
      assertTrue(NiftiNames.isNifti(n), n);
    }
    for (String n : new String[] {"a.img", "a.img.gz", "a.nii.bak", "a.csv", "nii"}) {
      assertFalse(NiftiNames.isNifti(n), n);
    }
  }
}

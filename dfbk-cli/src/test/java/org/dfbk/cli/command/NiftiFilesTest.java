package org.dfbk.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NiftiFilesTest {
  @Test
  void stemDropsEveryNiftiExtensionInAnyCase() {
    assertEquals("T1", NiftiFiles.stem("T1.nii.gz"));
    assertEquals("T1", NiftiFiles.stem("T1.nii"));
    assertEquals("scan", NiftiFiles.stem("scan.NII.GZ"));
    assertEquals("scan", NiftiFiles.stem("scan.Nii"));
    assertEquals("pair", NiftiFiles.stem("pair.hdr"));
    assertEquals("pair", NiftiFiles.stem("pair.img"));
    assertEquals("pair", NiftiFiles.stem("pair.IMG.gz"));
    assertEquals("with space ü", NiftiFiles.stem("with space ü.nii.gz"));
    assertEquals("notes.txt", NiftiFiles.stem("notes.txt"));
  }
}

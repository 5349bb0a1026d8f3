package org.dfbk.data.phantom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.dfbk.data.volume.Volume;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PhantomGeneratorTest {
  private static PhantomGenerator generator;
  private static PhantomSubject subject;

  @BeforeAll
  static void generate() {
    generator = PhantomGenerator.builder().optSize(96, 96, 48).optSeed(7).build();
    subject = generator.generate(0);
  }

  /** Mean of a modality over voxels of one tissue whose 6 neighbours have the same tissue. */
  private static double interiorMean(String modality, Tissue tissue) {
    Volume labels = subject.labels();
    Volume img = subject.image(modality);
    double sum = 0;
    int count = 0;
    for (int z = 1; z < labels.nz() - 1; z++) {
      for (int y = 1; y < labels.ny() - 1; y++) {
        for (int x = 1; x < labels.nx() - 1; x++) {
          float l = labels.get(x, y, z);
          if (l != tissue.label() || labels.get(x - 1, y, z) != l || labels.get(x + 1, y, z) != l
              || labels.get(x, y - 1, z) != l || labels.get(x, y + 1, z) != l
              || labels.get(x, y, z - 1) != l || labels.get(x, y, z + 1) != l) {
            continue;
          }
          sum += img.get(x, y, z);
          count++;
        }
      }
    }
    assertTrue(count >= 3, tissue + " has only " + count + " interior voxels");
    return sum / count;
  }

  private static void assertOrdered(String modality, Tissue brighter, Tissue darker) {
    double b = interiorMean(modality, brighter);
    double d = interiorMean(modality, darker);
    assertTrue(b > d, modality + ": expected " + brighter + " (" + b + ") > " + darker + " (" + d
        + ")");
  }

  @Test
  void t1WhiteMatterBrighterThanGreyBrighterThanCsf() {
    assertOrdered("T1", Tissue.WHITE_MATTER, Tissue.GREY_MATTER);
    assertOrdered("T1", Tissue.GREY_MATTER, Tissue.CSF);
  }

  @Test
  void t2CsfBrighterThanGreyBrighterThanWhite() {
    assertOrdered("T2", Tissue.CSF, Tissue.GREY_MATTER);
    assertOrdered("T2", Tissue.GREY_MATTER, Tissue.WHITE_MATTER);
  }

  @Test
  void flairCsfDarkAndLesionsBright() {
    assertOrdered("FLAIR", Tissue.WHITE_MATTER, Tissue.CSF);
    assertOrdered("FLAIR", Tissue.LESION, Tissue.GREY_MATTER);
    assertOrdered("FLAIR", Tissue.LESION, Tissue.WHITE_MATTER);
    // nulled CSF: only noise and partial volume remain, well below a tenth of white matter
    double csf = interiorMean("FLAIR", Tissue.CSF);
    double wm = interiorMean("FLAIR", Tissue.WHITE_MATTER);
    assertTrue(csf < 0.1 * wm, "FLAIR CSF " + csf + " is not below 0.1 x WM " + wm);
  }

  @Test
  void pdGreyBrighterThanWhite() {
    assertOrdered("PD", Tissue.GREY_MATTER, Tissue.WHITE_MATTER);
  }

  @Test
  void ctBoneAboveSoftTissueAboveAir() {
    double bone = interiorMean("CT", Tissue.SKULL);
    double brain = interiorMean("CT", Tissue.WHITE_MATTER);
    double air = interiorMean("CT", Tissue.BACKGROUND);
    assertTrue(bone > 700 && brain > 0 && brain < 60 && air < -950,
        "CT means: bone " + bone + ", white matter " + brain + ", air " + air);
    Tolerance.assertClose(-1000, air, 5, "CT air mean (HU)");
  }

  @Test
  void signalEquationsMatchHandValues() {
    // 1000 * 0.7 * (1 - exp(-500/600)) * exp(-15/80)
    Tolerance.assertClose(328.1141840, PhantomContrast.T1.signal(Tissue.WHITE_MATTER), 1e-6,
        "T1 spin-echo signal of white matter");
    // TI = 4000 * ln(2 / (1 + exp(-9000/4000)))
    Tolerance.assertClose(2371.7624866, PhantomContrast.FLAIR.tiMs(), 1e-6, "FLAIR TI (ms)");
    Tolerance.assertClose(0, PhantomContrast.FLAIR.signal(Tissue.CSF), 1e-9, "FLAIR CSF signal");
    Tolerance.assertClose(277.2972381, PhantomContrast.FLAIR.signal(Tissue.LESION), 1e-6,
        "FLAIR lesion signal");
  }

  @Test
  void sameSeedAndIndexGiveIdenticalVolumes() {
    PhantomSubject again =
        PhantomGenerator.builder().optSize(96, 96, 48).optSeed(7).build().generate(0);
    for (String m : PhantomGenerator.MODALITIES) {
      assertArrayEquals(subject.image(m).data(), again.image(m).data(), m + " differs");
    }
    assertArrayEquals(subject.labels().data(), again.labels().data());
  }

  @Test
  void otherSeedOrIndexGivesOtherAnatomy() {
    PhantomSubject other = generator.generate(1);
    PhantomSubject otherSeed =
        PhantomGenerator.builder().optSize(96, 96, 48).optSeed(8).build().generate(0);
    assertFalse(Arrays.equals(subject.labels().data(), other.labels().data()));
    assertFalse(Arrays.equals(subject.labels().data(), otherSeed.labels().data()));
  }

  @Test
  void everySubjectHasLesionsOnlyInsideTheBrain() {
    for (int s = 0; s < 3; s++) {
      Volume labels = generator.generate(s).labels();
      int lesions = 0;
      for (float l : labels.data()) {
        lesions += l == Tissue.LESION.label() ? 1 : 0;
      }
      assertTrue(lesions > 0, "subject " + s + " has no lesion voxel");
    }
  }

  @Test
  void affineIsCentredRasWithTheVoxelSizes() {
    double[][] a = subject.image("T1").affine();
    double[] vs = subject.image("T1").voxelSize();
    Tolerance.assertClose(220.0 / 96, vs[0], 1e-12, "voxel size x");
    Tolerance.assertClose(160.0 / 48, vs[2], 1e-12, "voxel size z");
    for (int c = 0; c < 3; c++) {
      double norm = Math.sqrt(a[0][c] * a[0][c] + a[1][c] * a[1][c] + a[2][c] * a[2][c]);
      Tolerance.assertClose(vs[c], norm, 1e-12, "affine column " + c + " length");
      assertTrue(a[c][c] > 0, "axis " + c + " does not point to R/A/S: " + a[c][c]);
    }
    double det = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1])
        - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
        + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
    Tolerance.assertClose(vs[0] * vs[1] * vs[2], det, 1e-9, "affine determinant");
    assertArrayEquals(new double[] {0, 0, 0, 1}, a[3], 0);
    for (int r = 0; r < 3; r++) {
      double centre = a[r][0] * 47.5 + a[r][1] * 47.5 + a[r][2] * 23.5 + a[r][3];
      Tolerance.assertClose(0, centre, 1e-9, "world coordinate " + r + " of the grid centre");
    }
  }

  @Test
  void builderRejectsBadSettingsNamingTheValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PhantomGenerator.builder().optSize(8, 96, 48).build());
    assertTrue(e.getMessage().contains("8x96x48"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> PhantomGenerator.builder().optNoise(0.5).build());
    assertTrue(e.getMessage().contains("0.5"), e.getMessage());
  }

  @Test
  void allModalitiesShareOneGrid() {
    Volume ref = subject.labels();
    for (String m : PhantomGenerator.MODALITIES) {
      assertTrue(ref.sameGrid(subject.image(m), 0), m + " is on another grid");
    }
    assertEquals(PhantomGenerator.MODALITIES.size(), subject.images().size());
  }
}

package org.dfbk.data.phantom;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.dfbk.data.cache.ProgressListener;
import org.dfbk.data.nifti.NiftiDataType;
import org.dfbk.data.nifti.NiftiIO;
import org.dfbk.data.volume.Volume;
import org.dfbk.data.volume.VolumeFilters;

/**
 * Seeded digital head phantom: a tissue model of a head (scalp, skull, subarachnoid CSF, folded
 * cortical grey matter, white matter, deep grey nuclei, lateral ventricles, interhemispheric
 * fissure and a few white-matter lesions) rendered as T1, T2, FLAIR, PD (spin-echo and inversion
 * recovery signal equations, see {@link PhantomContrast}) and CT (Hounsfield units).
 *
 * <p>Geometry: a grid of nx × ny × nz voxels over a field of view of {@code fovXyMm} in-plane and
 * {@code fovZMm} along z, so voxel sizes are fov / n; the affine is diagonal RAS (x → right,
 * y → anterior, z → superior) and centred (the grid centre maps to world (0, 0, 0)). The head is
 * an ellipsoid (semi-axes about 70 mm left-right, 88 mm anterior-posterior, 78 mm
 * superior-inferior, ±5 % per subject, with a smooth outline perturbation), rotated by up to ±5°
 * about each axis, its top 8 mm below the top of the field of view. Layers are defined by the
 * depth below the head surface: scalp 5 mm, skull 6 mm, CSF 3 mm, then cortical grey matter
 * 2–12 mm deep whose inner boundary is folded by smooth noise (12 mm cells) and pierced by
 * sulcal CSF. Lateral ventricles are scaled by a per-subject factor 0.7–1.5; 2–6 lesions are
 * ellipsoids of 3–7 mm semi-axes centred on random white-matter voxels and confined to white
 * matter.
 *
 * <p>Rendering per contrast: the pure-tissue signal, times (1 + 0.06 · texture) in brain tissue
 * (texture: smooth noise of 20 mm cells; CT adds 3 HU · texture), Gaussian partial-volume
 * smoothing of {@code partialVolumeSigma} voxels, then noise: Rician for MR with σ =
 * {@code noise} × the contrast's brightest tissue signal, Gaussian for CT with σ = {@code noise}
 * × 1000 HU.
 *
 * <p>Determinism: the same seed and subject index give bit-identical volumes.
 *
 * <p>Over 400 lines because it is one anatomy: the head's geometry, its tissues and their
 * per-contrast intensities are drawn together so every modality shares the same subject.
 */
public final class PhantomGenerator {
  /** Modality names of {@link PhantomSubject#images()}, in order. */
  public static final List<String> MODALITIES = List.of("T1", "T2", "FLAIR", "PD", "CT");

  private static final double SCALP_MM = 5;
  private static final double SKULL_MM = 6;
  private static final double CSF_MM = 3;

  private final int nx;
  private final int ny;
  private final int nz;
  private final long seed;
  private final double fovXyMm;
  private final double fovZMm;
  private final double noise;
  private final double partialVolumeSigma;
  private final boolean skullStripped;

  private PhantomGenerator(Builder b) {
    this.nx = b.nx;
    this.ny = b.ny;
    this.nz = b.nz;
    this.seed = b.seed;
    this.fovXyMm = b.fovXyMm;
    this.fovZMm = b.fovZMm;
    this.noise = b.noise;
    this.partialVolumeSigma = b.partialVolumeSigma;
    this.skullStripped = b.skullStripped;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Grid shape {nx, ny, nz}. */
  public int[] shape() {
    return new int[] {nx, ny, nz};
  }

  public long seed() {
    return seed;
  }

  /** Identifier of subject {@code index}: {@code phantom-NNN}. */
  public static String subjectId(int index) {
    return String.format(Locale.ROOT, "phantom-%03d", index);
  }

  /** The voxel-to-world affine (RAS, mm, centred) shared by every subject. */
  public double[][] affine() {
    double[] vs = voxelSize();
    return new double[][] {
      {vs[0], 0, 0, -(nx - 1) / 2.0 * vs[0]},
      {0, vs[1], 0, -(ny - 1) / 2.0 * vs[1]},
      {0, 0, vs[2], -(nz - 1) / 2.0 * vs[2]},
      {0, 0, 0, 1}
    };
  }

  /** Voxel sizes in mm: field of view / grid size per axis. */
  public double[] voxelSize() {
    return new double[] {fovXyMm / nx, fovXyMm / ny, fovZMm / nz};
  }

  /** Generates subject {@code subjectIndex} (≥ 0); the same index always gives the same subject. */
  public PhantomSubject generate(int subjectIndex) {
    if (subjectIndex < 0) {
      throw new IllegalArgumentException("subject index must be >= 0, got " + subjectIndex);
    }
    SplittableRandom rng =
        new SplittableRandom(SmoothNoise.mix(seed * 0x9E3779B97F4A7C15L + subjectIndex + 1));
    Anatomy anatomy = new Anatomy(rng);
    double[][] affine = affine();
    double[] vs = voxelSize();
    int n = nx * ny * nz;
    byte[] labels = new byte[n];
    float[] texture = new float[n];
    double[] q = new double[3];
    for (int k = 0; k < nz; k++) {
      for (int j = 0; j < ny; j++) {
        for (int i = 0; i < nx; i++) {
          int idx = i + nx * (j + ny * k);
          anatomy.toHead(affine[0][3] + i * vs[0], affine[1][3] + j * vs[1],
              affine[2][3] + k * vs[2], q);
          Tissue t = anatomy.tissueAt(q);
          labels[idx] = (byte) t.label();
          if (t == Tissue.GREY_MATTER || t == Tissue.WHITE_MATTER) {
            texture[idx] = (float) anatomy.texture.at(q[0], q[1], q[2]);
          }
        }
      }
    }
    anatomy.addLesions(rng, labels, affine, vs);

    float[] labelData = new float[n];
    for (int i = 0; i < n; i++) {
      labelData[i] = labels[i];
    }
    Volume labelVolume = new Volume(nx, ny, nz, labelData, vs.clone(), copy(affine));

    Map<String, Volume> images = new LinkedHashMap<>();
    for (PhantomContrast c : PhantomContrast.values()) {
      Volume image = render(c, labels, texture, labelVolume, rng.split());
      images.put(c.name(), skullStripped ? strip(image, labels, c.isCt()) : image);
    }
    return new PhantomSubject(subjectId(subjectIndex), images, labelVolume);
  }

  /** Generates subjects 0 .. count−1. */
  public List<PhantomSubject> generate(int firstIndex, int count) {
    List<PhantomSubject> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(generate(firstIndex + i));
    }
    return out;
  }

  /**
   * Generates subjects 0 .. {@code subjects}−1 and writes them in the generic paired-folder layout:
   * {@code <outDir>/phantom-NNN/<MODALITY>.nii.gz} for T1, T2, FLAIR, PD, CT (float32) and
   * {@code LABELS.nii.gz} (uint8 tissue labels, {@link Tissue#label()}). Each file is written
   * atomically; existing files of the same name are replaced.
   *
   * @return the subject folders, in order
   */
  public static List<Path> writeDataset(Path outDir, int subjects, PhantomGenerator generator) {
    return writeDataset(outDir, subjects, generator, ProgressListener.NONE);
  }

  /** {@link #writeDataset(Path, int, PhantomGenerator)} reporting each finished subject. */
  public static List<Path> writeDataset(Path outDir, int subjects, PhantomGenerator generator,
      ProgressListener progress) {
    if (subjects < 1) {
      throw new IllegalArgumentException(
          "number of phantom subjects must be >= 1, got " + subjects);
    }
    List<Path> dirs = new ArrayList<>();
    for (int s = 0; s < subjects; s++) {
      PhantomSubject subject = generator.generate(s);
      Path dir = outDir.resolve(subject.id());
      for (String m : MODALITIES) {
        NiftiIO.writeFloat32(dir.resolve(m + ".nii.gz"), subject.image(m), null);
      }
      NiftiIO.write(dir.resolve("LABELS.nii.gz"), subject.labels(), null, NiftiDataType.UINT8);
      dirs.add(dir);
      progress.subjectDone(s + 1, subjects, subject.id());
    }
    return dirs;
  }

  private Volume render(PhantomContrast c, byte[] labels, float[] texture, Volume grid,
      SplittableRandom rng) {
    Tissue[] tissues = Tissue.values();
    double[] signal = new double[tissues.length];
    double brightest = 0;
    for (Tissue t : tissues) {
      signal[t.label()] = c.signal(t);
      brightest = Math.max(brightest, Math.abs(c.signal(t)));
    }
    float[] img = new float[labels.length];
    for (int i = 0; i < img.length; i++) {
      int l = labels[i];
      double s = signal[l];
      boolean brain = l == Tissue.GREY_MATTER.label() || l == Tissue.WHITE_MATTER.label()
          || l == Tissue.LESION.label();
      if (brain) {
        s = c.isCt() ? s + 3.0 * texture[i] : s * (1 + 0.06 * texture[i]);
      }
      img[i] = (float) s;
    }
    Volume smooth = VolumeFilters.gaussian(grid.withData(img), partialVolumeSigma);
    float[] out = smooth.data();
    if (c.isCt()) {
      double sigma = noise * 1000.0;
      for (int i = 0; i < out.length; i++) {
        out[i] = (float) (out[i] + sigma * rng.nextGaussian());
      }
    } else {
      double sigma = noise * brightest;
      for (int i = 0; i < out.length; i++) {
        double re = out[i] + sigma * rng.nextGaussian();
        double im = sigma * rng.nextGaussian();
        out[i] = (float) Math.sqrt(re * re + im * im);
      }
    }
    return smooth;
  }

  /** {@code image} with air, scalp and skull voxels set to background (0, or −1024 HU). */
  private static Volume strip(Volume image, byte[] labels, boolean ct) {
    float[] d = image.data().clone();
    float background = ct ? -1024f : 0f;
    for (int i = 0; i < d.length; i++) {
      int l = labels[i];
      if (l == Tissue.BACKGROUND.label() || l == Tissue.SCALP.label()
          || l == Tissue.SKULL.label()) {
        d[i] = background;
      }
    }
    return image.withData(d);
  }

  private static double[][] copy(double[][] a) {
    double[][] c = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i].clone();
    }
    return c;
  }

  /** Per-subject anatomy: head pose and shape, structure sizes, noise fields. */
  private final class Anatomy {
    final double ax;
    final double ay;
    final double az;
    final double cz;
    final double[][] rot;
    final double ventricleScale;
    final SmoothNoise outline;
    final SmoothNoise folds;
    final SmoothNoise sulci;
    final SmoothNoise texture;
    final double meanAxis;

    Anatomy(SplittableRandom rng) {
      ax = 70 * (0.95 + 0.1 * rng.nextDouble());
      ay = 88 * (0.95 + 0.1 * rng.nextDouble());
      az = 78 * (0.95 + 0.1 * rng.nextDouble());
      meanAxis = (ax + ay + az) / 3;
      cz = fovZMm / 2 - 8 - az;
      double max = Math.toRadians(5);
      rot = rotation(max * (2 * rng.nextDouble() - 1), max * (2 * rng.nextDouble() - 1),
          max * (2 * rng.nextDouble() - 1));
      ventricleScale = 0.7 + 0.8 * rng.nextDouble();
      outline = new SmoothNoise(rng.nextLong(), 40);
      folds = new SmoothNoise(rng.nextLong(), 12);
      sulci = new SmoothNoise(rng.nextLong(), 9);
      texture = new SmoothNoise(rng.nextLong(), 20);
    }

    /** World point (mm) to head coordinates: q = Rᵀ (p − c). */
    void toHead(double x, double y, double z, double[] q) {
      double dz = z - cz;
      q[0] = rot[0][0] * x + rot[1][0] * y + rot[2][0] * dz;
      q[1] = rot[0][1] * x + rot[1][1] * y + rot[2][1] * dz;
      q[2] = rot[0][2] * x + rot[1][2] * y + rot[2][2] * dz;
    }

    Tissue tissueAt(double[] q) {
      double r = Math.sqrt(sq(q[0] / ax) + sq(q[1] / ay) + sq(q[2] / az));
      r *= 1 + 0.03 * outline.at(q[0], q[1], q[2]);
      if (r >= 1) {
        return Tissue.BACKGROUND;
      }
      double depth = (1 - r) * meanAxis;
      if (depth < SCALP_MM) {
        return Tissue.SCALP;
      }
      if (depth < SCALP_MM + SKULL_MM) {
        return Tissue.SKULL;
      }
      if (depth < SCALP_MM + SKULL_MM + CSF_MM) {
        return Tissue.CSF;
      }
      double brainDepth = depth - (SCALP_MM + SKULL_MM + CSF_MM);
      double s = ventricleScale;
      if (inEllipsoid(q, 7 * s + 2, 5, 14, 4 * s, 20 * s, 6 * s)
          || inEllipsoid(q, -(7 * s + 2), 5, 14, 4 * s, 20 * s, 6 * s)) {
        return Tissue.CSF;
      }
      if (inEllipsoid(q, 11, -8, 0, 8, 12, 8) || inEllipsoid(q, -11, -8, 0, 8, 12, 8)
          || inEllipsoid(q, 22, 8, 4, 6, 12, 9) || inEllipsoid(q, -22, 8, 4, 6, 12, 9)) {
        return Tissue.GREY_MATTER;
      }
      if (Math.abs(q[0]) < 1.0 && q[2] > 0 && brainDepth < 25) {
        return Tissue.CSF;
      }
      double gmDepth = Math.max(2, 6 + 6 * folds.at(q[0], q[1], q[2]));
      if (brainDepth < gmDepth) {
        if (brainDepth < 0.8 * gmDepth && sulci.at(q[0], q[1], q[2]) > 0.45) {
          return Tissue.CSF;
        }
        return Tissue.GREY_MATTER;
      }
      return Tissue.WHITE_MATTER;
    }

    void addLesions(SplittableRandom rng, byte[] labels, double[][] affine, double[] vs) {
      int wm = Tissue.WHITE_MATTER.label();
      int[] wmIdx = java.util.stream.IntStream.range(0, labels.length)
          .filter(i -> labels[i] == wm).toArray();
      if (wmIdx.length == 0) {
        return;
      }
      int count = 2 + rng.nextInt(5);
      for (int l = 0; l < count; l++) {
        int c = wmIdx[rng.nextInt(wmIdx.length)];
        int ci = c % nx;
        int cj = (c / nx) % ny;
        int ck = c / (nx * ny);
        double[] semi = {3 + 4 * rng.nextDouble(), 3 + 4 * rng.nextDouble(),
            3 + 4 * rng.nextDouble()};
        int ri = (int) Math.ceil(semi[0] / vs[0]);
        int rj = (int) Math.ceil(semi[1] / vs[1]);
        int rk = (int) Math.ceil(semi[2] / vs[2]);
        for (int k = Math.max(0, ck - rk); k <= Math.min(nz - 1, ck + rk); k++) {
          for (int j = Math.max(0, cj - rj); j <= Math.min(ny - 1, cj + rj); j++) {
            for (int i = Math.max(0, ci - ri); i <= Math.min(nx - 1, ci + ri); i++) {
              double e = sq((i - ci) * vs[0] / semi[0]) + sq((j - cj) * vs[1] / semi[1])
                  + sq((k - ck) * vs[2] / semi[2]);
              int idx = i + nx * (j + ny * k);
              if (e <= 1 && labels[idx] == wm) {
                labels[idx] = (byte) Tissue.LESION.label();
              }
            }
          }
        }
      }
    }
  }

  private static boolean inEllipsoid(double[] q, double cx, double cy, double cz, double a,
      double b, double c) {
    return sq((q[0] - cx) / a) + sq((q[1] - cy) / b) + sq((q[2] - cz) / c) <= 1;
  }

  private static double sq(double v) {
    return v * v;
  }

  /** Rotation matrix Rz(c) · Ry(b) · Rx(a). */
  private static double[][] rotation(double a, double b, double c) {
    double ca = Math.cos(a);
    double sa = Math.sin(a);
    double cb = Math.cos(b);
    double sb = Math.sin(b);
    double cc = Math.cos(c);
    double sc = Math.sin(c);
    return new double[][] {
      {cc * cb, cc * sb * sa - sc * ca, cc * sb * ca + sc * sa},
      {sc * cb, sc * sb * sa + cc * ca, sc * sb * ca - cc * sa},
      {-sb, cb * sa, cb * ca}
    };
  }

  /** Builder; every option has a default. */
  public static final class Builder {
    private int nx = 128;
    private int ny = 128;
    private int nz = 64;
    private long seed = 0;
    private double fovXyMm = 220;
    private double fovZMm = 160;
    private double noise = 0.01;
    private double partialVolumeSigma = 0.6;
    private boolean skullStripped = false;

    private Builder() {}

    /** Grid size (default 128 × 128 × 64); each at least 16. */
    public Builder optSize(int nx, int ny, int nz) {
      this.nx = nx;
      this.ny = ny;
      this.nz = nz;
      return this;
    }

    /** Master seed (default 0). */
    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Field of view in mm: in-plane (default 220) and along z (default 160); both in [100, 400].
     */
    public Builder optFieldOfView(double xyMm, double zMm) {
      this.fovXyMm = xyMm;
      this.fovZMm = zMm;
      return this;
    }

    /**
     * Noise σ relative to the brightest tissue (CT: relative to 1000 HU); default 0.01, in
     * [0, 0.2].
     */
    public Builder optNoise(double noise) {
      this.noise = noise;
      return this;
    }

    /** Partial-volume Gaussian σ in voxels (default 0.6), in [0, 3]. */
    public Builder optPartialVolumeSigma(double sigmaVoxels) {
      this.partialVolumeSigma = sigmaVoxels;
      return this;
    }

    /**
     * Whether the images are skull-stripped (default false: the head with scalp and skull, as a
     * scanner gives it): every voxel outside the intracranial space (air, scalp, skull) is set to
     * background, 0 for MR and −1024 HU for CT, after rendering, as multiplying by a brain mask
     * does. The labels and the random draws are unchanged, so a stripped subject is its
     * skull-on twin masked.
     */
    public Builder optSkullStripped(boolean stripped) {
      this.skullStripped = stripped;
      return this;
    }

    public PhantomGenerator build() {
      if (nx < 16 || ny < 16 || nz < 16) {
        throw new IllegalArgumentException(
            "phantom size must be at least 16 per axis, got " + nx + "x" + ny + "x" + nz);
      }
      if ((long) nx * ny * nz > 512L * 512 * 512) {
        throw new IllegalArgumentException(
            "phantom size " + nx + "x" + ny + "x" + nz + " exceeds 512^3 voxels");
      }
      if (!(fovXyMm >= 100 && fovXyMm <= 400) || !(fovZMm >= 100 && fovZMm <= 400)) {
        throw new IllegalArgumentException("field of view must be in [100, 400] mm, got "
            + fovXyMm + " in-plane and " + fovZMm + " along z");
      }
      if (!(noise >= 0 && noise <= 0.2)) {
        throw new IllegalArgumentException("noise must be in [0, 0.2], got " + noise);
      }
      if (!(partialVolumeSigma >= 0 && partialVolumeSigma <= 3)) {
        throw new IllegalArgumentException(
            "partial-volume sigma must be in [0, 3] voxels, got " + partialVolumeSigma);
      }
      return new PhantomGenerator(this);
    }
  }
}

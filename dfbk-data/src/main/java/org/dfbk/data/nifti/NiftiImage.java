package org.dfbk.data.nifti;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import org.dfbk.core.error.DataException;
import org.dfbk.data.volume.Volume;

/**
 * A NIfTI image read into memory: its header and the raw on-disk voxel bytes of all volumes.
 * Voxels are decoded (and scaled with scl_slope/scl_inter) to float one 3-D volume at a time by
 * {@link #volume(int)}.
 *
 * <p>Shape: the file holds {@code nx * ny * nz * nt} voxels, x fastest; {@code nt} is
 * {@link #volumeCount()} (the product of dims 4..7, 1 for a 3-D file). A 2-D file is read as
 * {@code nz = 1}; callers that need 3-D data check {@link NiftiHeader#ndim()}.
 *
 * <p>Non-finite voxels (NaN, +-Inf, possible only in float files or from float64 values beyond
 * the float range) are passed through by the reader; {@link #nonFiniteCount()} reports them and
 * {@link #requireFinite()} throws a {@link DataException} naming the count and the first voxel.
 */
public final class NiftiImage {
  private final NiftiHeader header;
  private final Path path;
  private final Path dataPath;
  private final ByteBuffer data;
  private final NiftiDataType type;

  NiftiImage(NiftiHeader header, Path path, Path dataPath, ByteBuffer data) {
    this.header = header;
    this.path = path;
    this.dataPath = dataPath;
    this.data = data.order(header.byteOrder());
    this.type = header.dataType();
  }

  /** The header (a copy is not taken: do not share it with writers that modify copies). */
  public NiftiHeader header() {
    return header;
  }

  /** The file that was opened (.nii, .nii.gz or .hdr). */
  public Path path() {
    return path;
  }

  /** The file that holds the voxels (the same as {@link #path()} except for .hdr/.img pairs). */
  public Path dataPath() {
    return dataPath;
  }

  /** The on-disk voxel type. */
  public NiftiDataType dataType() {
    return type;
  }

  /** Number of 3-D volumes: 1 for 3-D (and 2-D) files, nt for 4-D. */
  public int volumeCount() {
    return header.volumeCount();
  }

  /** {nx, ny, nz} of each volume (nz = 1 for 2-D files). */
  public int[] volumeShape() {
    long[] d = header.rawDim();
    int nd = header.ndim();
    return new int[] {(int) d[1], nd >= 2 ? (int) d[2] : 1, nd >= 3 ? (int) d[3] : 1};
  }

  /**
   * Volume 0, decoded and scaled to float. For a 4-D file this is the first volume (no error):
   * callers that must not silently take one volume of a series check {@link #volumeCount()}.
   */
  public Volume volume() {
    return volume(0);
  }

  /**
   * The image's one 3-D volume, for a use that takes one volume per file: a 3-D (or 2-D) image,
   * or a 4-D one with a single volume. A series of several volumes is refused rather than cut to
   * its first volume.
   *
   * @param role what the file is to the caller ("prediction", "truth"), leading the message; or
   *     null
   * @param use the clause that says what takes one volume, e.g. "eval compares one 3-D volume per
   *     file"
   * @param pickFix how the caller picks one volume of a series (e.g. "pass --volume T to translate
   *     volume T (0..1)"), offered before extracting it; or null
   * @throws DataException for a series: naming the file, its dims, its number of volumes and the
   *     fix, ending with the fslroi line that extracts volume 0
   */
  public Volume onlyVolume(String role, String use, String pickFix) {
    if (volumeCount() > 1) {
      String name = path.getFileName().toString();
      throw new DataException((role == null ? "" : role + " ") + path + " is 4-D (dims "
          + Arrays.toString(header.dims()) + ", " + volumeCount() + " volumes); " + use
          + ". Fix: " + (pickFix == null ? "extract the volume to use" : pickFix
              + ", or extract it") + ", e.g. fslroi " + name + " " + NiftiNames.stem(name)
          + "_vol0.nii.gz 0 1");
    }
    return volume(0);
  }

  /**
   * Volume {@code t} (0-based) decoded to float, scaled by scl_slope/scl_inter when the slope
   * is valid, with the header's best affine and voxel sizes {@code pixdim[1..3]}.
   *
   * @throws DataException when {@code t} is outside {@code [0, volumeCount())}
   */
  public Volume volume(int t) {
    int[] s = volumeShape();
    return new Volume(s[0], s[1], s[2], volumeData(t), header.voxelSize(), header.affine());
  }

  /** The voxels of volume {@code t}, x fastest, decoded and scaled to float. */
  public float[] volumeData(int t) {
    int nt = volumeCount();
    if (t < 0 || t >= nt) {
      throw new DataException("volume index " + t + " is out of range for " + path + ", which has "
          + nt + " volume(s) (dims " + Arrays.toString(header.dims()) + "). Fix: choose a"
          + " volume index from 0 to " + (nt - 1));
    }
    int n = (int) header.voxelsPerVolume();
    float[] out = new float[n];
    VoxelCodec.decode(data, (long) t * n, out, type, header);
    return out;
  }

  /** The number of NaN or infinite values over all volumes after decoding and scaling. */
  public long nonFiniteCount() {
    long count = 0;
    for (int t = 0; t < volumeCount(); t++) {
      for (float v : volumeData(t)) {
        if (!Float.isFinite(v)) {
          count++;
        }
      }
    }
    return count;
  }

  /**
   * Throws when any decoded voxel is NaN or infinite.
   *
   * @throws DataException naming the file, the count of non-finite voxels and the first one
   *     (x, y, z, t and its value)
   */
  public void requireFinite() {
    int[] s = volumeShape();
    long count = 0;
    String first = null;
    for (int t = 0; t < volumeCount(); t++) {
      float[] v = volumeData(t);
      for (int i = 0; i < v.length; i++) {
        if (!Float.isFinite(v[i])) {
          if (first == null) {
            int x = i % s[0];
            int y = (i / s[0]) % s[1];
            int z = i / (s[0] * s[1]);
            first = "(x=" + x + ", y=" + y + ", z=" + z + ", t=" + t + ") = " + v[i];
          }
          count++;
        }
      }
    }
    if (count > 0) {
      throw new DataException(path + " contains " + count + " non-finite voxel(s) (NaN or"
          + " infinite); first at " + first + ". Fix: replace them before use, e.g. with nibabel/"
          + "numpy: np.nan_to_num(data, nan=0.0, posinf=0.0, neginf=0.0)");
    }
  }

  /** Raw on-disk bytes of all volumes (read-only view, in {@link NiftiHeader#byteOrder()}). */
  public ByteBuffer rawData() {
    return data.asReadOnlyBuffer().order(header.byteOrder());
  }
}

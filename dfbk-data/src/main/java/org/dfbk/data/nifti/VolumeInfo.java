package org.dfbk.data.nifti;

import com.google.gson.GsonBuilder;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.dfbk.data.volume.Orientation;

/**
 * Summary of one NIfTI file for {@code dfbk data inspect}: header geometry and the intensity
 * statistics of one 3-D volume.
 *
 * <p>Statistics are over the finite voxels of the chosen volume after scaling (non-finite ones
 * are counted in {@code nonFiniteVoxels}); percentiles interpolate linearly between order
 * statistics at rank {@code p / 100 * (n - 1)}, as numpy's default {@code np.percentile}.
 *
 * @param file the inspected path
 * @param niftiVersion 1 or 2
 * @param shape dims of all axes (x, y, z[, t, ...])
 * @param dataType on-disk type name ("int16", ...)
 * @param byteOrder "little-endian" or "big-endian"
 * @param voxelSize pixdim[1..3]
 * @param spaceUnits spatial unit from xyzt_units ("mm", "unknown", ...)
 * @param affine best affine (4x4, row-major)
 * @param affineSource "sform", "qform" or "pixdim" (nibabel's base affine)
 * @param qformCode qform_code
 * @param sformCode sform_code
 * @param orientation axis codes, e.g. "RAS" (see {@link Orientation#axisCodes})
 * @param sclSlope slope applied on read (1 when the header has none)
 * @param sclInter intercept applied on read (0 when the header has none)
 * @param volumeIndex the volume the statistics describe
 * @param volumeCount number of volumes in the file
 * @param min smallest finite value
 * @param max largest finite value
 * @param mean mean of the finite values
 * @param p1 1st percentile
 * @param p50 median
 * @param p99 99th percentile
 * @param p99_5 99.5th percentile
 * @param nonFiniteVoxels count of NaN / infinite voxels in the volume
 * @param nonZeroVoxels count of voxels different from 0
 */
public record VolumeInfo(String file, int niftiVersion, int[] shape, String dataType,
    String byteOrder, double[] voxelSize, String spaceUnits, double[][] affine,
    String affineSource, int qformCode, int sformCode, String orientation, double sclSlope,
    double sclInter, int volumeIndex, int volumeCount, double min, double max, double mean,
    double p1, double p50, double p99, double p99_5, long nonFiniteVoxels, long nonZeroVoxels) {

  /** Inspects volume 0 of {@code file}. */
  public static VolumeInfo inspect(Path file) {
    return inspect(file, 0);
  }

  /**
   * Reads {@code file} and summarises volume {@code volumeIndex}.
   *
   * @throws org.dfbk.core.error.DataException for unreadable files or an index out of range
   */
  public static VolumeInfo inspect(Path file, int volumeIndex) {
    NiftiImage img = NiftiIO.read(file);
    NiftiHeader h = img.header();
    float[] v = img.volumeData(volumeIndex);
    float[] finite = new float[v.length];
    int n = 0;
    long nonZero = 0;
    double sum = 0;
    for (float x : v) {
      if (Float.isFinite(x)) {
        finite[n++] = x;
        sum += x;
      }
      if (x != 0) {
        nonZero++;
      }
    }
    float[] sorted = Arrays.copyOf(finite, n);
    Arrays.sort(sorted);
    double nan = Double.NaN;
    String source = h.sformCode() != 0 ? "sform" : h.qformCode() != 0 ? "qform" : "pixdim";
    double[][] affine = h.affine();
    return new VolumeInfo(file.toString(), h.version(), h.dims(), img.dataType().numpyName(),
        h.byteOrder() == ByteOrder.BIG_ENDIAN ? "big-endian" : "little-endian", h.voxelSize(),
        h.spaceUnits(), affine, source, h.qformCode(), h.sformCode(),
        Orientation.axisCodes(affine), h.effectiveSlope(), h.effectiveInter(), volumeIndex,
        img.volumeCount(), n > 0 ? sorted[0] : nan, n > 0 ? sorted[n - 1] : nan,
        n > 0 ? sum / n : nan, percentile(sorted, 1), percentile(sorted, 50),
        percentile(sorted, 99), percentile(sorted, 99.5), v.length - n, nonZero);
  }

  /** Linear-interpolation percentile of sorted values (numpy's default); NaN when empty. */
  public static double percentile(float[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    double rank = p / 100.0 * (sorted.length - 1);
    int lo = (int) Math.floor(rank);
    int hi = Math.min(lo + 1, sorted.length - 1);
    double frac = rank - lo;
    return sorted[lo] + (sorted[hi] - (double) sorted[lo]) * frac;
  }

  /**
   * Pretty-printed JSON of all fields. JSON has no number for NaN or infinity, so a non-finite
   * value (the statistics of a volume without a finite voxel, a non-finite header field) is the
   * string "nan", "inf" or "-inf".
   */
  public String toJson() {
    return new GsonBuilder().setPrettyPrinting()
        .registerTypeAdapter(double.class, NON_FINITE_AS_STRING)
        .registerTypeAdapter(Double.class, NON_FINITE_AS_STRING).create().toJson(this);
  }

  /** Doubles as JSON numbers, and the non-finite ones as the strings "nan", "inf", "-inf". */
  private static final TypeAdapter<Double> NON_FINITE_AS_STRING = new TypeAdapter<>() {
    @Override
    public void write(JsonWriter w, Double v) throws IOException {
      if (v == null) {
        w.nullValue();
      } else if (Double.isFinite(v)) {
        w.value(v.doubleValue());
      } else {
        w.value(Double.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf");
      }
    }

    @Override
    public Double read(JsonReader r) throws IOException {
      if (r.peek() != JsonToken.STRING) {
        return r.nextDouble();
      }
      String s = r.nextString();
      return switch (s) {
        case "nan" -> Double.NaN;
        case "inf" -> Double.POSITIVE_INFINITY;
        case "-inf" -> Double.NEGATIVE_INFINITY;
        default -> Double.parseDouble(s);
      };
    }
  };

  /** A human-readable multi-line summary. */
  public String toText() {
    StringBuilder sb = new StringBuilder();
    sb.append(file).append('\n');
    sb.append(String.format(Locale.ROOT, "  format       NIfTI-%d, %s, %s%n", niftiVersion,
        dataType, byteOrder));
    sb.append("  shape        ").append(join(shape)).append(volumeCount > 1
        ? "  (" + volumeCount + " volumes; statistics of volume " + volumeIndex + ")" : "")
        .append('\n');
    sb.append(String.format(Locale.ROOT, "  voxel size   %s %s%n", join(voxelSize), spaceUnits));
    sb.append(String.format(Locale.ROOT, "  orientation  %s (affine from %s; qform_code %d,"
        + " sform_code %d)%n", orientation, affineSource, qformCode, sformCode));
    for (double[] row : affine) {
      sb.append(String.format(Locale.ROOT, "    [%10.4f %10.4f %10.4f %10.4f]%n", row[0], row[1],
          row[2], row[3]));
    }
    if (sclSlope != 1 || sclInter != 0) {
      sb.append(String.format(Locale.ROOT, "  scaling      value = raw * %g + %g%n", sclSlope,
          sclInter));
    }
    sb.append(String.format(Locale.ROOT, "  intensity    min %.6g  max %.6g  mean %.6g%n", min,
        max, mean));
    sb.append(String.format(Locale.ROOT, "  percentiles  p1 %.6g  p50 %.6g  p99 %.6g"
        + "  p99.5 %.6g%n", p1, p50, p99, p99_5));
    sb.append(String.format(Locale.ROOT, "  voxels       %d non-zero, %d non-finite%n",
        nonZeroVoxels, nonFiniteVoxels));
    return sb.toString();
  }

  private static String join(int[] a) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < a.length; i++) {
      sb.append(i > 0 ? " x " : "").append(a[i]);
    }
    return sb.toString();
  }

  private static String join(double[] a) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < a.length; i++) {
      sb.append(i > 0 ? " x " : "").append(String.format(Locale.ROOT, "%.4g", a[i]));
    }
    return sb.toString();
  }
}

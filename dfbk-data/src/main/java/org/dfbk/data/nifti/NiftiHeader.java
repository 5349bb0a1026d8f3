package org.dfbk.data.nifti;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import org.dfbk.core.error.DataException;

/**
 * All fields of a NIfTI-1 (348-byte) or NIfTI-2 (540-byte) header, held at NIfTI-2 precision
 * (64-bit integers, doubles), plus the byte order and the file it came from.
 *
 * <p>Array conventions: {@link #dims()} and {@link #pixdim()} hold the used axes only, i.e.
 * {@code dim[1..dim[0]]} and {@code pixdim[1..dim[0]]} (x, y, z, t, ...), as nibabel's
 * {@code get_data_shape()} and {@code get_zooms()}; {@link #rawDim()} and {@link #rawPixdim()}
 * give the full 8-entry arrays including {@code dim[0]} and {@code pixdim[0]} (qfac).
 *
 * <p>Affine: {@link #affine()} is the best voxel-to-world transform, chosen as nibabel's
 * {@code get_best_affine}: the sform when {@code sform_code != 0}, else the qform (quaternion
 * with qfac from {@code pixdim[0]}) when {@code qform_code != 0}, else the base affine
 * ({@code diag(-dx, dy, dz)} centred on the middle voxel, nibabel's {@code get_base_affine}).
 *
 * <p>Range checks on parsing (a {@link DataException} naming file, field and value): dim[0] in
 * 1..7; dim[1..dim[0]] in 1..2^31-1 (NIfTI-2 stores int64) with a product that fits a long and
 * at most 2^31-1 volumes; vox_offset a whole number in 0..2^62 (NIfTI-1 stores it as a float);
 * qform_code and sform_code in 0..5. The checks that need the datatype or the file follow in
 * {@link NiftiIO#read}.
 *
 * <p>Instances are mutable only inside this package (reader, writer); {@link #copy()} gives a
 * deep copy. The byte layout of both versions is {@link NiftiField}'s table, which
 * {@link NiftiHeaderCodec} parses and encodes.
 *
 * <p>Longer than the ~400 lines a class here aims for because it is the one public view of the
 * header's 40-odd fields (an accessor each) and of nibabel's affine rules over them.
 */
public final class NiftiHeader {
  /** NIfTI-1 header size. */
  public static final int NIFTI1_SIZE = 348;
  /** NIfTI-2 header size. */
  public static final int NIFTI2_SIZE = 540;
  /** xyzt_units code for millimetres. */
  public static final int UNITS_MM = 2;
  /** xyzt_units code for seconds. */
  public static final int UNITS_SEC = 8;
  /** Largest size of one axis: voxel indices are Java ints. */
  public static final long MAX_AXIS = Integer.MAX_VALUE;
  /** Largest vox_offset accepted (2^62): far beyond any file, and offset + size cannot overflow. */
  public static final long MAX_VOX_OFFSET = 1L << 62;
  /** Largest valid qform_code / sform_code (NIFTI_XFORM_TEMPLATE_OTHER). */
  public static final int MAX_XFORM_CODE = 5;

  int version;
  ByteOrder byteOrder = ByteOrder.LITTLE_ENDIAN;
  String magic = "n+1";
  long[] dim = {3, 1, 1, 1, 1, 1, 1, 1};
  double[] pixdim = {1, 1, 1, 1, 1, 1, 1, 1};
  int datatypeCode = NiftiDataType.FLOAT32.code();
  int bitpix = 32;
  long voxOffset;
  double sclSlope = Double.NaN;
  double sclInter = Double.NaN;
  double intentP1;
  double intentP2;
  double intentP3;
  int intentCode;
  String intentName = "";
  long sliceStart;
  long sliceEnd;
  int sliceCode;
  int dimInfo;
  int xyztUnits;
  double calMax;
  double calMin;
  double sliceDuration;
  double toffset;
  String descrip = "";
  String auxFile = "";
  int qformCode;
  int sformCode;
  double quaternB;
  double quaternC;
  double quaternD;
  double qoffsetX;
  double qoffsetY;
  double qoffsetZ;
  double[][] srow = new double[3][4];
  /** The file the header was read from; null for a header built in memory. */
  Path source;

  NiftiHeader() {
    version = 1;
  }

  /** 1 for NIfTI-1, 2 for NIfTI-2. */
  public int version() {
    return version;
  }

  /** Byte order of the file the header was read from (detected from {@code sizeof_hdr}). */
  public ByteOrder byteOrder() {
    return byteOrder;
  }

  /** The magic string without padding: "n+1", "ni1", "n+2" or "ni2". */
  public String magic() {
    return magic;
  }

  /** True when header and data share one file ("n+1"/"n+2"), false for a .hdr/.img pair. */
  public boolean isSingleFile() {
    return magic.startsWith("n+");
  }

  /** Number of used axes, {@code dim[0]}. */
  public int ndim() {
    return (int) dim[0];
  }

  /** Sizes of the used axes, {@code dim[1..dim[0]]} (x, y, z, t, ...). */
  public int[] dims() {
    int[] d = new int[ndim()];
    for (int i = 0; i < d.length; i++) {
      d[i] = (int) dim[i + 1];
    }
    return d;
  }

  /** The full 8-entry {@code dim} array. */
  public long[] rawDim() {
    return dim.clone();
  }

  /** Voxel spacing of the used axes, {@code pixdim[1..dim[0]]}, in the units of xyzt_units. */
  public double[] pixdim() {
    return Arrays.copyOfRange(pixdim, 1, 1 + ndim());
  }

  /** The full 8-entry {@code pixdim} array, {@code pixdim[0]} being qfac. */
  public double[] rawPixdim() {
    return pixdim.clone();
  }

  /**
   * Spatial voxel sizes {@code |pixdim[1..3]|} (1 for axes a 1-D/2-D file lacks). As nibabel's
   * header check on load, a negative size counts as its absolute value and a zero size as 1
   * (sizes are positive by the standard; the sign of an axis is the affine's business).
   */
  public double[] voxelSize() {
    double[] v = {1, 1, 1};
    for (int i = 0; i < Math.min(3, ndim()); i++) {
      double d = Math.abs(pixdim[i + 1]);
      v[i] = d == 0 ? 1 : d;
    }
    return v;
  }

  /** qfac: -1 when {@code pixdim[0] < 0}, else 1 (the NIfTI convention for 0). */
  public double qfac() {
    return pixdim[0] < 0 ? -1 : 1;
  }

  /** The raw {@code datatype} code (supported or not). */
  public int datatypeCode() {
    return datatypeCode;
  }

  /**
   * The voxel data type.
   *
   * @throws DataException when the code is not one of {@link NiftiDataType}'s, naming it and the
   *     file
   */
  public NiftiDataType dataType() {
    return NiftiDataType.fromCode(datatypeCode, source);
  }

  public int bitpix() {
    return bitpix;
  }

  /** Byte offset of the voxel data in the data file (.nii itself, or the .img of a pair). */
  public long voxOffset() {
    return voxOffset;
  }

  public double sclSlope() {
    return sclSlope;
  }

  public double sclInter() {
    return sclInter;
  }

  /**
   * True when voxel values are scaled: slope finite and non-zero (nibabel's rule; 0 or NaN means
   * "no scaling") and not the identity 1/0.
   */
  public boolean hasScaling() {
    return validSlope() && !(sclSlope == 1.0 && (sclInter == 0.0 || Double.isNaN(sclInter)));
  }

  boolean validSlope() {
    return Double.isFinite(sclSlope) && sclSlope != 0.0;
  }

  /** Slope applied on read: scl_slope when valid, else 1. */
  public double effectiveSlope() {
    return validSlope() ? sclSlope : 1.0;
  }

  /** Intercept applied on read: scl_inter when the slope is valid, else 0. */
  public double effectiveInter() {
    return validSlope() ? sclInter : 0.0;
  }

  public int xyztUnits() {
    return xyztUnits;
  }

  /** Spatial unit name from xyzt_units: "unknown", "m", "mm" or "um". */
  public String spaceUnits() {
    return switch (xyztUnits & 0x07) {
      case 1 -> "m";
      case 2 -> "mm";
      case 3 -> "um";
      default -> "unknown";
    };
  }

  /** Time unit name from xyzt_units: "unknown", "s", "ms", "us", "Hz", "ppm" or "rad/s". */
  public String timeUnits() {
    return switch (xyztUnits & 0x38) {
      case 8 -> "s";
      case 16 -> "ms";
      case 24 -> "us";
      case 32 -> "Hz";
      case 40 -> "ppm";
      case 48 -> "rad/s";
      default -> "unknown";
    };
  }

  public int qformCode() {
    return qformCode;
  }

  public int sformCode() {
    return sformCode;
  }

  /** Quaternion parameters b, c, d. */
  public double[] quatern() {
    return new double[] {quaternB, quaternC, quaternD};
  }

  /** qform offsets x, y, z. */
  public double[] qoffset() {
    return new double[] {qoffsetX, qoffsetY, qoffsetZ};
  }

  /** The three sform rows (3x4). */
  public double[][] srow() {
    return new double[][] {srow[0].clone(), srow[1].clone(), srow[2].clone()};
  }

  public String descrip() {
    return descrip;
  }

  public String auxFile() {
    return auxFile;
  }

  public int intentCode() {
    return intentCode;
  }

  public String intentName() {
    return intentName;
  }

  public double calMin() {
    return calMin;
  }

  public double calMax() {
    return calMax;
  }

  public int dimInfo() {
    return dimInfo;
  }

  public int sliceCode() {
    return sliceCode;
  }

  public double sliceDuration() {
    return sliceDuration;
  }

  public double toffset() {
    return toffset;
  }

  /** The file this header was read from, or null when built in memory. */
  public Path source() {
    return source;
  }

  /** Number of voxels per 3-D volume (product of x, y, z sizes present). */
  public long voxelsPerVolume() {
    long n = 1;
    for (int i = 1; i <= Math.min(3, ndim()); i++) {
      n *= dim[i];
    }
    return n;
  }

  /**
   * Number of 3-D volumes: the product of {@code dim[4..dim[0]]}, 1 for 3-D files (at most
   * {@link Integer#MAX_VALUE}, checked when the header is read).
   */
  public int volumeCount() {
    long n = 1;
    for (int i = 4; i <= ndim(); i++) {
      n *= dim[i];
    }
    return Math.toIntExact(n);
  }

  /** Number of voxels of all volumes: the product of {@code dim[1..dim[0]]}. */
  public long voxelCount() {
    return voxelsPerVolume() * volumeCount();
  }

  /** Sets the description (at most 79 ASCII characters are written). */
  public void setDescrip(String text) {
    this.descrip = text == null ? "" : text;
  }

  /** The best voxel-to-world affine (4x4, row-major), see the class comment for precedence. */
  public double[][] affine() {
    if (sformCode != 0) {
      return sformAffine();
    }
    if (qformCode != 0) {
      return qformAffine();
    }
    return baseAffine();
  }

  /** The affine from the srow fields (whatever sform_code says). */
  public double[][] sformAffine() {
    return new double[][] {srow[0].clone(), srow[1].clone(), srow[2].clone(), {0, 0, 0, 1}};
  }

  /**
   * The affine from the quaternion (whatever qform_code says): R(a, b, c, d) times
   * diag(pixdim[1], pixdim[2], qfac * pixdim[3]), offsets in the last column.
   */
  public double[][] qformAffine() {
    double b = quaternB;
    double c = quaternC;
    double d = quaternD;
    double w2 = 1.0 - (b * b + c * c + d * d);
    // nibabel's fillpositive: tiny negative w^2 from float32 rounding means w = 0.
    double a = w2 < 0 ? 0.0 : Math.sqrt(w2);
    double[][] r = Geometry.quaternionToRotation(a, b, c, d);
    double[] vox = voxelSize();
    vox[2] *= qfac();
    double[][] out = new double[4][4];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        out[i][j] = r[i][j] * vox[j];
      }
    }
    out[0][3] = qoffsetX;
    out[1][3] = qoffsetY;
    out[2][3] = qoffsetZ;
    out[3][3] = 1;
    return out;
  }

  /**
   * nibabel's {@code get_base_affine}: {@code diag(-dx, dy, dz)} with the origin at the centre
   * voxel, translation {@code -((n - 1) / 2) * zoom} per axis (x flipped).
   */
  public double[][] baseAffine() {
    double[] zoom = voxelSize();
    long[] n = {1, 1, 1};
    for (int i = 0; i < Math.min(3, ndim()); i++) {
      n[i] = dim[i + 1];
    }
    zoom[0] = -zoom[0];
    double[][] out = new double[4][4];
    for (int i = 0; i < 3; i++) {
      out[i][i] = zoom[i];
      out[i][3] = -((n[i] - 1) / 2.0) * zoom[i];
    }
    out[3][3] = 1;
    return out;
  }

  /** A deep copy (same source path). */
  public NiftiHeader copy() {
    NiftiHeader h = new NiftiHeader();
    h.version = version;
    h.byteOrder = byteOrder;
    h.magic = magic;
    h.dim = dim.clone();
    h.pixdim = pixdim.clone();
    h.datatypeCode = datatypeCode;
    h.bitpix = bitpix;
    h.voxOffset = voxOffset;
    h.sclSlope = sclSlope;
    h.sclInter = sclInter;
    h.intentP1 = intentP1;
    h.intentP2 = intentP2;
    h.intentP3 = intentP3;
    h.intentCode = intentCode;
    h.intentName = intentName;
    h.sliceStart = sliceStart;
    h.sliceEnd = sliceEnd;
    h.sliceCode = sliceCode;
    h.dimInfo = dimInfo;
    h.xyztUnits = xyztUnits;
    h.calMax = calMax;
    h.calMin = calMin;
    h.sliceDuration = sliceDuration;
    h.toffset = toffset;
    h.descrip = descrip;
    h.auxFile = auxFile;
    h.qformCode = qformCode;
    h.sformCode = sformCode;
    h.quaternB = quaternB;
    h.quaternC = quaternC;
    h.quaternD = quaternD;
    h.qoffsetX = qoffsetX;
    h.qoffsetY = qoffsetY;
    h.qoffsetZ = qoffsetZ;
    h.srow = srow();
    h.source = source;
    return h;
  }

  @Override
  public String toString() {
    return "NiftiHeader[v" + version + " " + magic + " " + byteOrder + " dims="
        + Arrays.toString(dims()) + " datatype=" + NiftiDataType.describeCode(datatypeCode)
        + " pixdim=" + Arrays.toString(pixdim()) + " qform=" + qformCode + " sform=" + sformCode
        + " scl=" + sclSlope + "/" + sclInter + " vox_offset=" + voxOffset + "]";
  }

  // ---------------------------------------------------------------- version detection

  /**
   * Detects version and byte order from the first 4 bytes ({@code sizeof_hdr}, at the same
   * offset in both versions, 348 or 540 in either order). Returns {version, 0 for little / 1 for
   * big endian}.
   */
  static int[] detect(byte[] first4, Path file) {
    int offset = NiftiField.SIZEOF_HDR.layout(1).offset();
    ByteBuffer bb = ByteBuffer.wrap(first4, 0, 4);
    int le = bb.order(ByteOrder.LITTLE_ENDIAN).getInt(offset);
    int be = bb.order(ByteOrder.BIG_ENDIAN).getInt(offset);
    if (le == NIFTI1_SIZE) {
      return new int[] {1, 0};
    }
    if (le == NIFTI2_SIZE) {
      return new int[] {2, 0};
    }
    if (be == NIFTI1_SIZE) {
      return new int[] {1, 1};
    }
    if (be == NIFTI2_SIZE) {
      return new int[] {2, 1};
    }
    throw new DataException("not a NIfTI file: " + file + " starts with sizeof_hdr " + le
        + " (little-endian) / " + be + " (big-endian), expected 348 (NIfTI-1) or 540 (NIfTI-2)."
        + " Fix: pass a .nii, .nii.gz or .hdr file; convert DICOM or other formats to NIfTI first"
        + " (e.g. with dcm2niix)");
  }

  /**
   * The exception for a header field outside its range: names the file, the field, the value,
   * the expected range, and the fix.
   */
  DataException outOfRange(String field, Object value, String expected, String fix) {
    return new DataException("NIfTI-" + version + " header of " + source + ": " + field + " = "
        + value + " is out of range (expected " + expected + "). Fix: " + fix);
  }
}

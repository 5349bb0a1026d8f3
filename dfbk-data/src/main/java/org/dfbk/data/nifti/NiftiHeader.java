package org.dfbk.data.nifti;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
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
 * deep copy.
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
  private static final String REEXPORT = "the header is corrupt or was written with other field"
      + " sizes; re-export the image (e.g. with nibabel or dcm2niix)";

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

  // ---------------------------------------------------------------- parsing

  /**
   * Detects version and byte order from the first 4 bytes ({@code sizeof_hdr} 348 or 540 in
   * either order). Returns {version, 0 for little / 1 for big endian}.
   */
  static int[] detect(byte[] first4, Path file) {
    ByteBuffer bb = ByteBuffer.wrap(first4, 0, 4);
    int le = bb.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
    int be = bb.order(ByteOrder.BIG_ENDIAN).getInt(0);
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

  /** Parses a complete header buffer (348 or 540 bytes) of a known version and order. */
  static NiftiHeader parse(byte[] bytes, int version, ByteOrder order, Path file) {
    ByteBuffer bb = ByteBuffer.wrap(bytes).order(order);
    NiftiHeader h = new NiftiHeader();
    h.version = version;
    h.byteOrder = order;
    h.source = file;
    if (version == 1) {
      float voxOffset = parse1(bb, h);
      h.checkMagic(file);
      h.voxOffset = h.voxOffsetFromFloat(voxOffset);
    } else {
      parse2(bb, h);
      h.checkMagic(file);
      h.voxOffset = h.checkedVoxOffset(h.voxOffset);
    }
    h.checkDims(file);
    h.checkXformCode("qform_code", h.qformCode);
    h.checkXformCode("sform_code", h.sformCode);
    return h;
  }

  /** Parses a NIfTI-1 header; returns the float vox_offset, which the caller checks. */
  private static float parse1(ByteBuffer bb, NiftiHeader h) {
    h.dimInfo = bb.get(39) & 0xff;
    for (int i = 0; i < 8; i++) {
      h.dim[i] = bb.getShort(40 + 2 * i);
    }
    h.intentP1 = bb.getFloat(56);
    h.intentP2 = bb.getFloat(60);
    h.intentP3 = bb.getFloat(64);
    h.intentCode = bb.getShort(68);
    h.datatypeCode = bb.getShort(70);
    h.bitpix = bb.getShort(72);
    h.sliceStart = bb.getShort(74);
    for (int i = 0; i < 8; i++) {
      h.pixdim[i] = bb.getFloat(76 + 4 * i);
    }
    float voxOffset = bb.getFloat(108);
    h.sclSlope = bb.getFloat(112);
    h.sclInter = bb.getFloat(116);
    h.sliceEnd = bb.getShort(120);
    h.sliceCode = bb.get(122) & 0xff;
    h.xyztUnits = bb.get(123) & 0xff;
    h.calMax = bb.getFloat(124);
    h.calMin = bb.getFloat(128);
    h.sliceDuration = bb.getFloat(132);
    h.toffset = bb.getFloat(136);
    h.descrip = string(bb, 148, 80);
    h.auxFile = string(bb, 228, 24);
    h.qformCode = bb.getShort(252);
    h.sformCode = bb.getShort(254);
    h.quaternB = bb.getFloat(256);
    h.quaternC = bb.getFloat(260);
    h.quaternD = bb.getFloat(264);
    h.qoffsetX = bb.getFloat(268);
    h.qoffsetY = bb.getFloat(272);
    h.qoffsetZ = bb.getFloat(276);
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 4; c++) {
        h.srow[r][c] = bb.getFloat(280 + 16 * r + 4 * c);
      }
    }
    h.intentName = string(bb, 328, 16);
    h.magic = string(bb, 344, 4);
    return voxOffset;
  }

  private static void parse2(ByteBuffer bb, NiftiHeader h) {
    h.magic = string(bb, 4, 3);
    h.datatypeCode = bb.getShort(12);
    h.bitpix = bb.getShort(14);
    for (int i = 0; i < 8; i++) {
      h.dim[i] = bb.getLong(16 + 8 * i);
    }
    h.intentP1 = bb.getDouble(80);
    h.intentP2 = bb.getDouble(88);
    h.intentP3 = bb.getDouble(96);
    for (int i = 0; i < 8; i++) {
      h.pixdim[i] = bb.getDouble(104 + 8 * i);
    }
    h.voxOffset = bb.getLong(168);
    h.sclSlope = bb.getDouble(176);
    h.sclInter = bb.getDouble(184);
    h.calMax = bb.getDouble(192);
    h.calMin = bb.getDouble(200);
    h.sliceDuration = bb.getDouble(208);
    h.toffset = bb.getDouble(216);
    h.sliceStart = bb.getLong(224);
    h.sliceEnd = bb.getLong(232);
    h.descrip = string(bb, 240, 80);
    h.auxFile = string(bb, 320, 24);
    h.qformCode = bb.getInt(344);
    h.sformCode = bb.getInt(348);
    h.quaternB = bb.getDouble(352);
    h.quaternC = bb.getDouble(360);
    h.quaternD = bb.getDouble(368);
    h.qoffsetX = bb.getDouble(376);
    h.qoffsetY = bb.getDouble(384);
    h.qoffsetZ = bb.getDouble(392);
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 4; c++) {
        h.srow[r][c] = bb.getDouble(400 + 32 * r + 8 * c);
      }
    }
    h.sliceCode = bb.getInt(496);
    h.xyztUnits = bb.getInt(500);
    h.intentCode = bb.getInt(504);
    h.intentName = string(bb, 508, 16);
    h.dimInfo = bb.get(524) & 0xff;
  }

  private void checkMagic(Path file) {
    String single = "n+" + version;
    String pair = "ni" + version;
    if (!magic.equals(single) && !magic.equals(pair)) {
      throw new DataException("wrong magic in NIfTI-" + version + " header of " + file + ": found \""
          + printable(magic) + "\", expected \"" + single + "\" (single .nii file) or \"" + pair
          + "\" (.hdr/.img pair). A 348-byte header without magic is ANALYZE 7.5, which dfbk"
          + " does not read. Fix: convert the file to NIfTI (e.g. nibabel: nib.save("
          + "nib.Nifti1Image(img.get_fdata(), img.affine), 'out.nii.gz'))");
    }
  }

  /**
   * The exception for a header field outside its range: names the file, the field, the value,
   * the expected range, and the fix.
   */
  DataException outOfRange(String field, Object value, String expected, String fix) {
    return new DataException("NIfTI-" + version + " header of " + source + ": " + field + " = "
        + value + " is out of range (expected " + expected + "). Fix: " + fix);
  }

  private void checkDims(Path file) {
    if (dim[0] < 1 || dim[0] > 7) {
      throw outOfRange("dim[0]", dim[0], "1..7, the number of axes", REEXPORT);
    }
    for (int i = 1; i <= dim[0]; i++) {
      if (dim[i] < 1 || dim[i] > MAX_AXIS) {
        throw outOfRange("dim[" + i + "]", dim[i] + " (dim = " + Arrays.toString(dim) + ")",
            "1.." + MAX_AXIS + " voxels along every used axis", REEXPORT);
      }
    }
    long voxels = 1;
    long volumes = 1;
    try {
      for (int i = 1; i <= dim[0]; i++) {
        voxels = Math.multiplyExact(voxels, dim[i]);
        if (i >= 4) {
          volumes = Math.multiplyExact(volumes, dim[i]);
        }
      }
    } catch (ArithmeticException e) {
      voxels = -1;
    }
    if (voxels < 0) {
      throw outOfRange("dim[1.." + dim[0] + "]", Arrays.toString(Arrays.copyOfRange(dim, 1,
          (int) dim[0] + 1)), "a product of at most " + Long.MAX_VALUE + " voxels", REEXPORT);
    }
    if (volumes > Integer.MAX_VALUE) {
      throw outOfRange("dim[4.." + dim[0] + "]", Arrays.toString(Arrays.copyOfRange(dim, 4,
          (int) dim[0] + 1)), "at most " + Integer.MAX_VALUE + " volumes", REEXPORT);
    }
  }

  /** vox_offset as a byte position: a whole number in 0..{@link #MAX_VOX_OFFSET}. */
  private long voxOffsetFromFloat(float value) {
    if (!(value >= 0 && value <= MAX_VOX_OFFSET) || value != Math.rint(value)) {
      throw outOfRange("vox_offset", value, "a whole number of bytes in 0.." + MAX_VOX_OFFSET,
          "set vox_offset to the byte position of the voxels (352 for a plain NIfTI-1 .nii, 544"
              + " for NIfTI-2, 0 for a .hdr/.img pair)");
    }
    return (long) value;
  }

  private long checkedVoxOffset(long value) {
    if (value < 0 || value > MAX_VOX_OFFSET) {
      throw outOfRange("vox_offset", value, "0.." + MAX_VOX_OFFSET,
          "set vox_offset to the byte position of the voxels (544 for a plain NIfTI-2 .nii, 0"
              + " for a .hdr/.img pair)");
    }
    return value;
  }

  private void checkXformCode(String field, int code) {
    if (code < 0 || code > MAX_XFORM_CODE) {
      throw outOfRange(field, code, "0.." + MAX_XFORM_CODE + ": unknown, scanner, aligned,"
          + " Talairach, MNI-152, template", "set " + field + " to 0 (ignore that transform) or"
          + " to the code of the space it maps to");
    }
  }

  private static String string(ByteBuffer bb, int offset, int length) {
    int end = offset;
    while (end < offset + length && bb.get(end) != 0) {
      end++;
    }
    byte[] b = new byte[end - offset];
    bb.get(offset, b);
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  private static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (char ch : s.toCharArray()) {
      if (ch >= 32 && ch < 127) {
        sb.append(ch);
      } else {
        sb.append(String.format("\\x%02x", (int) ch));
      }
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------- encoding

  /**
   * Encodes this header as a little-endian NIfTI-1 single-file header (352 bytes).
   *
   * @throws DataException naming the first field whose value NIfTI-1 cannot hold (a dim above
   *     32767; a finite double beyond the float32 range; an integer beyond int16 or uint8), as a
   *     NIfTI-2 template can carry
   */
  byte[] encodeNifti1(Path target) {
    for (int i = 0; i < 8; i++) {
      if (dim[i] > Short.MAX_VALUE) {
        throw new DataException("cannot write " + target + " as NIfTI-1: dim[" + i + "] = "
            + dim[i] + " exceeds 32767. Fix: crop the image or write NIfTI-2 with another tool");
      }
    }
    checkFitsNifti1(target);
    ByteBuffer bb = ByteBuffer.allocate(NIFTI1_SIZE + 4).order(ByteOrder.LITTLE_ENDIAN);
    bb.putInt(0, NIFTI1_SIZE);
    bb.put(38, (byte) 'r');
    bb.put(39, (byte) dimInfo);
    for (int i = 0; i < 8; i++) {
      bb.putShort(40 + 2 * i, (short) dim[i]);
    }
    bb.putFloat(56, (float) intentP1);
    bb.putFloat(60, (float) intentP2);
    bb.putFloat(64, (float) intentP3);
    bb.putShort(68, (short) intentCode);
    bb.putShort(70, (short) datatypeCode);
    bb.putShort(72, (short) bitpix);
    bb.putShort(74, (short) sliceStart);
    for (int i = 0; i < 8; i++) {
      bb.putFloat(76 + 4 * i, (float) pixdim[i]);
    }
    bb.putFloat(108, (float) voxOffset);
    bb.putFloat(112, (float) sclSlope);
    bb.putFloat(116, (float) sclInter);
    bb.putShort(120, (short) sliceEnd);
    bb.put(122, (byte) sliceCode);
    bb.put(123, (byte) xyztUnits);
    bb.putFloat(124, (float) calMax);
    bb.putFloat(128, (float) calMin);
    bb.putFloat(132, (float) sliceDuration);
    bb.putFloat(136, (float) toffset);
    putString(bb, 148, 80, descrip);
    putString(bb, 228, 24, auxFile);
    bb.putShort(252, (short) qformCode);
    bb.putShort(254, (short) sformCode);
    bb.putFloat(256, (float) quaternB);
    bb.putFloat(260, (float) quaternC);
    bb.putFloat(264, (float) quaternD);
    bb.putFloat(268, (float) qoffsetX);
    bb.putFloat(272, (float) qoffsetY);
    bb.putFloat(276, (float) qoffsetZ);
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 4; c++) {
        bb.putFloat(280 + 16 * r + 4 * c, (float) srow[r][c]);
      }
    }
    putString(bb, 328, 16, intentName);
    putString(bb, 344, 4, "n+1");
    // bytes 348..351: extension flag 0 (no extensions)
    return bb.array();
  }

  private void checkFitsNifti1(Path target) {
    for (int i = 0; i < 8; i++) {
      checkFloat32(target, "pixdim[" + i + "]", pixdim[i]);
    }
    checkFloat32(target, "intent_p1", intentP1);
    checkFloat32(target, "intent_p2", intentP2);
    checkFloat32(target, "intent_p3", intentP3);
    checkFloat32(target, "scl_slope", sclSlope);
    checkFloat32(target, "scl_inter", sclInter);
    checkFloat32(target, "cal_max", calMax);
    checkFloat32(target, "cal_min", calMin);
    checkFloat32(target, "slice_duration", sliceDuration);
    checkFloat32(target, "toffset", toffset);
    checkFloat32(target, "quatern_b", quaternB);
    checkFloat32(target, "quatern_c", quaternC);
    checkFloat32(target, "quatern_d", quaternD);
    checkFloat32(target, "qoffset_x", qoffsetX);
    checkFloat32(target, "qoffset_y", qoffsetY);
    checkFloat32(target, "qoffset_z", qoffsetZ);
    String[] rows = {"srow_x", "srow_y", "srow_z"};
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 4; c++) {
        checkFloat32(target, rows[r] + "[" + c + "]", srow[r][c]);
      }
    }
    checkInt(target, "intent_code", intentCode, Short.MIN_VALUE, Short.MAX_VALUE);
    checkInt(target, "slice_start", sliceStart, Short.MIN_VALUE, Short.MAX_VALUE);
    checkInt(target, "slice_end", sliceEnd, Short.MIN_VALUE, Short.MAX_VALUE);
    checkInt(target, "qform_code", qformCode, Short.MIN_VALUE, Short.MAX_VALUE);
    checkInt(target, "sform_code", sformCode, Short.MIN_VALUE, Short.MAX_VALUE);
    checkInt(target, "slice_code", sliceCode, 0, 255);
    checkInt(target, "xyzt_units", xyztUnits, 0, 255);
    checkInt(target, "dim_info", dimInfo, 0, 255);
  }

  private static void checkFloat32(Path target, String field, double value) {
    if (Double.isFinite(value) && Math.abs(value) > Float.MAX_VALUE) {
      throw new DataException("cannot write " + target + " as NIfTI-1: " + field + " = " + value
          + " is beyond the float32 range (|x| <= " + Float.MAX_VALUE + ") of a NIfTI-1 header."
          + " Fix: the template header (a NIfTI-2 file) holds a value NIfTI-1 cannot store; set"
          + " " + field + " to a float32 value in that file");
    }
  }

  private static void checkInt(Path target, String field, long value, long min, long max) {
    if (value < min || value > max) {
      throw new DataException("cannot write " + target + " as NIfTI-1: " + field + " = " + value
          + " is outside " + min + ".." + max + ", what a NIfTI-1 header can store. Fix: the"
          + " template header (a NIfTI-2 file) holds a value NIfTI-1 cannot store; set " + field
          + " in that file to a value in range");
    }
  }

  private static void putString(ByteBuffer bb, int offset, int length, String s) {
    byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
    int n = Math.min(b.length, length - 1);
    bb.put(offset, b, 0, n);
  }
}

package org.dfbk.data.nifti;

import static org.dfbk.data.nifti.NiftiField.Type.CHAR;
import static org.dfbk.data.nifti.NiftiField.Type.FLOAT32;
import static org.dfbk.data.nifti.NiftiField.Type.FLOAT64;
import static org.dfbk.data.nifti.NiftiField.Type.INT16;
import static org.dfbk.data.nifti.NiftiField.Type.INT32;
import static org.dfbk.data.nifti.NiftiField.Type.INT64;
import static org.dfbk.data.nifti.NiftiField.Type.UINT8;

import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.ObjDoubleConsumer;
import java.util.function.ObjLongConsumer;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * The NIfTI-1 (348-byte, nifti1.h) and NIfTI-2 (540-byte, nifti2.h) header layouts as one table:
 * each constant is one field of the standard, under its standard name, with where and how each
 * version stores it ({@link Layout}: byte offset, on-disk type, element count) and which
 * {@link NiftiHeader} value(s) it holds ({@link Value}). {@link NiftiHeaderCodec} parses,
 * encodes and range-checks headers by iterating this table, so each byte offset is written here
 * once.
 *
 * <p>Order: the constants are grouped by meaning (identity; data layout; intent; scaling and
 * display range; slices, timing and units; text; geometry), not by offset, which differs between
 * the versions. The order matters once: encoding reports the first value the target version
 * cannot hold, checking on-disk types in {@link Type} order and, within a type, fields in the
 * order declared here.
 *
 * <p>Bytes no field covers are written as zeros and never read. NIfTI-1: the unused ANALYZE 7.5
 * fields {@code data_type} (bytes 4..13), {@code db_name} (14..31), {@code extents} (32..35),
 * {@code session_error} (36..37), {@code glmax} (140..143) and {@code glmin} (144..147).
 * NIfTI-2: {@code unused_str} (525..539). The 4-byte extension flag after the header belongs to
 * the file, not the header.
 */
enum NiftiField {
  // ------------------------------------------------------------ identity
  /** Header size: tells the versions and byte orders apart ({@link NiftiHeader#detect}). */
  SIZEOF_HDR("sizeof_hdr", at(0, INT32), at(0, INT32),
      new Constant(NiftiHeader.NIFTI1_SIZE, NiftiHeader.NIFTI2_SIZE)),
  /**
   * "n+1"/"ni1" (NIfTI-1, char[4]) or "n+2"/"ni2" followed by {@code \0\r\n\032\n} (NIfTI-2,
   * char[8]); see {@link Signature}.
   */
  MAGIC("magic", at(344, CHAR, 4), at(4, CHAR, 8), new Signature()),
  /** ANALYZE 7.5's "regular" flag, unused by NIfTI-1; written as 'r', never read. */
  REGULAR("regular", at(38, CHAR, 1), null, new Constant('r', 0)),

  // ------------------------------------------------------------ data layout
  DIM("dim", at(40, INT16, 8), at(16, INT64, 8),
      new Ints((h, i) -> h.dim[i], (h, i, v) -> h.dim[i] = v, null)),
  PIXDIM("pixdim", at(76, FLOAT32, 8), at(104, FLOAT64, 8),
      new Reals((h, i) -> h.pixdim[i], (h, i, v) -> h.pixdim[i] = v)),
  DATATYPE("datatype", at(70, INT16), at(12, INT16),
      ints(h -> h.datatypeCode, (h, v) -> h.datatypeCode = (int) v)),
  BITPIX("bitpix", at(72, INT16), at(14, INT16), ints(h -> h.bitpix, (h, v) -> h.bitpix = (int) v)),
  /**
   * A byte position, stored as a float by NIfTI-1: parsing accepts only a whole number in
   * 0..{@link NiftiHeader#MAX_VOX_OFFSET} (see {@link NiftiHeaderCodec#voxOffsetFromFloat}).
   */
  VOX_OFFSET("vox_offset", at(108, FLOAT32), at(168, INT64),
      new Ints((h, i) -> h.voxOffset,
          (h, i, v) -> h.voxOffset = NiftiHeaderCodec.checkedVoxOffset(h, v),
          (h, i, v) -> h.voxOffset = NiftiHeaderCodec.voxOffsetFromFloat(h, (float) v))),

  // ------------------------------------------------------------ intent
  INTENT_P1("intent_p1", at(56, FLOAT32), at(80, FLOAT64),
      reals(h -> h.intentP1, (h, v) -> h.intentP1 = v)),
  INTENT_P2("intent_p2", at(60, FLOAT32), at(88, FLOAT64),
      reals(h -> h.intentP2, (h, v) -> h.intentP2 = v)),
  INTENT_P3("intent_p3", at(64, FLOAT32), at(96, FLOAT64),
      reals(h -> h.intentP3, (h, v) -> h.intentP3 = v)),
  INTENT_CODE("intent_code", at(68, INT16), at(504, INT32),
      ints(h -> h.intentCode, (h, v) -> h.intentCode = (int) v)),
  INTENT_NAME("intent_name", at(328, CHAR, 16), at(508, CHAR, 16),
      new Text(h -> h.intentName, (h, s) -> h.intentName = s)),

  // ------------------------------------------------------------ scaling and display range
  SCL_SLOPE("scl_slope", at(112, FLOAT32), at(176, FLOAT64),
      reals(h -> h.sclSlope, (h, v) -> h.sclSlope = v)),
  SCL_INTER("scl_inter", at(116, FLOAT32), at(184, FLOAT64),
      reals(h -> h.sclInter, (h, v) -> h.sclInter = v)),
  CAL_MAX("cal_max", at(124, FLOAT32), at(192, FLOAT64),
      reals(h -> h.calMax, (h, v) -> h.calMax = v)),
  CAL_MIN("cal_min", at(128, FLOAT32), at(200, FLOAT64),
      reals(h -> h.calMin, (h, v) -> h.calMin = v)),

  // ------------------------------------------------------------ slices, timing and units
  SLICE_START("slice_start", at(74, INT16), at(224, INT64),
      ints(h -> h.sliceStart, (h, v) -> h.sliceStart = v)),
  SLICE_END("slice_end", at(120, INT16), at(232, INT64),
      ints(h -> h.sliceEnd, (h, v) -> h.sliceEnd = v)),
  SLICE_CODE("slice_code", at(122, UINT8), at(496, INT32),
      ints(h -> h.sliceCode, (h, v) -> h.sliceCode = (int) v)),
  SLICE_DURATION("slice_duration", at(132, FLOAT32), at(208, FLOAT64),
      reals(h -> h.sliceDuration, (h, v) -> h.sliceDuration = v)),
  TOFFSET("toffset", at(136, FLOAT32), at(216, FLOAT64),
      reals(h -> h.toffset, (h, v) -> h.toffset = v)),
  XYZT_UNITS("xyzt_units", at(123, UINT8), at(500, INT32),
      ints(h -> h.xyztUnits, (h, v) -> h.xyztUnits = (int) v)),
  /** freq_dim, phase_dim and slice_dim packed in 2 bits each. */
  DIM_INFO("dim_info", at(39, UINT8), at(524, UINT8),
      ints(h -> h.dimInfo, (h, v) -> h.dimInfo = (int) v)),

  // ------------------------------------------------------------ text
  DESCRIP("descrip", at(148, CHAR, 80), at(240, CHAR, 80),
      new Text(h -> h.descrip, (h, s) -> h.descrip = s)),
  AUX_FILE("aux_file", at(228, CHAR, 24), at(320, CHAR, 24),
      new Text(h -> h.auxFile, (h, s) -> h.auxFile = s)),

  // ------------------------------------------------------------ geometry
  QFORM_CODE("qform_code", at(252, INT16), at(344, INT32),
      ints(h -> h.qformCode, (h, v) -> h.qformCode = (int) v)),
  SFORM_CODE("sform_code", at(254, INT16), at(348, INT32),
      ints(h -> h.sformCode, (h, v) -> h.sformCode = (int) v)),
  QUATERN_B("quatern_b", at(256, FLOAT32), at(352, FLOAT64),
      reals(h -> h.quaternB, (h, v) -> h.quaternB = v)),
  QUATERN_C("quatern_c", at(260, FLOAT32), at(360, FLOAT64),
      reals(h -> h.quaternC, (h, v) -> h.quaternC = v)),
  QUATERN_D("quatern_d", at(264, FLOAT32), at(368, FLOAT64),
      reals(h -> h.quaternD, (h, v) -> h.quaternD = v)),
  QOFFSET_X("qoffset_x", at(268, FLOAT32), at(376, FLOAT64),
      reals(h -> h.qoffsetX, (h, v) -> h.qoffsetX = v)),
  QOFFSET_Y("qoffset_y", at(272, FLOAT32), at(384, FLOAT64),
      reals(h -> h.qoffsetY, (h, v) -> h.qoffsetY = v)),
  QOFFSET_Z("qoffset_z", at(276, FLOAT32), at(392, FLOAT64),
      reals(h -> h.qoffsetZ, (h, v) -> h.qoffsetZ = v)),
  SROW_X("srow_x", at(280, FLOAT32, 4), at(400, FLOAT64, 4), srowRow(0)),
  SROW_Y("srow_y", at(296, FLOAT32, 4), at(432, FLOAT64, 4), srowRow(1)),
  SROW_Z("srow_z", at(312, FLOAT32, 4), at(464, FLOAT64, 4), srowRow(2));

  /**
   * On-disk types of header fields. Encoding checks the values that must fit a narrower type in
   * this order (reals, then integers from the widest to the narrowest).
   */
  enum Type {
    FLOAT32(4, 0, 0),
    FLOAT64(8, 0, 0),
    INT64(8, Long.MIN_VALUE, Long.MAX_VALUE),
    INT32(4, Integer.MIN_VALUE, Integer.MAX_VALUE),
    INT16(2, Short.MIN_VALUE, Short.MAX_VALUE),
    UINT8(1, 0, 255),
    /** One byte of ISO-8859-1 text. */
    CHAR(1, 0, 0);

    final int bytes;
    /** Smallest value of an integer type. */
    final long min;
    /** Largest value of an integer type. */
    final long max;

    Type(int bytes, long min, long max) {
      this.bytes = bytes;
      this.min = min;
      this.max = max;
    }

    boolean isReal() {
      return this == FLOAT32 || this == FLOAT64;
    }

    boolean isInteger() {
      return !isReal() && this != CHAR;
    }
  }

  /** Where one version stores a field: byte offset, on-disk type and number of elements. */
  record Layout(int offset, Type type, int count) {
    /** Bytes the field occupies. */
    int size() {
      return type.bytes * count;
    }

    /** Byte offset of element {@code i}. */
    int offsetOf(int i) {
      return offset + i * type.bytes;
    }
  }

  /** Element {@code i} of a header value held as an integer. */
  @FunctionalInterface
  interface IntGetter {
    long get(NiftiHeader h, int i);
  }

  /** Sets element {@code i} of a header value held as an integer. */
  @FunctionalInterface
  interface IntSetter {
    void set(NiftiHeader h, int i, long value);
  }

  /** Element {@code i} of a header value held as a double. */
  @FunctionalInterface
  interface RealGetter {
    double get(NiftiHeader h, int i);
  }

  /** Sets element {@code i} of a header value held as a double. */
  @FunctionalInterface
  interface RealSetter {
    void set(NiftiHeader h, int i, double value);
  }

  /** How a field maps to the {@link NiftiHeader}'s values. */
  sealed interface Value permits Constant, Signature, Ints, Reals, Text {}

  /** A value fixed by the standard, written on encoding and not read. */
  record Constant(long nifti1, long nifti2) implements Value {
    long of(int version) {
      return version == 1 ? nifti1 : nifti2;
    }
  }

  /**
   * The magic: {@link NiftiHeader#magic()} on parsing; on encoding "n+" (single file) or "ni"
   * (pair, after {@link NiftiHeader#isSingleFile()}) and the version digit, NUL-terminated, and
   * for NIfTI-2 the standard's {@code \r\n\032\n} after the NUL. NIfTI-1 compares all four
   * characters up to the first NUL; NIfTI-2 compares the first three, its other five bytes (the
   * NUL and the line-ending check that shows a text-mode transfer) are not checked on reading,
   * where nibabel only warns.
   */
  record Signature() implements Value {}

  /**
   * Integer header values (one per element). {@code fromReal}, for a field some version stores
   * as a float, converts and checks that float; null where every version stores an integer.
   */
  record Ints(IntGetter get, IntSetter set, RealSetter fromReal) implements Value {}

  /** Real header values (one per element), held as doubles at NIfTI-2 precision. */
  record Reals(RealGetter get, RealSetter set) implements Value {}

  /**
   * ISO-8859-1 text up to the first NUL; on encoding at most {@code count - 1} characters and a
   * NUL.
   */
  record Text(Function<NiftiHeader, String> get, BiConsumer<NiftiHeader, String> set)
      implements Value {}

  private final String standardName;
  private final Layout nifti1;
  private final Layout nifti2;
  private final Value value;

  NiftiField(String standardName, Layout nifti1, Layout nifti2, Value value) {
    this.standardName = standardName;
    this.nifti1 = nifti1;
    this.nifti2 = nifti2;
    this.value = value;
  }

  /** The field's name in nifti1.h / nifti2.h (and in nibabel's header). */
  String standardName() {
    return standardName;
  }

  /** Where {@code version} (1 or 2) stores the field; null when that version has no such field. */
  Layout layout(int version) {
    return version == 1 ? nifti1 : nifti2;
  }

  Value value() {
    return value;
  }

  /** The name of element {@code i} in messages: "pixdim[3]", "srow_x[0]", or "scl_slope". */
  String element(int version, int i) {
    Layout at = layout(version);
    return at.count() > 1 && at.type() != CHAR ? standardName + "[" + i + "]" : standardName;
  }

  private static Layout at(int offset, Type type) {
    return new Layout(offset, type, 1);
  }

  private static Layout at(int offset, Type type, int count) {
    return new Layout(offset, type, count);
  }

  private static Ints ints(ToLongFunction<NiftiHeader> get, ObjLongConsumer<NiftiHeader> set) {
    return new Ints((h, i) -> get.applyAsLong(h), (h, i, v) -> set.accept(h, v), null);
  }

  private static Reals reals(ToDoubleFunction<NiftiHeader> get,
      ObjDoubleConsumer<NiftiHeader> set) {
    return new Reals((h, i) -> get.applyAsDouble(h), (h, i, v) -> set.accept(h, v));
  }

  private static Reals srowRow(int row) {
    return new Reals((h, i) -> h.srow[row][i], (h, i, v) -> h.srow[row][i] = v);
  }
}

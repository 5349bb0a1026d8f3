package org.dfbk.data.nifti;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * NIfTI-1 and NIfTI-2 single files written byte by byte from the standard's field offsets
 * (nifti1.h, nifti2.h), independently of {@link NiftiIO}'s writer, in either byte order and any
 * supported datatype; and the table of header fields that tests overwrite.
 */
final class RawNifti {
  /** On-disk type of a header field. */
  enum Kind {
    INT16(2), INT32(4), INT64(8), FLOAT32(4), FLOAT64(8);

    final int bytes;

    Kind(int bytes) {
      this.bytes = bytes;
    }

    boolean isFloat() {
      return this == FLOAT32 || this == FLOAT64;
    }
  }

  /** One header field: its NIfTI name, byte offset and on-disk type. */
  record Field(String name, int offset, Kind kind) {}

  private RawNifti() {}

  /** Header size plus the 4-byte extension flag: where the voxels of a plain file start. */
  static int dataOffset(int version) {
    return version == 1 ? NiftiHeader.NIFTI1_SIZE + 4 : NiftiHeader.NIFTI2_SIZE + 4;
  }

  /**
   * The fields a fuzzer or a range test overwrites: dim[0..7], pixdim[0..7], vox_offset,
   * datatype, bitpix, scl_slope, scl_inter, qform_code, sform_code, quatern_b/c/d,
   * qoffset_x/y/z, srow_x/y/z[0..3].
   */
  static List<Field> fields(int version) {
    java.util.ArrayList<Field> f = new java.util.ArrayList<>();
    boolean one = version == 1;
    Kind dimKind = one ? Kind.INT16 : Kind.INT64;
    Kind real = one ? Kind.FLOAT32 : Kind.FLOAT64;
    for (int i = 0; i < 8; i++) {
      f.add(new Field("dim[" + i + "]", (one ? 40 : 16) + i * dimKind.bytes, dimKind));
    }
    for (int i = 0; i < 8; i++) {
      f.add(new Field("pixdim[" + i + "]", (one ? 76 : 104) + i * real.bytes, real));
    }
    f.add(new Field("vox_offset", one ? 108 : 168, one ? Kind.FLOAT32 : Kind.INT64));
    f.add(new Field("datatype", one ? 70 : 12, Kind.INT16));
    f.add(new Field("bitpix", one ? 72 : 14, Kind.INT16));
    f.add(new Field("scl_slope", one ? 112 : 176, real));
    f.add(new Field("scl_inter", one ? 116 : 184, real));
    f.add(new Field("qform_code", one ? 252 : 344, one ? Kind.INT16 : Kind.INT32));
    f.add(new Field("sform_code", one ? 254 : 348, one ? Kind.INT16 : Kind.INT32));
    String[] q = {"quatern_b", "quatern_c", "quatern_d", "qoffset_x", "qoffset_y", "qoffset_z"};
    for (int i = 0; i < q.length; i++) {
      f.add(new Field(q[i], (one ? 256 : 352) + i * real.bytes, real));
    }
    String[] rows = {"srow_x", "srow_y", "srow_z"};
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 4; c++) {
        f.add(new Field(rows[r] + "[" + c + "]", (one ? 280 : 400) + (4 * r + c) * real.bytes,
            real));
      }
    }
    return List.copyOf(f);
  }

  /** The field called {@code name} of a version's table. */
  static Field field(int version, String name) {
    return fields(version).stream().filter(f -> f.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no field " + name));
  }

  /** Writes an integer into a field (cast to the field's on-disk type). */
  static void put(ByteBuffer header, Field f, long value) {
    switch (f.kind()) {
      case INT16 -> header.putShort(f.offset(), (short) value);
      case INT32 -> header.putInt(f.offset(), (int) value);
      case INT64 -> header.putLong(f.offset(), value);
      case FLOAT32 -> header.putFloat(f.offset(), value);
      case FLOAT64 -> header.putDouble(f.offset(), value);
      default -> throw new IllegalStateException();
    }
  }

  /** Writes a real value into a field (integer fields get it truncated). */
  static void put(ByteBuffer header, Field f, double value) {
    switch (f.kind()) {
      case FLOAT32 -> header.putFloat(f.offset(), (float) value);
      case FLOAT64 -> header.putDouble(f.offset(), value);
      default -> put(header, f, (long) value);
    }
  }

  /**
   * A single-file image of {@code nx × ny × nz} voxels of {@code type}: pixdim (1.5, 2, 2.5),
   * qform_code 1 with a rotation about z and qfac -1, sform_code 2 with the same affine, integer
   * types scaled by slope 0.5 / intercept 10, voxel values drawn from {@code seed} over the
   * type's whole range (float types include NaN-free extremes).
   */
  static byte[] image(int version, ByteOrder order, NiftiDataType type, int nx, int ny, int nz,
      long seed) {
    int offset = dataOffset(version);
    int voxels = nx * ny * nz;
    ByteBuffer bb = ByteBuffer.allocate(offset + voxels * type.bytes()).order(order);
    bb.putInt(0, version == 1 ? NiftiHeader.NIFTI1_SIZE : NiftiHeader.NIFTI2_SIZE);
    if (version == 1) {
      bb.put(344, "n+1\0".getBytes(StandardCharsets.US_ASCII));
      bb.put(123, (byte) (NiftiHeader.UNITS_MM | NiftiHeader.UNITS_SEC));
    } else {
      bb.put(4, new byte[] {'n', '+', '2', 0, '\r', '\n', 0x1a, '\n'});
      bb.putInt(500, NiftiHeader.UNITS_MM | NiftiHeader.UNITS_SEC);
    }
    put(bb, field(version, "dim[0]"), 3);
    long[] dims = {nx, ny, nz, 1, 1, 1, 1};
    for (int i = 0; i < 7; i++) {
      put(bb, field(version, "dim[" + (i + 1) + "]"), dims[i]);
    }
    double[] pixdim = {-1, 1.5, 2, 2.5, 1, 1, 1, 1};
    for (int i = 0; i < 8; i++) {
      put(bb, field(version, "pixdim[" + i + "]"), pixdim[i]);
    }
    put(bb, field(version, "vox_offset"), offset);
    put(bb, field(version, "datatype"), type.code());
    put(bb, field(version, "bitpix"), 8L * type.bytes());
    put(bb, field(version, "scl_slope"), type.isInteger() ? 0.5 : 1.0);
    put(bb, field(version, "scl_inter"), type.isInteger() ? 10.0 : 0.0);
    put(bb, field(version, "qform_code"), 1);
    put(bb, field(version, "sform_code"), 2);
    // rotation by 30 degrees about z: quaternion (cos 15°, 0, 0, sin 15°)
    double half = Math.toRadians(15);
    double[] qform = {0, 0, Math.sin(half), -20, 30, -40};
    String[] q = {"quatern_b", "quatern_c", "quatern_d", "qoffset_x", "qoffset_y", "qoffset_z"};
    for (int i = 0; i < q.length; i++) {
      put(bb, field(version, q[i]), qform[i]);
    }
    double cos = Math.cos(2 * half);
    double sin = Math.sin(2 * half);
    double[][] srow = {
        {cos * 1.5, -sin * 2, 0, -20}, {sin * 1.5, cos * 2, 0, 30}, {0, 0, -2.5, -40}};
    String[] rows = {"srow_x", "srow_y", "srow_z"};
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 4; c++) {
        put(bb, field(version, rows[r] + "[" + c + "]"), srow[r][c]);
      }
    }
    Random rng = new Random(seed);
    for (int i = 0; i < voxels; i++) {
      int at = offset + i * type.bytes();
      switch (type) {
        case UINT8, INT8 -> bb.put(at, (byte) rng.nextInt());
        case INT16, UINT16 -> bb.putShort(at, (short) rng.nextInt());
        case INT32 -> bb.putInt(at, rng.nextInt());
        case FLOAT32 -> bb.putFloat(at, i == 0 ? Float.MAX_VALUE : i == 1 ? -Float.MIN_VALUE
            : (float) rng.nextGaussian() * 1000);
        case FLOAT64 -> bb.putDouble(at, i == 0 ? -1e300 : rng.nextGaussian() * 1000);
        default -> throw new IllegalStateException();
      }
    }
    return bb.array();
  }

  /** {@code bytes} gzip-compressed as one member. */
  static byte[] gzip(byte[] bytes) {
    return gzip(bytes, 0, bytes.length);
  }

  /** {@code bytes[from, to)} gzip-compressed as one member. */
  static byte[] gzip(byte[] bytes, int from, int to) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, (to - from) / 2));
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes, from, to - from);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}

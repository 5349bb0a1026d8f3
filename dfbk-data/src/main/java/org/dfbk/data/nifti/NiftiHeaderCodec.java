package org.dfbk.data.nifti;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.dfbk.core.error.DataException;
import org.dfbk.data.nifti.NiftiField.Constant;
import org.dfbk.data.nifti.NiftiField.Ints;
import org.dfbk.data.nifti.NiftiField.Layout;
import org.dfbk.data.nifti.NiftiField.Reals;
import org.dfbk.data.nifti.NiftiField.Signature;
import org.dfbk.data.nifti.NiftiField.Text;
import org.dfbk.data.nifti.NiftiField.Type;
import org.dfbk.data.nifti.NiftiField.Value;

/**
 * Parses and encodes NIfTI-1/NIfTI-2 headers by iterating {@link NiftiField}'s table, and checks
 * the values on the way: on parsing the ranges listed in {@link NiftiHeader}'s class comment, on
 * encoding that every value fits the target version's on-disk type.
 */
final class NiftiHeaderCodec {
  /** Characters of the NIfTI-2 magic that are compared: "n+2" or "ni2". */
  private static final int NIFTI2_SIGNATURE_CHARS = 3;
  /** What follows the NIfTI-2 signature in its char[8] magic: NUL, then "\r\n\032\n". */
  private static final byte[] NIFTI2_MAGIC_TAIL = {0, '\r', '\n', 0x1a, '\n'};
  /** Why a header dfbk writes as NIfTI-1 can hold a value NIfTI-1 cannot: its template. */
  private static final String TEMPLATE_FIX = "the template header (a NIfTI-2 file) holds a value"
      + " NIfTI-1 cannot store; ";
  /** The table and the on-disk types, once ({@code values()} copies its array per call). */
  private static final NiftiField[] FIELDS = NiftiField.values();
  private static final Type[] TYPES = Type.values();
  private static final String REEXPORT = "the header is corrupt or was written with other field"
      + " sizes; re-export the image (e.g. with nibabel or dcm2niix)";

  private NiftiHeaderCodec() {}

  // ---------------------------------------------------------------- parsing

  /**
   * Parses a complete header buffer (348 or 540 bytes) of a known version and byte order (from
   * {@link NiftiHeader#detect}): the magic first, then every other field.
   *
   * @throws DataException naming the file, field and value for a wrong magic or a value out of
   *     range
   */
  static NiftiHeader parse(byte[] bytes, int version, ByteOrder order, Path file) {
    ByteBuffer bb = ByteBuffer.wrap(bytes).order(order);
    NiftiHeader h = new NiftiHeader();
    h.version = version;
    h.byteOrder = order;
    h.source = file;
    read(bb, NiftiField.MAGIC, h);
    checkMagic(h);
    for (NiftiField f : FIELDS) {
      if (f != NiftiField.MAGIC) {
        read(bb, f, h);
      }
    }
    checkDims(h);
    checkXformCode(h, "qform_code", h.qformCode);
    checkXformCode(h, "sform_code", h.sformCode);
    return h;
  }

  private static void read(ByteBuffer bb, NiftiField f, NiftiHeader h) {
    Layout at = f.layout(h.version);
    Value value = f.value();
    if (at == null || value instanceof Constant) {
      // sizeof_hdr was read by NiftiHeader.detect; "regular" means nothing to NIfTI
      return;
    }
    if (value instanceof Signature) {
      h.magic = string(bb, at.offset(),
          h.version == 1 ? at.count() : NIFTI2_SIGNATURE_CHARS);
    } else if (value instanceof Text text) {
      text.set().accept(h, string(bb, at.offset(), at.count()));
    } else if (value instanceof Ints ints) {
      for (int i = 0; i < at.count(); i++) {
        if (at.type().isReal()) {
          ints.fromReal().set(h, i, readReal(bb, at.offsetOf(i), at.type()));
        } else {
          ints.set().set(h, i, readInt(bb, at.offsetOf(i), at.type()));
        }
      }
    } else if (value instanceof Reals reals) {
      for (int i = 0; i < at.count(); i++) {
        reals.set().set(h, i, readReal(bb, at.offsetOf(i), at.type()));
      }
    }
  }

  private static long readInt(ByteBuffer bb, int offset, Type type) {
    return switch (type) {
      case UINT8 -> bb.get(offset) & 0xff;
      case INT16 -> bb.getShort(offset);
      case INT32 -> bb.getInt(offset);
      case INT64 -> bb.getLong(offset);
      default -> throw new IllegalStateException(type + " is not an integer type");
    };
  }

  private static double readReal(ByteBuffer bb, int offset, Type type) {
    return switch (type) {
      case FLOAT32 -> bb.getFloat(offset);
      case FLOAT64 -> bb.getDouble(offset);
      default -> throw new IllegalStateException(type + " is not a real type");
    };
  }

  private static void checkMagic(NiftiHeader h) {
    String single = "n+" + h.version;
    String pair = "ni" + h.version;
    if (!h.magic.equals(single) && !h.magic.equals(pair)) {
      throw new DataException("wrong magic in NIfTI-" + h.version + " header of " + h.source
          + ": found \"" + printable(h.magic) + "\", expected \"" + single + "\" (single .nii"
          + " file) or \"" + pair + "\" (.hdr/.img pair). A 348-byte header without magic is"
          + " ANALYZE 7.5, which dfbk does not read. Fix: convert the file to NIfTI (e.g."
          + " nibabel: nib.save(nib.Nifti1Image(img.get_fdata(), img.affine), 'out.nii.gz'))");
    }
  }

  private static void checkDims(NiftiHeader h) {
    long[] dim = h.dim;
    if (dim[0] < 1 || dim[0] > 7) {
      throw h.outOfRange("dim[0]", dim[0], "1..7, the number of axes", REEXPORT);
    }
    for (int i = 1; i <= dim[0]; i++) {
      if (dim[i] < 1 || dim[i] > NiftiHeader.MAX_AXIS) {
        throw h.outOfRange("dim[" + i + "]", dim[i] + " (dim = " + Arrays.toString(dim) + ")",
            "1.." + NiftiHeader.MAX_AXIS + " voxels along every used axis", REEXPORT);
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
      throw h.outOfRange("dim[1.." + dim[0] + "]", Arrays.toString(Arrays.copyOfRange(dim, 1,
          (int) dim[0] + 1)), "a product of at most " + Long.MAX_VALUE + " voxels", REEXPORT);
    }
    if (volumes > Integer.MAX_VALUE) {
      throw h.outOfRange("dim[4.." + dim[0] + "]", Arrays.toString(Arrays.copyOfRange(dim, 4,
          (int) dim[0] + 1)), "at most " + Integer.MAX_VALUE + " volumes", REEXPORT);
    }
  }

  /**
   * NIfTI-1's float vox_offset as a byte position: a whole number in
   * 0..{@link NiftiHeader#MAX_VOX_OFFSET}.
   */
  static long voxOffsetFromFloat(NiftiHeader h, float value) {
    if (!(value >= 0 && value <= NiftiHeader.MAX_VOX_OFFSET) || value != Math.rint(value)) {
      throw h.outOfRange("vox_offset", value, "a whole number of bytes in 0.."
          + NiftiHeader.MAX_VOX_OFFSET, "set vox_offset to the byte position of the voxels (352"
          + " for a plain NIfTI-1 .nii, 544 for NIfTI-2, 0 for a .hdr/.img pair)");
    }
    return (long) value;
  }

  /** NIfTI-2's int64 vox_offset, checked to be in 0..{@link NiftiHeader#MAX_VOX_OFFSET}. */
  static long checkedVoxOffset(NiftiHeader h, long value) {
    if (value < 0 || value > NiftiHeader.MAX_VOX_OFFSET) {
      throw h.outOfRange("vox_offset", value, "0.." + NiftiHeader.MAX_VOX_OFFSET,
          "set vox_offset to the byte position of the voxels (544 for a plain NIfTI-2 .nii, 0"
              + " for a .hdr/.img pair)");
    }
    return value;
  }

  private static void checkXformCode(NiftiHeader h, String field, int code) {
    if (code < 0 || code > NiftiHeader.MAX_XFORM_CODE) {
      throw h.outOfRange(field, code, "0.." + NiftiHeader.MAX_XFORM_CODE + ": unknown, scanner,"
          + " aligned, Talairach, MNI-152, template", "set " + field + " to 0 (ignore that"
          + " transform) or to the code of the space it maps to");
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
        sb.append(String.format(Locale.ROOT, "\\x%02x", (int) ch));
      }
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------- encoding

  /**
   * Encodes {@code h} as a single-file header of {@code version} (1 or 2) in {@code order},
   * followed by a zero extension flag: 352 bytes for NIfTI-1, 544 for NIfTI-2. The magic says
   * "n+" or "ni" as {@code h} does.
   *
   * @param target the file being written, for messages
   * @throws DataException naming the first value the version cannot hold: a dim above its type's
   *     largest value (32767 for NIfTI-1), then per on-disk type in {@link Type} order a finite
   *     double beyond float32, an integer float32 cannot hold exactly (vox_offset), or an
   *     integer outside the type's range, as a NIfTI-2 template can carry into NIfTI-1
   */
  static byte[] encode(NiftiHeader h, int version, ByteOrder order, Path target) {
    checkFits(h, version, target);
    int size = version == 1 ? NiftiHeader.NIFTI1_SIZE : NiftiHeader.NIFTI2_SIZE;
    // the 4 bytes after the header: extension flag 0 (no extensions)
    ByteBuffer bb = ByteBuffer.allocate(size + 4).order(order);
    for (NiftiField f : FIELDS) {
      write(bb, f, version, h);
    }
    return bb.array();
  }

  private static void write(ByteBuffer bb, NiftiField f, int version, NiftiHeader h) {
    Layout at = f.layout(version);
    Value value = f.value();
    if (at == null) {
      return;
    }
    if (value instanceof Constant constant) {
      writeInt(bb, at.offset(), at.type(), constant.of(version));
    } else if (value instanceof Signature) {
      String signature = (h.isSingleFile() ? "n+" : "ni") + version;
      putString(bb, at.offset(), at.count(), signature);
      if (version == 2) {
        bb.put(at.offset() + NIFTI2_SIGNATURE_CHARS, NIFTI2_MAGIC_TAIL);
      }
    } else if (value instanceof Text text) {
      putString(bb, at.offset(), at.count(), text.get().apply(h));
    } else if (value instanceof Ints ints) {
      for (int i = 0; i < at.count(); i++) {
        long v = ints.get().get(h, i);
        if (at.type() == Type.FLOAT32) {
          bb.putFloat(at.offsetOf(i), (float) v);
        } else {
          writeInt(bb, at.offsetOf(i), at.type(), v);
        }
      }
    } else if (value instanceof Reals reals) {
      for (int i = 0; i < at.count(); i++) {
        double v = reals.get().get(h, i);
        switch (at.type()) {
          case FLOAT32 -> bb.putFloat(at.offsetOf(i), (float) v);
          case FLOAT64 -> bb.putDouble(at.offsetOf(i), v);
          default -> throw new IllegalStateException(f + " is real, stored as " + at.type());
        }
      }
    }
  }

  private static void writeInt(ByteBuffer bb, int offset, Type type, long v) {
    switch (type) {
      case UINT8, CHAR -> bb.put(offset, (byte) v);
      case INT16 -> bb.putShort(offset, (short) v);
      case INT32 -> bb.putInt(offset, (int) v);
      case INT64 -> bb.putLong(offset, v);
      default -> throw new IllegalStateException("integer stored as " + type);
    }
  }

  private static void putString(ByteBuffer bb, int offset, int length, String s) {
    byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
    int n = Math.min(b.length, length - 1);
    bb.put(offset, b, 0, n);
  }

  private static void checkFits(NiftiHeader h, int version, Path target) {
    Layout dims = NiftiField.DIM.layout(version);
    for (int i = 0; i < dims.count(); i++) {
      if (h.dim[i] > dims.type().max) {
        throw new DataException("cannot write " + target + " as NIfTI-" + version + ": dim[" + i
            + "] = " + h.dim[i] + " exceeds " + dims.type().max + ". Fix: crop the image or"
            + " write NIfTI-2 with another tool");
      }
    }
    for (Type type : TYPES) {
      for (NiftiField f : FIELDS) {
        Layout at = f.layout(version);
        if (at == null || at.type() != type) {
          continue;
        }
        for (int i = 0; i < at.count(); i++) {
          if (f.value() instanceof Reals reals && type == Type.FLOAT32) {
            checkFloat32(target, version, f, i, reals.get().get(h, i));
          } else if (f.value() instanceof Ints ints) {
            long v = ints.get().get(h, i);
            if (type == Type.FLOAT32) {
              checkWholeFloat32(target, version, f, i, v);
            } else if (type.isInteger()) {
              checkInt(target, version, f, i, v, type);
            }
          }
        }
      }
    }
  }

  private static void checkFloat32(Path target, int version, NiftiField f, int i, double value) {
    if (Double.isFinite(value) && Math.abs(value) > Float.MAX_VALUE) {
      String field = f.element(version, i);
      throw new DataException("cannot write " + target + " as NIfTI-" + version + ": " + field
          + " = " + value + " is beyond the float32 range (|x| <= " + Float.MAX_VALUE + ") of a"
          + " NIfTI-" + version + " header. Fix: " + (version == 1 ? TEMPLATE_FIX : "") + "set "
          + field + " to a float32 value" + (version == 1 ? " in that file" : ""));
    }
  }

  /** An integer stored as a float (NIfTI-1's vox_offset) must survive the rounding. */
  private static void checkWholeFloat32(Path target, int version, NiftiField f, int i,
      long value) {
    if ((long) (float) value != value) {
      String field = f.element(version, i);
      throw new DataException("cannot write " + target + " as NIfTI-" + version + ": " + field
          + " = " + value + " has no exact float32 value, the type a NIfTI-" + version
          + " header stores it in. Fix: set " + field + " to a whole number float32 holds"
          + " exactly (any up to 2^24 = 16777216)");
    }
  }

  private static void checkInt(Path target, int version, NiftiField f, int i, long value,
      Type type) {
    if (value < type.min || value > type.max) {
      String field = f.element(version, i);
      throw new DataException("cannot write " + target + " as NIfTI-" + version + ": " + field
          + " = " + value + " is outside " + type.min + ".." + type.max + ", what a NIfTI-"
          + version + " header can store. Fix: " + (version == 1 ? TEMPLATE_FIX + "set " + field
          + " in that file to a value in range" : "set " + field + " to a value in range"));
    }
  }
}

package org.dfbk.data.nifti;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.ShortBuffer;

/** Bulk conversion between on-disk voxel bytes and float values (package-private). */
final class VoxelCodec {
  private VoxelCodec() {}

  /**
   * Decodes {@code out.length} voxels starting at voxel {@code first} of {@code data} (whose
   * byte order is set) into {@code out}, applying the header's scaling when its slope is valid:
   * {@code value = raw * slope + inter}, computed in double and rounded once to float.
   */
  static void decode(ByteBuffer data, long first, float[] out, NiftiDataType type,
      NiftiHeader header) {
    int n = out.length;
    int off = Math.toIntExact(first * type.bytes());
    ByteBuffer slab = data.slice(off, n * type.bytes()).order(data.order());
    boolean scale = header.hasScaling();
    double slope = header.effectiveSlope();
    double inter = header.effectiveInter();
    switch (type) {
      case UINT8 -> {
        for (int i = 0; i < n; i++) {
          int raw = slab.get(i) & 0xff;
          out[i] = scale ? (float) (raw * slope + inter) : raw;
        }
      }
      case INT8 -> {
        for (int i = 0; i < n; i++) {
          int raw = slab.get(i);
          out[i] = scale ? (float) (raw * slope + inter) : raw;
        }
      }
      case INT16, UINT16 -> {
        short[] raw = new short[n];
        ShortBuffer sb = slab.asShortBuffer();
        sb.get(raw);
        boolean unsigned = type == NiftiDataType.UINT16;
        for (int i = 0; i < n; i++) {
          int v = unsigned ? raw[i] & 0xffff : raw[i];
          out[i] = scale ? (float) (v * slope + inter) : v;
        }
      }
      case INT32 -> {
        int[] raw = new int[n];
        IntBuffer ib = slab.asIntBuffer();
        ib.get(raw);
        for (int i = 0; i < n; i++) {
          out[i] = scale ? (float) (raw[i] * slope + inter) : (float) raw[i];
        }
      }
      case FLOAT32 -> {
        FloatBuffer fb = slab.asFloatBuffer();
        fb.get(out);
        if (scale) {
          for (int i = 0; i < n; i++) {
            out[i] = (float) (out[i] * slope + inter);
          }
        }
      }
      case FLOAT64 -> {
        double[] raw = new double[n];
        DoubleBuffer db = slab.asDoubleBuffer();
        db.get(raw);
        for (int i = 0; i < n; i++) {
          out[i] = (float) (scale ? raw[i] * slope + inter : raw[i]);
        }
      }
      default -> throw new IllegalStateException("unhandled type " + type);
    }
  }

  /**
   * Encodes float values as {@code type} (little-endian) into {@code dst}. Integer types store
   * {@code rint((v - inter) / slope)} clamped to the type's range, NaN stored as 0; float types
   * store the values unchanged (slope/inter must then be 1/0).
   */
  static void encode(float[] values, ByteBuffer dst, NiftiDataType type, double slope,
      double inter) {
    int n = values.length;
    switch (type) {
      case FLOAT32 -> dst.asFloatBuffer().put(values);
      case FLOAT64 -> {
        DoubleBuffer db = dst.asDoubleBuffer();
        for (int i = 0; i < n; i++) {
          db.put(i, values[i]);
        }
      }
      case UINT8, INT8 -> {
        for (int i = 0; i < n; i++) {
          dst.put(i, (byte) toInt(values[i], type, slope, inter));
        }
      }
      case INT16, UINT16 -> {
        ShortBuffer sb = dst.asShortBuffer();
        for (int i = 0; i < n; i++) {
          sb.put(i, (short) toInt(values[i], type, slope, inter));
        }
      }
      case INT32 -> {
        IntBuffer ib = dst.asIntBuffer();
        for (int i = 0; i < n; i++) {
          ib.put(i, (int) toInt(values[i], type, slope, inter));
        }
      }
      default -> throw new IllegalStateException("unhandled type " + type);
    }
  }

  private static long toInt(float v, NiftiDataType type, double slope, double inter) {
    if (Float.isNaN(v)) {
      return 0;
    }
    double raw = Math.rint((v - inter) / slope);
    raw = Math.max(type.minValue(), Math.min(type.maxValue(), raw));
    return (long) raw;
  }
}

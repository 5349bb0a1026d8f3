package org.dfbk.data.cache;

/**
 * IEEE 754 binary16 (half precision) conversion: float → half with round-to-nearest-even
 * (subnormals kept, overflow to ±infinity, NaN preserved as a quiet NaN), half → float exact.
 */
public final class Half {
  private Half() {}

  /** The binary16 bit pattern nearest to {@code f}. */
  public static short fromFloat(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exp = (bits >>> 23) & 0xFF;
    int mant = bits & 0x7FFFFF;
    if (exp == 0xFF) {
      return (short) (sign | 0x7C00 | (mant != 0 ? 0x200 : 0));
    }
    int e = exp - 127 + 15;
    if (e >= 0x1F) {
      return (short) (sign | 0x7C00);
    }
    if (e <= 0) {
      if (e < -10) {
        return (short) sign;
      }
      // subnormal half: shift the full significand (with its implicit 1) right
      int m = mant | 0x800000;
      int shift = 14 - e;
      int half = m >> shift;
      int rem = m & ((1 << shift) - 1);
      int mid = 1 << (shift - 1);
      if (rem > mid || (rem == mid && (half & 1) != 0)) {
        half++;
      }
      return (short) (sign | half);
    }
    int half = (e << 10) | (mant >> 13);
    int rem = mant & 0x1FFF;
    if (rem > 0x1000 || (rem == 0x1000 && (half & 1) != 0)) {
      half++; // may carry into the exponent, up to infinity: correct rounding
    }
    return (short) (sign | half);
  }

  /** The float value of a binary16 bit pattern. */
  public static float toFloat(short h) {
    int bits = h & 0xFFFF;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1F;
    int mant = bits & 0x3FF;
    if (exp == 0) {
      float v = mant * 0x1.0p-24f;
      return sign != 0 ? -v : v;
    }
    if (exp == 0x1F) {
      return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
    }
    return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
  }
}

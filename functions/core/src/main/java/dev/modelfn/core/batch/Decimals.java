package dev.modelfn.core.batch;

/**
 * Reads a decimal number from bytes without making a String. Plain decimals of up to 15
 * significant digits (what CSV exports hold) take the exact fast path: the digits as a whole
 * number divided by a power of ten, both exact in a double, so the one rounding of the division
 * gives the correctly rounded value, the same as {@link Double#parseDouble}. Anything else
 * (exponents, long digit runs, special words) goes to {@link Double#parseDouble}.
 */
final class Decimals {
  private Decimals() {}

  /** Exact powers of ten, 10^0 to 10^22 (also the one-pass CSV reading in {@link RowDecoder}). */
  static final double[] POW10 = new double[23];

  static {
    double p = 1;
    for (int i = 0; i < POW10.length; i++) {
      POW10[i] = p;
      p *= 10;
    }
  }

  /**
   * Parses {@code b[from, to)} (already trimmed).
   *
   * @throws NumberFormatException as {@link Double#parseDouble} does
   */
  static double parse(byte[] b, int from, int to) {
    int i = from;
    boolean negative = false;
    if (i < to && (b[i] == '-' || b[i] == '+')) {
      negative = b[i] == '-';
      i++;
    }
    long mantissa = 0;
    int digits = 0;
    int fraction = -1; // digits after the point; -1 without a point
    boolean any = false;
    for (; i < to; i++) {
      int c = b[i];
      if (c >= '0' && c <= '9') {
        any = true;
        if (mantissa == 0 && c == '0') {
          if (fraction >= 0) {
            fraction++;
          }
          continue; // leading zeros are not significant
        }
        if (++digits > 15) {
          return slow(b, from, to);
        }
        mantissa = mantissa * 10 + (c - '0');
        if (fraction >= 0) {
          fraction++;
        }
      } else if (c == '.' && fraction < 0) {
        fraction = 0;
      } else {
        return slow(b, from, to);
      }
    }
    if (!any) {
      return slow(b, from, to);
    }
    double d = mantissa;
    if (fraction > 0) {
      if (fraction >= POW10.length) {
        return slow(b, from, to);
      }
      d /= POW10[fraction];
    }
    return negative ? -d : d;
  }

  private static double slow(byte[] b, int from, int to) {
    return Double.parseDouble(new String(b, from, to - from, java.nio.charset.StandardCharsets.ISO_8859_1));
  }
}

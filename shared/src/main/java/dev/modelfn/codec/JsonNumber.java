package dev.modelfn.codec;

import java.nio.charset.StandardCharsets;

/**
 * One JSON number token read from bytes: its grammar checked and its digits gathered (up to 19
 * significant ones, the rest counted in the scale) for an exact conversion. A reader keeps one
 * instance and reads every number into it, so reading allocates nothing. Shared by the project's
 * JSON reader and the OIP v2 request scanner, which must give the same values.
 */
final class JsonNumber {
  /** Longer tokens are left to Jackson, which enforces its own length limit. */
  static final int MAX_LENGTH = 100;
  private static final double[] POW10 = {
      1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
      1e19, 1e20, 1e21, 1e22};

  /** Where the token began and the index after it. */
  int start;
  int end;
  boolean negative;
  /** A fraction or an exponent was written. */
  boolean isFloat;
  /** More than 19 significant digits: {@link #mantissa} holds the first 19. */
  boolean truncated;
  long mantissa;
  int significant;
  /** value = mantissa × 10^scale. */
  int scale;
  int intDigits;

  /**
   * Reads the number starting at {@code from}; false when the bytes there are not one (no digit, a
   * leading zero, a point or an exponent without digits). What follows the token is the caller's
   * to check.
   */
  boolean read(byte[] b, int from, int limit) {
    int pos = from;
    start = from;
    negative = pos < limit && b[pos] == '-';
    if (negative) {
      pos++;
    }
    mantissa = 0;
    significant = 0;
    scale = 0;
    truncated = false;
    intDigits = 0;
    isFloat = false;
    int c = pos < limit ? b[pos] : -1;
    if (c == '0') {
      pos++;
      intDigits = 1;
      if (pos < limit && b[pos] >= '0' && b[pos] <= '9') {
        return false; // a leading zero
      }
    } else if (c >= '1' && c <= '9') {
      while (pos < limit && (c = b[pos]) >= '0' && c <= '9') {
        if (significant < 19) {
          mantissa = mantissa * 10 + (c - '0');
          significant++;
        } else {
          scale++;
          truncated = true;
        }
        intDigits++;
        pos++;
      }
    } else {
      return false;
    }
    if (pos < limit && b[pos] == '.') {
      isFloat = true;
      pos++;
      int f0 = pos;
      while (pos < limit && (c = b[pos]) >= '0' && c <= '9') {
        if (mantissa == 0 && c == '0') {
          scale--;
        } else if (significant < 19) {
          mantissa = mantissa * 10 + (c - '0');
          significant++;
          scale--;
        } else {
          truncated = true;
        }
        pos++;
      }
      if (pos == f0) {
        return false;
      }
    }
    if (pos < limit && (b[pos] == 'e' || b[pos] == 'E')) {
      isFloat = true;
      pos++;
      boolean expNegative = false;
      if (pos < limit && (b[pos] == '+' || b[pos] == '-')) {
        expNegative = b[pos] == '-';
        pos++;
      }
      int e0 = pos;
      int exponent = 0;
      while (pos < limit && (c = b[pos]) >= '0' && c <= '9') {
        if (exponent < 100_000) {
          exponent = exponent * 10 + (c - '0');
        }
        pos++;
      }
      if (pos == e0) {
        return false;
      }
      scale += expNegative ? -exponent : exponent;
    }
    end = pos;
    return true;
  }

  /** An integer token of at most 18 digits, whose value a long holds exactly. */
  boolean isSmallInteger() {
    return !isFloat && intDigits <= 18;
  }

  /** The value of a {@linkplain #isSmallInteger small integer} token ({@code -0} is 0). */
  long longValue() {
    return negative ? -mantissa : mantissa;
  }

  /**
   * The value of a float token, correctly rounded: by Clinger's fast path where the mantissa and
   * the power of ten are exact doubles (the one IEEE operation then rounds as {@code
   * Double.parseDouble} does), else by {@code Double.parseDouble} of the token.
   */
  double doubleValue(byte[] b) {
    if (!truncated && significant <= 15 && scale >= -22 && scale <= 22) {
      double v = scale < 0 ? mantissa / POW10[-scale] : mantissa * POW10[scale];
      return negative ? -v : v;
    }
    return Double.parseDouble(new String(b, start, end - start, StandardCharsets.ISO_8859_1));
  }
}

package dev.modelfn.codec;

import java.math.BigInteger;

/**
 * A {@code float} as the shortest decimal that reads back as the same float, written as ASCII
 * bytes straight into a buffer: the text {@code Float.toString} gives from JDK 19 on (and
 * Jackson's writer gives for floats), without making a String. Predictions carry one or more
 * probabilities per row, and batch and stream scoring write millions of them.
 *
 * <p>The digits come from the Schubfach method (R. Giulietti, "The Schubfach way to render
 * doubles", 2020): the rounding interval of the float is scaled by a power of ten chosen so that
 * at most a couple of integers fall inside it, with one 64-bit multiplication per bound (rounded
 * to odd, so that comparisons with the interval's ends stay exact); the candidates are the
 * multiple of ten inside it, else the integer closest to the value. The powers of ten are
 * computed exactly when the class loads. Checked against Jackson's writer on all 2^32 floats once
 * (no difference); the tests compare millions of them.
 */
public final class FloatText {
  /** Bytes a float can take: {@code -1.2345678E-38}. */
  public static final int MAX_LENGTH = 15;

  private static final int P = 24; // significand bits, with the hidden one
  private static final int Q_MIN = -149; // exponent of the least subnormal: v = c * 2^q
  private static final int C_MIN = 1 << (P - 1);
  private static final int C_TINY = 8; // subnormals below this are scaled by ten first
  private static final int H = 9; // at most this many digits
  private static final int E_MIN = -32; // the powers of ten the scaling needs: 10^e for e in [E_MIN, E_MAX]
  private static final int E_MAX = 46;
  private static final long[] G = new long[E_MAX - E_MIN + 1];
  private static final int[] POW10 = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000,
      1_000_000_000};

  static {
    for (int e = E_MIN; e <= E_MAX; e++) {
      // g = floor(10^e * 2^(62 - floor(log2 10^e))) + 1, in [2^62, 2^63)
      int shift = 62 - flog2pow10(e);
      BigInteger g = e >= 0 ? BigInteger.TEN.pow(e) : BigInteger.ONE;
      BigInteger d = e >= 0 ? BigInteger.ONE : BigInteger.TEN.pow(-e);
      if (shift >= 0) {
        g = g.shiftLeft(shift);
      } else {
        d = d.shiftLeft(-shift);
      }
      G[e - E_MIN] = g.divide(d).longValueExact() + 1;
    }
  }

  private FloatText() {}

  /** Writes {@code v} at {@code b[at]} (room for {@link #MAX_LENGTH} bytes needed); returns the end. */
  public static int write(float v, byte[] b, int at) {
    int bits = Float.floatToRawIntBits(v);
    int t = bits & (C_MIN - 1);
    int bq = (bits >>> (P - 1)) & 0xff;
    if (bq == 0xff) {
      return ascii(t != 0 ? "NaN" : bits < 0 ? "-Infinity" : "Infinity", b, at);
    }
    int n = at;
    if (bits < 0) {
      b[n++] = '-';
    }
    if (bq != 0) {
      int mq = -Q_MIN + 1 - bq;
      int c = C_MIN | t;
      if (0 < mq && mq < P) { // an integer below 2^24: its own digits
        int f = c >> mq;
        if (f << mq == c) {
          return chars(f, 0, b, n);
        }
      }
      return decimal(-mq, c, 0, b, n);
    }
    if (t != 0) {
      return t < C_TINY ? decimal(Q_MIN, 10 * t, -1, b, n) : decimal(Q_MIN, t, 0, b, n);
    }
    return ascii("0.0", b, n);
  }

  /** {@code v} as text, the same as {@link #write}; for callers that need a String. */
  public static String toString(float v) {
    byte[] b = new byte[MAX_LENGTH];
    return new String(b, 0, write(v, b, 0), java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /** The shortest decimal in the rounding interval of {@code c * 2^q} (closest to it among those). */
  private static int decimal(int q, int c, int dk, byte[] b, int at) {
    int out = c & 1; // an even significand rounds ties to itself: the interval's ends belong to it
    long cb = (long) c << 2;
    long cbr = cb + 2;
    long cbl;
    int k;
    if (c != C_MIN || q == Q_MIN) {
      cbl = cb - 2;
      k = flog10pow2(q);
    } else { // a power of two: the interval below is half as wide
      cbl = cb - 1;
      k = flog10threeQuartersPow2(q);
    }
    int h = q + flog2pow10(-k) + 33;
    long g = G[-k - E_MIN];
    int vb = rop(g, cb << h);
    int vbl = rop(g, cbl << h);
    int vbr = rop(g, cbr << h);
    int s = vb >> 2;
    if (s >= 100) {
      int sp10 = 10 * (int) (s * 1_717_986_919L >>> 34); // 10 * (s / 10)
      int tp10 = sp10 + 10;
      boolean upin = vbl + out <= sp10 << 2;
      boolean wpin = (tp10 << 2) + out <= vbr;
      if (upin != wpin) {
        return chars(upin ? sp10 : tp10, k, b, at);
      }
    }
    int t = s + 1;
    boolean uin = vbl + out <= s << 2;
    boolean win = (t << 2) + out <= vbr;
    if (uin != win) {
      return chars(uin ? s : t, k + dk, b, at);
    }
    long cmp = vb - ((long) (s + t) << 1);
    return chars(cmp < 0 || cmp == 0 && (s & 1) == 0 ? s : t, k + dk, b, at);
  }

  /** The high bits of {@code g * cp / 2^95}, with the lowest bit set if any bit below was (rounding to odd). */
  private static int rop(long g, long cp) {
    long x1 = Math.multiplyHigh(g, cp);
    long vbp = x1 >>> 31;
    return (int) (vbp | ((x1 & 0xffff_ffffL) + 0xffff_ffffL) >>> 32);
  }

  /** Writes {@code f * 10^e} as {@code Float.toString} lays it out. */
  private static int chars(int f, int e, byte[] b, int at) {
    // f to exactly H digits: value = 0.d1...dH * 10^e
    int len = flog10pow2(Integer.SIZE - Integer.numberOfLeadingZeros(f));
    if (f >= POW10[len]) {
      len++;
    }
    f *= POW10[H - len];
    e += len;
    int n = at;
    if (0 < e && e <= 7) { // plain, e digits before the point
      int div = POW10[H - e];
      n = digits(f / div, e, b, n);
      b[n++] = '.';
      return fraction(f % div, H - e, b, n);
    }
    if (-3 < e && e <= 0) { // 0.00ddd
      b[n++] = '0';
      b[n++] = '.';
      for (int i = e; i < 0; i++) {
        b[n++] = '0';
      }
      return fraction(f, H, b, n);
    }
    // computerized scientific notation: d.ddd E exponent
    int div = POW10[H - 1];
    b[n++] = (byte) ('0' + f / div);
    b[n++] = '.';
    n = fraction(f % div, H - 1, b, n);
    b[n++] = 'E';
    int x = e - 1;
    if (x < 0) {
      b[n++] = '-';
      x = -x;
    }
    if (x >= 10) {
      b[n++] = (byte) ('0' + x / 10);
    }
    b[n++] = (byte) ('0' + x % 10);
    return n;
  }

  /** The {@code count} digits of {@code v} (leading zeros included). */
  private static int digits(int v, int count, byte[] b, int at) {
    for (int i = count - 1; i >= 0; i--) {
      b[at + i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    return at + count;
  }

  /** The {@code count}-digit fraction {@code v} without its trailing zeros, at least one digit. */
  private static int fraction(int v, int count, byte[] b, int at) {
    if (v == 0) {
      b[at] = '0';
      return at + 1;
    }
    while (v % 10 == 0) {
      v /= 10;
      count--;
    }
    return digits(v, count, b, at);
  }

  private static int ascii(String s, byte[] b, int at) {
    for (int i = 0; i < s.length(); i++) {
      b[at + i] = (byte) s.charAt(i);
    }
    return at + s.length();
  }

  /** floor(q * log10(2)), exact for |q| <= 5456721. */
  static int flog10pow2(int q) {
    return (int) (q * 661_971_961_083L >> 41);
  }

  /** floor(log10(3/4 * 2^q)), exact for |q| <= 5456721. */
  static int flog10threeQuartersPow2(int q) {
    return (int) (q * 661_971_961_083L + -274_743_187_321L >> 41);
  }

  /** floor(e * log2(10)), exact for |e| <= 7732 (also what the table's shifts use). */
  static int flog2pow10(int e) {
    return (int) (e * 913_124_641_741L >> 38);
  }
}

package dev.modelfn.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigInteger;
import java.nio.ByteOrder;

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
 * computed exactly when the class loads. The nine digits are then turned into text eight at a
 * time in one {@code long} (SWAR: each split in halves by a multiplication, all lanes at once),
 * stored whole and cut to length. Checked against Jackson's writer on all 2^32 floats once (no
 * difference); the tests compare millions of them.
 */
public final class FloatText {
  /** Bytes a float can take: {@code -1.2345678E-38}. */
  public static final int MAX_LENGTH = 15;

  /**
   * Room {@link #write} needs from where it writes: digits are stored eight bytes at a time, so
   * it may write past the text's end (at most to {@code -1234567.8} and its eight-byte store of
   * the fraction, seventeen bytes).
   */
  public static final int ROOM = 17;

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ZEROS = 0x3030303030303030L; // '0' in every byte

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

  /**
   * Writes {@code v} at {@code b[at]} ({@link #ROOM} bytes of room needed; bytes past the end it
   * returns may be overwritten); returns the end.
   */
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
    byte[] b = new byte[ROOM];
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
    int first = f / 100_000_000;
    long rest = eight(f - first * 100_000_000); // d2...d9, d2 in the lowest byte
    int zeros = Long.numberOfLeadingZeros(rest) >>> 3; // trailing zeros among d2...d9
    long text = rest + ZEROS;
    int n = at;
    if (0 < e && e <= 7) { // plain, e digits before the point
      b[n] = (byte) ('0' + first);
      LONGS.set(b, n + 1, text); // d1 d2 ... d9
      LONGS.set(b, n + e + 1, text >>> ((e - 1) << 3)); // the digits after the point, moved one on
      b[n + e] = '.';
      return n + e + 1 + Math.max(1, H - e - zeros);
    }
    if (-3 < e && e <= 0) { // 0.00ddd
      b[n] = '0';
      b[n + 1] = '.';
      b[n + 2] = '0';
      b[n + 3] = '0';
      int p = n + 2 - e;
      b[p] = (byte) ('0' + first);
      LONGS.set(b, p + 1, text);
      return p + 1 + Long.BYTES - zeros;
    }
    // computerized scientific notation: d.ddd E exponent
    b[n] = (byte) ('0' + first);
    b[n + 1] = '.';
    LONGS.set(b, n + 2, text);
    n += 2 + Math.max(1, Long.BYTES - zeros);
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

  /**
   * The eight decimal digits of {@code v} (below 10^8), one in each byte as a number 0-9, the
   * first in the lowest byte (the first in memory, stored little-endian). Each step splits every
   * lane in two at once: the quotient by a power of ten, by a multiplication and a shift that are
   * exact for the lane's range, goes to the low half of the lane and the remainder to the high.
   */
  static long eight(int v) {
    int hi = v / 10_000;
    long x = hi | (long) (v - hi * 10_000) << 32; // two lanes of four digits
    long q = (x * 10_486 >>> 20) & 0x0000_007f_0000_007fL; // each lane / 100
    long y = (x << 16) - q * ((100L << 16) - 1); // four lanes of two digits
    long t = (y * 103 >>> 10) & 0x000f_000f_000f_000fL; // each lane / 10
    return (y << 8) - t * ((10L << 8) - 1); // eight lanes of one digit
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

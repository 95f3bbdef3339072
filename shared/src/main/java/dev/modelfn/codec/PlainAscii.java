package dev.modelfn.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Skips the plain part of a JSON string's bytes eight at a time: printable ASCII with no quote and
 * no backslash, which is most of what AWS events and model requests carry in their strings (ids,
 * base64 data, names). Shared by the project's JSON reader, the event scanners of the Lambda
 * adapter and the stream predictions' writer.
 */
public final class PlainAscii {
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH = 0x8080808080808080L;

  private PlainAscii() {}

  /**
   * The index of the first byte at or after {@code from} that is not plain — a quote, a backslash,
   * below 0x20 or above 0x7f — or {@code b.length} when there is none. Eight bytes a step: the
   * lowest flagged byte of a word is exactly the first such byte (see {@link #special}).
   */
  public static int run(byte[] b, int from) {
    return run(b, from, b.length);
  }

  /** {@link #run(byte[], int)} within {@code [from, to)}: {@code to} when all of it is plain. */
  public static int run(byte[] b, int from, int to) {
    int i = from;
    int last = to - Long.BYTES;
    while (i <= last) {
      long found = special((long) LONGS.get(b, i));
      if (found != 0) {
        return i + (Long.numberOfTrailingZeros(found) >>> 3);
      }
      i += Long.BYTES;
    }
    while (i < to) {
      byte c = b[i];
      if (c < 0x20 || c == '"' || c == '\\') { // bytes above 0x7f are negative
        return i;
      }
      i++;
    }
    return i;
  }

  /**
   * The index of the first {@code "} or {@code \\} at or after {@code from}, or {@code b.length}
   * when there is none: two tests per eight bytes, for a string whose other bytes are checked by
   * what reads it next.
   */
  public static int quoteOrBackslash(byte[] b, int from) {
    int i = from;
    int last = b.length - Long.BYTES;
    while (i <= last) {
      long w = (long) LONGS.get(b, i);
      long q = w ^ (ONES * '"');
      long s = w ^ (ONES * '\\');
      long found = ((q - ONES) & ~q | (s - ONES) & ~s) & HIGH; // the lowest flag is exact, as in special
      if (found != 0) {
        return i + (Long.numberOfTrailingZeros(found) >>> 3);
      }
      i += Long.BYTES;
    }
    while (i < b.length && b[i] != '"' && b[i] != '\\') {
      i++;
    }
    return i;
  }

  /**
   * The high bit of each byte of {@code w} that is {@code "}, {@code \\}, below 0x20 or above
   * 0x7f (SWAR: a byte equal to {@code k} becomes zero after XOR with {@code k}, and subtracting one
   * from a zero byte sets its high bit; subtracting 0x20 from a byte below it borrows and sets its
   * high bit). Borrows run only upwards, so bytes below the first such byte are never flagged:
   * the lowest flag is exact, flags above it may be false alarms.
   */
  static long special(long w) {
    long quote = w ^ (ONES * '"');
    long backslash = w ^ (ONES * '\\');
    long control = w - ONES * 0x20;
    return (((quote - ONES) & ~quote) | ((backslash - ONES) & ~backslash) | control | w) & HIGH;
  }
}

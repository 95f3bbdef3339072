package dev.modelfn.core.batch;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finds the next line feed (or quote) in a buffer eight bytes at a time. SWAR: a byte equal to
 * {@code k} becomes zero after XOR with {@code k}; {@code (x - 0x01..) & ~x & 0x80..} sets the high
 * bit of the lowest zero byte exactly (bits above it may be false alarms, which the lowest-bit
 * pick ignores), and the words are read little-endian so that the lowest bit is the first byte.
 */
final class LineScan {
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH = 0x8080808080808080L;
  private static final long LF = ONES * '\n';
  private static final long QUOTE = ONES * '"';

  private LineScan() {}

  /** The index of the first {@code \n} in {@code b[from, to)}, or {@code to}. */
  static int lineFeed(byte[] b, int from, int to) {
    int i = from;
    for (; i + Long.BYTES <= to; i += Long.BYTES) {
      long x = (long) LONGS.get(b, i) ^ LF;
      long found = (x - ONES) & ~x & HIGH;
      if (found != 0) {
        return i + (Long.numberOfTrailingZeros(found) >>> 3);
      }
    }
    while (i < to && b[i] != '\n') {
      i++;
    }
    return i;
  }

  /** The index of the first {@code \n} or {@code "} in {@code b[from, to)}, or {@code to}. */
  static int lineFeedOrQuote(byte[] b, int from, int to) {
    int i = from;
    for (; i + Long.BYTES <= to; i += Long.BYTES) {
      long w = (long) LONGS.get(b, i);
      long x = w ^ LF;
      long y = w ^ QUOTE;
      long found = (((x - ONES) & ~x) | ((y - ONES) & ~y)) & HIGH;
      if (found != 0) {
        return i + (Long.numberOfTrailingZeros(found) >>> 3);
      }
    }
    while (i < to && b[i] != '\n' && b[i] != '"') {
      i++;
    }
    return i;
  }
}

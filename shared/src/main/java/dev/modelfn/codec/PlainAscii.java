package dev.modelfn.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Skips the plain part of a JSON string's bytes eight at a time: printable ASCII with no quote and
 * no backslash, which is most of what AWS events and model requests carry in their strings (ids,
 * base64 data, names). Shared by the project's JSON reader and the Kinesis event scanner.
 */
public final class PlainAscii {
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH = 0x8080808080808080L;

  private PlainAscii() {}

  /**
   * The index, at or after {@code from}, where a whole eight-byte word is no longer plain (or fewer
   * than eight bytes are left); the caller goes on byte by byte from there.
   */
  public static int run(byte[] b, int from) {
    int i = from;
    int last = b.length - Long.BYTES;
    while (i <= last && word((long) LONGS.get(b, i))) {
      i += Long.BYTES;
    }
    return i;
  }

  /**
   * True when none of the eight bytes in {@code w} is {@code "}, {@code \\}, below 0x20 or above
   * 0x7f (SWAR: a byte equal to {@code k} becomes zero after XOR with {@code k}, and subtracting one
   * from a zero byte sets its high bit; any false alarm only sends the word to the byte loop).
   */
  static boolean word(long w) {
    long quote = w ^ (ONES * '"');
    long backslash = w ^ (ONES * '\\');
    long control = w - ONES * 0x20; // borrows set the high bit of bytes below 0x20
    long found = ((quote - ONES) & ~quote) | ((backslash - ONES) & ~backslash) | control | w;
    return (found & HIGH) == 0;
  }
}

package dev.modelfn.codec;

import com.fasterxml.jackson.core.io.NumberOutput;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * A JSON document written as UTF-8 bytes into one growing array, unsynchronized, for the small
 * documents written once per request (a Lambda response event, a metrics line): no generator, no
 * character encoder, no copy through a String. The text is the one Jackson's generator writes for
 * the same calls (string escapes, numbers, base64), which the tests check. The caller writes the
 * structure ({@code {}, [], :, ,}) with {@link #raw}.
 */
public final class JsonBytes {
  private static final byte[] TRUE = ascii("true");
  private static final byte[] FALSE = ascii("false");
  private static final byte[] HEX = ascii("0123456789ABCDEF");
  /** The escape after the backslash for each byte below 0x20 and for the quote and backslash, or 0: as {@code \\u00XX}. */
  private static final byte[] SHORT = new byte[128];

  static {
    SHORT['"'] = '"';
    SHORT['\\'] = '\\';
    SHORT['\b'] = 'b';
    SHORT['\t'] = 't';
    SHORT['\n'] = 'n';
    SHORT['\f'] = 'f';
    SHORT['\r'] = 'r';
  }

  private byte[] b;
  private int n;

  /** The bytes of an ASCII literal (structure, keys) to be written with {@link #raw(byte[])}. */
  public static byte[] ascii(String literal) {
    return literal.getBytes(StandardCharsets.US_ASCII);
  }

  /** @param capacity the bytes the document is expected to take; it grows past them when needed */
  public JsonBytes(int capacity) {
    b = new byte[Math.max(16, capacity)];
  }

  /** Bytes written as they are: structure and literals the caller has made valid JSON. */
  public JsonBytes raw(byte[] bytes) {
    room(bytes.length);
    System.arraycopy(bytes, 0, b, n, bytes.length);
    n += bytes.length;
    return this;
  }

  /** One ASCII character written as it is ({@code ,} {@code :} {@code }} …). */
  public JsonBytes raw(char c) {
    room(1);
    b[n++] = (byte) c;
    return this;
  }

  /** A string literal with its quotes. */
  public JsonBytes string(String s) {
    int len = s.length();
    room(len + 2);
    int at = n;
    b[at++] = '"';
    for (int i = 0; i < len; i++) {
      char c = s.charAt(i);
      if (c >= 0x80 || c < 0x20 || c == '"' || c == '\\') {
        n = at;
        return escapedTail(s, i);
      }
      b[at++] = (byte) c;
    }
    b[at++] = '"';
    n = at;
    return this;
  }

  /**
   * The rest of {@code s} from {@code from}, which is not plain ASCII, and the closing quote:
   * other characters as UTF-8, except surrogates, each written as a {@code \\uXXXX} escape (as
   * Jackson does, pairs included).
   */
  private JsonBytes escapedTail(String s, int from) {
    int len = s.length();
    room(6 * (len - from) + 1);
    for (int i = from; i < len; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        if (c < 0x20 || c == '"' || c == '\\') {
          escapeAscii(c);
        } else {
          b[n++] = (byte) c;
        }
      } else if (c < 0x800) {
        b[n++] = (byte) (0xc0 | c >> 6);
        b[n++] = (byte) (0x80 | c & 0x3f);
      } else if (Character.isSurrogate(c)) {
        b[n++] = '\\';
        b[n++] = 'u';
        b[n++] = HEX[c >> 12];
        b[n++] = HEX[c >> 8 & 0xf];
        b[n++] = HEX[c >> 4 & 0xf];
        b[n++] = HEX[c & 0xf];
      } else {
        b[n++] = (byte) (0xe0 | c >> 12);
        b[n++] = (byte) (0x80 | c >> 6 & 0x3f);
        b[n++] = (byte) (0x80 | c & 0x3f);
      }
    }
    b[n++] = '"';
    return this;
  }

  /** A quote, backslash or control character as its escape; room for six bytes is made by the caller. */
  private void escapeAscii(int c) {
    b[n++] = '\\';
    byte esc = SHORT[c];
    if (esc != 0) {
      b[n++] = esc;
    } else {
      b[n++] = 'u';
      b[n++] = '0';
      b[n++] = '0';
      b[n++] = HEX[c >> 4];
      b[n++] = HEX[c & 0xf];
    }
  }

  /** UTF-8 bytes as a string literal with its quotes: non-ASCII bytes are kept as they are. */
  public JsonBytes utf8String(byte[] src, int from, int to) {
    room(to - from + 2);
    b[n++] = '"';
    escape(src, from, to);
    raw('"');
    return this;
  }

  private void escape(byte[] src, int from, int to) {
    int i = from;
    while (i < to) {
      int plain = PlainAscii.run(src, i, to);
      room(plain - i);
      System.arraycopy(src, i, b, n, plain - i);
      n += plain - i;
      i = plain;
      // bytes above 0x7f stop the run too; they are copied as they are, up to the next run
      while (i < to && src[i] < 0) {
        room(1);
        b[n++] = src[i++];
      }
      if (i < to && (src[i] < 0x20 || src[i] == '"' || src[i] == '\\')) {
        room(6);
        escapeAscii(src[i++]);
      }
    }
  }

  /** An integer. */
  public JsonBytes number(long v) {
    if (v == Long.MIN_VALUE) {
      return raw(Long.toString(v).getBytes(StandardCharsets.US_ASCII));
    }
    room(20);
    if (v < 0) {
      b[n++] = '-';
      v = -v;
    }
    n = digits(v, b, n);
    return this;
  }

  /** The decimal digits of {@code v} (not negative) written at {@code b[at]}; returns where they end. */
  public static int digits(long v, byte[] b, int at) {
    int len = 1;
    for (long x = v; x >= 10; x /= 10) {
      len++;
    }
    for (int i = at + len - 1; i >= at; i--) {
      b[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    return at + len;
  }

  /**
   * A float as its shortest round-trip text ({@link FloatText}); NaN and the infinities, which JSON
   * numbers cannot carry, as the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}.
   */
  public JsonBytes number(float v) {
    if (!Float.isFinite(v)) {
      return string(Float.toString(v));
    }
    room(FloatText.ROOM);
    n = FloatText.write(v, b, n);
    return this;
  }

  /** A double as its shortest round-trip text (Schubfach); not finite: as a string, as for floats. */
  public JsonBytes number(double v) {
    if (!Double.isFinite(v)) {
      return string(Double.toString(v));
    }
    return raw(NumberOutput.toString(v, true).getBytes(StandardCharsets.US_ASCII));
  }

  /** {@code true} or {@code false}. */
  public JsonBytes bool(boolean v) {
    return raw(v ? TRUE : FALSE);
  }

  /** Bytes as a string of standard base64 with padding, as Jackson writes binary values. */
  public JsonBytes base64(byte[] data) {
    byte[] enc = Base64.getEncoder().encode(data); // binary bodies are rare: one copy more is fine
    room(enc.length + 2);
    b[n++] = '"';
    System.arraycopy(enc, 0, b, n, enc.length);
    n += enc.length;
    b[n++] = '"';
    return this;
  }

  /** Empties the buffer for the next document, keeping its array. */
  public JsonBytes reset() {
    n = 0;
    return this;
  }

  /** The bytes written so far. */
  public int length() {
    return n;
  }

  /** The document: a copy of exactly the bytes written. */
  public byte[] toByteArray() {
    return Arrays.copyOf(b, n);
  }

  /** The array written into, valid up to {@link #length()}: for one write without a copy. */
  public byte[] array() {
    return b;
  }

  private void room(int more) {
    if (n + more > b.length) {
      b = Arrays.copyOf(b, Math.max(b.length * 2, n + more));
    }
  }
}

package dev.modelfn.codec;

import java.nio.charset.StandardCharsets;

/**
 * The tokenizer the project's scanners share (AWS events in the Lambda adapter, OIP v2 request
 * headers here): reads a JSON document straight from its bytes,
 * keeping the span of the last string read ({@code start}, {@code end}) instead of building a
 * tree. Strings are skipped with {@link PlainAscii}, as the project's JSON reader does. Whatever
 * a scanner does not expect — malformed JSON, an escape where it wants a plain string — throws
 * {@link #UNREADABLE}, and its caller reads the event as a tree, which also reports what is wrong.
 */
public abstract class JsonScanner {
  private static final int MAX_DEPTH = 64;

  /** Thrown (without a stack) when the event is not one the scanner reads. */
  public static final class Unreadable extends RuntimeException {
    private Unreadable() {
      super(null, null, false, false);
    }
  }

  protected static final Unreadable UNREADABLE = new Unreadable();

  protected final byte[] b;
  /** Where the document ends: the array's end, or where binary data follows a JSON header. */
  protected final int limit;
  protected int i;
  protected int start;
  protected int end;

  protected JsonScanner(byte[] document) {
    this(document, 0, document.length);
  }

  /** A document in {@code [from, to)} of {@code bytes}. */
  protected JsonScanner(byte[] bytes, int from, int to) {
    this.b = bytes;
    this.i = from;
    this.limit = to;
  }

  protected final String text() {
    return new String(b, start, end - start, StandardCharsets.ISO_8859_1);
  }

  protected final boolean is(byte[] word) {
    // the length first: most keys differ from a wanted one in length, and the call costs more
    return end - start == word.length && b[start] == word[0]
        && java.util.Arrays.equals(b, start, end, word, 0, word.length);
  }

  /** Refuses a key read before in the same object: the tree path refuses the document. */
  protected static void once(boolean seen) {
    if (seen) {
      throw UNREADABLE;
    }
  }

  protected final void key() {
    ws();
    string(false);
    ws();
    expect(':');
  }

  /** A string without escapes or non-ASCII bytes (what AWS writes for ids, sources and base64). */
  protected final void plainString() {
    ws();
    string(true);
  }
  /** The text of a plain string (see {@link #plainString}). */
  protected final String plainText() {
    plainString();
    return text();
  }


  /**
   * A string: its span, escapes included as written (keys compared with it are plain words); with
   * {@code plain}, an escape or a non-ASCII byte makes the event unreadable here.
   */
  protected final void string(boolean plain) {
    if (b[i] != '"') {
      throw UNREADABLE;
    }
    int p = PlainAscii.run(b, i + 1, limit); // exactly at the first byte that is not plain
    while (true) {
      if (p >= limit) {
        throw UNREADABLE; // no closing quote before the document's end
      }
      byte c = b[p];
      if (c == '"') {
        break;
      }
      if (c == '\\' && !plain) {
        p = PlainAscii.run(b, Math.min(p + 2, limit), limit);
        continue;
      }
      if (c == '\\' || (c < 0x20 && (plain || c >= 0))) { // negative: non-ASCII, allowed in other strings
        throw UNREADABLE;
      }
      p = PlainAscii.run(b, p + 1, limit);
    }
    start = i + 1;
    end = p;
    i = p + 1;
  }

  /** A number: the digits of an arrival time read directly, anything else by {@code Double.parseDouble}. */
  protected final double number() {
    ws();
    int from = i;
    long whole = 0;
    int digits = 0;
    while (i < limit && b[i] >= '0' && b[i] <= '9' && digits < 12) {
      whole = whole * 10 + (b[i] - '0');
      i++;
      digits++;
    }
    int frac = 0;
    long fracDigits = 0;
    if (digits > 0 && i < limit && b[i] == '.') {
      i++;
      while (i < limit && b[i] >= '0' && b[i] <= '9' && frac < 3) {
        fracDigits = fracDigits * 10 + (b[i] - '0');
        i++;
        frac++;
      }
    }
    if (digits > 0 && (i >= limit || !(b[i] >= '0' && b[i] <= '9') && b[i] != 'e' && b[i] != 'E')) {
      // seconds with up to milliseconds, as Kinesis writes its arrival times: the exact integer of
      // milliseconds (below 2^53) divided by 1000 is the correctly rounded value, as parsing gives
      long millis = whole * 1000 + fracDigits * (frac == 0 ? 1000 : frac == 1 ? 100 : frac == 2 ? 10 : 1);
      return millis / 1000.0;
    }
    i = from;
    while (i < limit && (b[i] == '-' || b[i] == '+' || b[i] == '.' || b[i] == 'e' || b[i] == 'E'
        || (b[i] >= '0' && b[i] <= '9'))) {
      i++;
    }
    if (i == from) {
      throw UNREADABLE;
    }
    try {
      return Double.parseDouble(new String(b, from, i - from, StandardCharsets.ISO_8859_1));
    } catch (NumberFormatException e) {
      throw UNREADABLE;
    }
  }

  protected final void skipValue(int depth) {
    if (depth > MAX_DEPTH) {
      throw UNREADABLE;
    }
    ws();
    byte c = b[i];
    switch (c) {
      case '"' -> string(false);
      case '{' -> {
        i++;
        if (!close('}')) {
          do {
            key();
            skipValue(depth + 1);
          } while (comma('}'));
        }
      }
      case '[' -> {
        i++;
        if (!close(']')) {
          do {
            skipValue(depth + 1);
          } while (comma(']'));
        }
      }
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> skipNumber();
    }
  }

  /** A number the scanner does not need: its JSON grammar checked, its value not computed. */
  protected final void skipNumber() {
    if (b[i] == '-') {
      i++;
    }
    if (b[i] == '0') {
      i++;
    } else {
      digits();
    }
    if (i < limit && b[i] == '.') {
      i++;
      digits();
    }
    if (i < limit && (b[i] == 'e' || b[i] == 'E')) {
      i++;
      if (b[i] == '+' || b[i] == '-') {
        i++;
      }
      digits();
    }
  }

  /** One digit or more. */
  private void digits() {
    int from = i;
    while (i < limit && b[i] >= '0' && b[i] <= '9') {
      i++;
    }
    if (i == from) {
      throw UNREADABLE;
    }
  }

  protected final void literal(String word) {
    for (int k = 0; k < word.length(); k++) {
      if (b[i + k] != word.charAt(k)) {
        throw UNREADABLE;
      }
    }
    i += word.length();
  }

  /** After a member or element: true on a comma (another follows), false on {@code closing}. */
  protected final boolean comma(char closing) {
    ws();
    byte c = b[i++];
    if (c == ',') {
      return true;
    }
    if (c == closing) {
      return false;
    }
    throw UNREADABLE;
  }

  /** Opens an object: true when members follow, false when it is empty (and closed already). */
  protected final boolean object() {
    ws();
    expect('{');
    return !close('}');
  }

  /** True, consuming it, when the next token closes the object or array just opened. */
  protected final boolean close(char closing) {
    ws();
    if (b[i] == closing) {
      i++;
      return true;
    }
    return false;
  }

  protected final void expect(char c) {
    if (b[i] != c) {
      throw UNREADABLE;
    }
    i++;
  }

  protected final void ws() {
    while (i < limit) {
      byte c = b[i];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return;
      }
      i++;
    }
  }

  protected static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}

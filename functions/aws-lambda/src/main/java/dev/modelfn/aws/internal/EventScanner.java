package dev.modelfn.aws.internal;

import dev.modelfn.codec.PlainAscii;
import java.nio.charset.StandardCharsets;

/**
 * The tokenizer the event scanners share: reads an AWS event's JSON straight from its bytes,
 * keeping the span of the last string read ({@code start}, {@code end}) instead of building a
 * tree. Strings are skipped with {@link PlainAscii}, as the project's JSON reader does. Whatever
 * a scanner does not expect — malformed JSON, an escape where it wants a plain string — throws
 * {@link #UNREADABLE}, and its caller reads the event as a tree, which also reports what is wrong.
 */
abstract class EventScanner {
  private static final int MAX_DEPTH = 64;

  /** Thrown (without a stack) when the event is not one the scanner reads. */
  static final class Unreadable extends RuntimeException {
    Unreadable() {
      super(null, null, false, false);
    }
  }

  static final Unreadable UNREADABLE = new Unreadable();

  final byte[] b;
  int i;
  int start;
  int end;

  EventScanner(byte[] event) {
    this.b = event;
  }

  final String text() {
    return new String(b, start, end - start, StandardCharsets.ISO_8859_1);
  }

  final boolean is(byte[] word) {
    // the length first: most keys differ from a wanted one in length, and the call costs more
    return end - start == word.length && b[start] == word[0]
        && java.util.Arrays.equals(b, start, end, word, 0, word.length);
  }

  final void key() {
    ws();
    string(false);
    ws();
    expect(':');
  }

  /** A string without escapes or non-ASCII bytes (what AWS writes for ids, sources and base64). */
  final void plainString() {
    ws();
    string(true);
  }
  /** The text of a plain string (see {@link #plainString}). */
  final String plainText() {
    plainString();
    return text();
  }


  /**
   * A string: its span, escapes included as written (keys compared with it are plain words); with
   * {@code plain}, an escape or a non-ASCII byte makes the event unreadable here.
   */
  final void string(boolean plain) {
    if (b[i] != '"') {
      throw UNREADABLE;
    }
    int p = PlainAscii.run(b, i + 1); // exactly at the first byte that is not plain
    while (true) {
      byte c = b[p];
      if (c == '"') {
        break;
      }
      if (c == '\\' && !plain) {
        p = PlainAscii.run(b, p + 2);
        continue;
      }
      if (c == '\\' || (c < 0x20 && (plain || c >= 0))) { // negative: non-ASCII, allowed in other strings
        throw UNREADABLE;
      }
      p = PlainAscii.run(b, p + 1);
    }
    start = i + 1;
    end = p;
    i = p + 1;
  }

  /** A number: the digits of an arrival time read directly, anything else by {@code Double.parseDouble}. */
  final double number() {
    ws();
    int from = i;
    long whole = 0;
    int digits = 0;
    while (i < b.length && b[i] >= '0' && b[i] <= '9' && digits < 12) {
      whole = whole * 10 + (b[i] - '0');
      i++;
      digits++;
    }
    int frac = 0;
    long fracDigits = 0;
    if (digits > 0 && i < b.length && b[i] == '.') {
      i++;
      while (i < b.length && b[i] >= '0' && b[i] <= '9' && frac < 3) {
        fracDigits = fracDigits * 10 + (b[i] - '0');
        i++;
        frac++;
      }
    }
    if (digits > 0 && (i >= b.length || !(b[i] >= '0' && b[i] <= '9') && b[i] != 'e' && b[i] != 'E')) {
      // seconds with up to milliseconds, as Kinesis writes its arrival times: the exact integer of
      // milliseconds (below 2^53) divided by 1000 is the correctly rounded value, as parsing gives
      long millis = whole * 1000 + fracDigits * (frac == 0 ? 1000 : frac == 1 ? 100 : frac == 2 ? 10 : 1);
      return millis / 1000.0;
    }
    i = from;
    while (i < b.length && (b[i] == '-' || b[i] == '+' || b[i] == '.' || b[i] == 'e' || b[i] == 'E'
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

  final void skipValue(int depth) {
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
  final void skipNumber() {
    if (b[i] == '-') {
      i++;
    }
    if (b[i] == '0') {
      i++;
    } else {
      digits();
    }
    if (i < b.length && b[i] == '.') {
      i++;
      digits();
    }
    if (i < b.length && (b[i] == 'e' || b[i] == 'E')) {
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
    while (i < b.length && b[i] >= '0' && b[i] <= '9') {
      i++;
    }
    if (i == from) {
      throw UNREADABLE;
    }
  }

  final void literal(String word) {
    for (int k = 0; k < word.length(); k++) {
      if (b[i + k] != word.charAt(k)) {
        throw UNREADABLE;
      }
    }
    i += word.length();
  }

  /** After a member or element: true on a comma (another follows), false on {@code closing}. */
  final boolean comma(char closing) {
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
  final boolean object() {
    ws();
    expect('{');
    return !close('}');
  }

  /** True, consuming it, when the next token closes the object or array just opened. */
  final boolean close(char closing) {
    ws();
    if (b[i] == closing) {
      i++;
      return true;
    }
    return false;
  }

  final void expect(char c) {
    if (b[i] != c) {
      throw UNREADABLE;
    }
    i++;
  }

  final void ws() {
    while (i < b.length) {
      byte c = b[i];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return;
      }
      i++;
    }
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}

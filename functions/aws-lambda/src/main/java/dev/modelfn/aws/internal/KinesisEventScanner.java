package dev.modelfn.aws.internal;

import dev.modelfn.codec.PlainAscii;
import dev.modelfn.core.stream.SourceRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Reads the records of a Kinesis event straight from its bytes, without building a tree: strings
 * are scanned eight bytes at a time and the base64 data of each record is decoded where it lies in
 * the event. A Kinesis batch of 500 records is ~400 KB of JSON, most of it base64; the tree and a
 * String for each payload cost about half as much as decoding the records themselves.
 *
 * <p>Strings are skipped with {@link PlainAscii}, as the project's JSON reader does.
 *
 * <p>It reads exactly what Lambda sends for Kinesis: a {@code Records} array of objects whose
 * {@code eventSource} is {@code aws:kinesis}, with {@code eventID} and a {@code kinesis} object
 * holding {@code data}, {@code sequenceNumber} and {@code approximateArrivalTimestamp}; other keys,
 * at any depth, are skipped. Anything else — an SQS record, an escape in one of those strings,
 * malformed JSON — makes it answer null, and the caller reads the event as a tree, which also
 * reports what is wrong.
 */
public final class KinesisEventScanner {
  private static final byte[] RECORDS = ascii("Records");
  private static final byte[] EVENT_SOURCE = ascii("eventSource");
  private static final byte[] EVENT_ID = ascii("eventID");
  private static final byte[] KINESIS = ascii("kinesis");
  private static final byte[] DATA = ascii("data");
  private static final byte[] SEQUENCE = ascii("sequenceNumber");
  private static final byte[] ARRIVAL = ascii("approximateArrivalTimestamp");
  private static final byte[] AWS_KINESIS = ascii("aws:kinesis");
  private static final int MAX_DEPTH = 64;

  private final byte[] b;
  private int i;
  private int start;
  private int end;

  private KinesisEventScanner(byte[] event) {
    this.b = event;
  }

  /** The records of a Kinesis event, or null when this is not one it reads (see the class comment). */
  public static List<SourceRecord> scan(byte[] event) {
    try {
      return new KinesisEventScanner(event).event();
    } catch (Unreadable | IndexOutOfBoundsException e) {
      return null;
    }
  }

  private static final class Unreadable extends RuntimeException {
    Unreadable() {
      super(null, null, false, false);
    }
  }

  private static final Unreadable UNREADABLE = new Unreadable();

  private List<SourceRecord> event() {
    List<SourceRecord> records = null;
    ws();
    expect('{');
    if (!close('}')) {
      do {
        key();
        if (is(RECORDS)) {
          if (records != null) {
            throw UNREADABLE;
          }
          records = records();
        } else {
          skipValue(0);
        }
      } while (comma('}'));
    }
    ws();
    if (i != b.length || records == null) {
      throw UNREADABLE;
    }
    return records;
  }

  private List<SourceRecord> records() {
    List<SourceRecord> out = new ArrayList<>();
    ws();
    expect('[');
    if (close(']')) {
      return out;
    }
    do {
      out.add(record());
    } while (comma(']'));
    return out;
  }

  private SourceRecord record() {
    boolean kinesisSource = false;
    String eventId = null;
    String sequence = null;
    byte[] payload = null;
    double arrival = 0;
    boolean seenKinesis = false;
    ws();
    expect('{');
    if (!close('}')) {
      do {
        key();
        if (is(EVENT_SOURCE)) {
          plainString();
          kinesisSource = is(AWS_KINESIS);
        } else if (is(EVENT_ID)) {
          plainString();
          eventId = text();
        } else if (is(KINESIS)) {
          if (seenKinesis) {
            throw UNREADABLE;
          }
          seenKinesis = true;
          ws();
          expect('{');
          if (!close('}')) {
            do {
              key();
              if (is(DATA)) {
                payload = data();
              } else if (is(SEQUENCE)) {
                plainString();
                sequence = text();
              } else if (is(ARRIVAL)) {
                arrival = number();
              } else {
                skipValue(1);
              }
            } while (comma('}'));
          }
        } else {
          skipValue(1);
        }
      } while (comma('}'));
    }
    if (!kinesisSource || sequence == null || payload == null) {
      throw UNREADABLE;
    }
    return new SourceRecord(sequence, eventId == null ? "" : eventId, Optional.empty(), payload,
        arrival > 0 ? Optional.of(Instant.ofEpochMilli((long) (arrival * 1000))) : Optional.empty());
  }

  /**
   * A record's data, decoded. Lambda's data is base64, so the string's end is found by its closing
   * quote alone (a test per eight bytes): decoding then checks every byte of it, and base64 has no
   * escapes, control or non-ASCII bytes. Text that is not base64 is read again as a plain string
   * (an escape in it makes the event one for the tree path) and kept as it is, to be decoded as
   * poison later, as the tree path does.
   */
  private byte[] data() {
    ws();
    if (b[i] != '"') {
      throw UNREADABLE;
    }
    int from = i + 1;
    int to = PlainAscii.quote(b, from);
    if (to >= b.length) {
      throw UNREADABLE;
    }
    try {
      ByteBuffer d = Base64.getDecoder().decode(ByteBuffer.wrap(b, from, to - from));
      i = to + 1;
      byte[] a = d.array();
      return d.arrayOffset() == 0 && d.remaining() == a.length ? a
          : java.util.Arrays.copyOfRange(a, d.arrayOffset() + d.position(), d.arrayOffset() + d.limit());
    } catch (IllegalArgumentException e) {
      string(true);
      return java.util.Arrays.copyOfRange(b, start, end);
    }
  }

  private String text() {
    return new String(b, start, end - start, StandardCharsets.ISO_8859_1);
  }

  private boolean is(byte[] word) {
    // the length first: most keys differ from a wanted one in length, and the call costs more
    return end - start == word.length && b[start] == word[0]
        && java.util.Arrays.equals(b, start, end, word, 0, word.length);
  }

  private void key() {
    ws();
    string(false);
    ws();
    expect(':');
  }

  /** A string without escapes or non-ASCII bytes (what AWS writes for ids, sources and base64). */
  private void plainString() {
    ws();
    string(true);
  }

  /**
   * A string: its span, escapes included as written (keys compared with it are plain words); with
   * {@code plain}, an escape or a non-ASCII byte makes the event unreadable here.
   */
  private void string(boolean plain) {
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
  private double number() {
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

  private void skipValue(int depth) {
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
      default -> number();
    }
  }

  private void literal(String word) {
    for (int k = 0; k < word.length(); k++) {
      if (b[i + k] != word.charAt(k)) {
        throw UNREADABLE;
      }
    }
    i += word.length();
  }

  /** After a member or element: true on a comma (another follows), false on {@code closing}. */
  private boolean comma(char closing) {
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

  /** True, consuming it, when the next token closes the object or array just opened. */
  private boolean close(char closing) {
    ws();
    if (b[i] == closing) {
      i++;
      return true;
    }
    return false;
  }

  private void expect(char c) {
    if (b[i] != c) {
      throw UNREADABLE;
    }
    i++;
  }

  private void ws() {
    while (i < b.length) {
      byte c = b[i];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return;
      }
      i++;
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}

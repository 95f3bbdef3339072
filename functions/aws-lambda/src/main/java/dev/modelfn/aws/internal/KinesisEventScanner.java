package dev.modelfn.aws.internal;

import dev.modelfn.codec.PlainAscii;
import dev.modelfn.core.stream.SourceRecord;
import java.nio.ByteBuffer;
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
 * <p>It reads exactly what Lambda sends for Kinesis: a {@code Records} array of objects whose
 * {@code eventSource} is {@code aws:kinesis}, with {@code eventID} and a {@code kinesis} object
 * holding {@code data}, {@code sequenceNumber} and {@code approximateArrivalTimestamp}; other keys,
 * at any depth, are skipped. Anything else — an SQS record, an escape in one of those strings,
 * malformed JSON — makes it answer null, and the caller reads the event as a tree, which also
 * reports what is wrong.
 */
public final class KinesisEventScanner extends EventScanner {
  private static final byte[] RECORDS = ascii("Records");
  private static final byte[] EVENT_SOURCE = ascii("eventSource");
  private static final byte[] EVENT_ID = ascii("eventID");
  private static final byte[] KINESIS = ascii("kinesis");
  private static final byte[] DATA = ascii("data");
  private static final byte[] SEQUENCE = ascii("sequenceNumber");
  private static final byte[] ARRIVAL = ascii("approximateArrivalTimestamp");
  private static final byte[] AWS_KINESIS = ascii("aws:kinesis");

  private KinesisEventScanner(byte[] event) {
    super(event);
  }

  /** The records of a Kinesis event, or null when this is not one it reads (see the class comment). */
  public static List<SourceRecord> scan(byte[] event) {
    try {
      return new KinesisEventScanner(event).event();
    } catch (Unreadable | IndexOutOfBoundsException e) {
      return null;
    }
  }

  private List<SourceRecord> event() {
    List<SourceRecord> records = null;
    if (object()) {
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
    if (object()) {
      do {
        key();
        if (is(EVENT_SOURCE)) {
          plainString();
          kinesisSource = is(AWS_KINESIS);
        } else if (is(EVENT_ID)) {
          eventId = plainText();
        } else if (is(KINESIS)) {
          if (seenKinesis) {
            throw UNREADABLE;
          }
          seenKinesis = true;
          if (object()) {
            do {
              key();
              if (is(DATA)) {
                payload = data();
              } else if (is(SEQUENCE)) {
                sequence = plainText();
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
   * quote (or an escape, which sends the event to the tree path) alone, two tests per eight bytes:
   * decoding then checks every byte of it, and base64 has no control or non-ASCII bytes. Text that is not base64 is read again as a plain string
   * (an escape in it makes the event one for the tree path) and kept as it is, to be decoded as
   * poison later, as the tree path does.
   */
  private byte[] data() {
    ws();
    if (b[i] != '"') {
      throw UNREADABLE;
    }
    int from = i + 1;
    int to = PlainAscii.quoteOrBackslash(b, from);
    if (to >= b.length || b[to] != '"') {
      throw UNREADABLE; // an escape: not what Lambda writes; the tree path
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
}

package dev.modelfn.aws.internal;

import dev.modelfn.codec.JsonScanner;
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
public final class KinesisEventScanner extends JsonScanner {
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
    } catch (JsonScanner.Unreadable | IndexOutOfBoundsException e) {
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

  /**
   * What the previous record held at one level (the record, its {@code kinesis} object), by
   * member index: the runs of skipped members, by the index of a run's first member (where the run
   * starts in the event, its length in bytes and how many members it holds), and each member's key
   * (where its {@code "name":} lay, its length, and which key it was). The records of a batch share
   * most of what the scanner skips (the stream's ARN, the region, the event name and version) and
   * their keys come in the same order: bytes equal to a run already read are the same members,
   * skipped with one comparison, and bytes equal to the key read at the same place are that key.
   */
  private static final class Runs {
    static final int MAX = 16;
    final int[] at = new int[MAX];
    final int[] bytes = new int[MAX];
    final int[] members = new int[MAX];
    final int[] keyAt = new int[MAX];
    final int[] keyBytes = new int[MAX];
    final int[] keyId = new int[MAX];
    int open = -1;
    int openAt;
  }

  private final Runs recordRuns = new Runs();
  private final Runs kinesisRuns = new Runs();

  private SourceRecord record() {
    boolean kinesisSource = false;
    String eventId = null;
    String sequence = null;
    byte[] payload = null;
    double arrival = 0;
    boolean seenKinesis = false;
    if (object()) {
      Runs runs = recordRuns;
      runs.open = -1;
      int k = 0;
      do {
        ws();
        int same = same(runs, k);
        if (same > 0) {
          k += same;
          continue;
        }
        int at = i;
        int key = keyOf(runs, k, false);
        if (key == EVENT_SOURCE_KEY) {
          plainString();
          kinesisSource = is(AWS_KINESIS);
          read(runs, k);
        } else if (key == EVENT_ID_KEY) {
          eventId = plainText();
          read(runs, k);
        } else if (key == KINESIS_KEY) {
          if (seenKinesis) {
            throw UNREADABLE;
          }
          seenKinesis = true;
          read(runs, k);
          if (object()) {
            Runs inner = kinesisRuns;
            inner.open = -1;
            int m = 0;
            do {
              ws();
              int sameInner = same(inner, m);
              if (sameInner > 0) {
                m += sameInner;
                continue;
              }
              int innerAt = i;
              int innerKey = keyOf(inner, m, true);
              if (innerKey == DATA_KEY) {
                payload = data();
                read(inner, m);
              } else if (innerKey == SEQUENCE_KEY) {
                sequence = plainText();
                read(inner, m);
              } else if (innerKey == ARRIVAL_KEY) {
                arrival = number();
                read(inner, m);
              } else {
                skipValue(1);
                skipped(inner, m, innerAt);
              }
              m++;
            } while (comma('}'));
          }
        } else {
          skipValue(1);
          skipped(runs, k, at);
        }
        k++;
      } while (comma('}'));
    }
    if (!kinesisSource || sequence == null || payload == null) {
      throw UNREADABLE;
    }
    return new SourceRecord(sequence, eventId == null ? "" : eventId, Optional.empty(), payload,
        arrival > 0 ? Optional.of(Instant.ofEpochMilli((long) (arrival * 1000))) : Optional.empty());
  }

  /**
   * When the bytes from here are those of the previous record's run of skipped members that began
   * at member {@code k}, followed by the end of a member: past them, how many members they are;
   * else 0. The bytes were read as whole members there, so they are the same members here.
   */
  private int same(Runs runs, int k) {
    if (k >= Runs.MAX) {
      return 0;
    }
    int n = runs.bytes[k];
    if (n == 0) {
      return 0;
    }
    int from = runs.at[k];
    if (!sameBytes(from, n)) {
      return 0;
    }
    byte next = b[i + n]; // a number or a literal may go on here where it ended there
    if (next != ',' && next != '}' && next != ' ' && next != '\n' && next != '\r' && next != '\t') {
      return 0;
    }
    runs.open = -1;
    runs.at[k] = i;
    i += n;
    return runs.members[k];
  }

  /** True when the {@code n} bytes from here are those from {@code from}, with a byte after them. */
  private boolean sameBytes(int from, int n) {
    return i + n < b.length && java.util.Arrays.equals(b, i, i + n, b, from, from + n);
  }

  /** Member {@code k}, from {@code at} to here, was skipped: it opens a run, or extends the open one. */
  private void skipped(Runs runs, int k, int at) {
    int r = runs.open;
    if (r < 0) {
      if (k >= Runs.MAX) {
        return;
      }
      runs.open = r = k;
      runs.openAt = at;
      runs.at[k] = at;
      runs.members[k] = 0;
    }
    runs.bytes[r] = i - runs.openAt;
    runs.members[r]++;
  }

  /** Which key a member has, at either level: one the scanner reads, or another (skipped). */
  private static final int OTHER_KEY = 1;
  private static final int EVENT_SOURCE_KEY = 2;
  private static final int EVENT_ID_KEY = 3;
  private static final int KINESIS_KEY = 4;
  private static final int DATA_KEY = 5;
  private static final int SEQUENCE_KEY = 6;
  private static final int ARRIVAL_KEY = 7;

  /**
   * The key of member {@code k} (at the record's level, or with {@code inner} its {@code kinesis}
   * object's), past its colon: the previous record's key at {@code k} when the bytes are the same,
   * else read and compared with the keys the scanner wants.
   */
  private int keyOf(Runs runs, int k, boolean inner) {
    int at = i;
    if (k < Runs.MAX) {
      int n = runs.keyBytes[k];
      int from = runs.keyAt[k];
      if (n > 0 && sameBytes(from, n)) {
        runs.keyAt[k] = i;
        i += n;
        return runs.keyId[k];
      }
    }
    key();
    int id = inner ? (is(DATA) ? DATA_KEY : is(SEQUENCE) ? SEQUENCE_KEY : is(ARRIVAL) ? ARRIVAL_KEY : OTHER_KEY)
        : (is(EVENT_SOURCE) ? EVENT_SOURCE_KEY : is(EVENT_ID) ? EVENT_ID_KEY : is(KINESIS) ? KINESIS_KEY : OTHER_KEY);
    if (k < Runs.MAX) {
      runs.keyAt[k] = at;
      runs.keyBytes[k] = i - at;
      runs.keyId[k] = id;
    }
    return id;
  }

  /** Member {@code k} was read: no run starts there. */
  private static void read(Runs runs, int k) {
    runs.open = -1;
    if (k < Runs.MAX) {
      runs.bytes[k] = 0;
    }
  }

  /**
   * A record's data, decoded. Lambda writes it as padded base64, whose length is a multiple of
   * four: the closing quote is looked for at every fourth byte only, and the decoder, which checks
   * every byte, confirms it (a quote the look-up stepped over, an escape or a non-base64 byte in
   * the span makes it refuse). Otherwise the string's end is found by its closing quote (or an
   * escape, which sends the event to the tree path) and decoded again; text that is not base64 is
   * read again as a plain string (an escape in it makes the event one for the tree path) and kept
   * as it is, to be decoded as poison later, as the tree path does.
   */
  private byte[] data() {
    ws();
    if (b[i] != '"') {
      throw UNREADABLE;
    }
    int from = i + 1;
    int q = from;
    while (q < b.length && b[q] != '"') {
      q += 4;
    }
    if (q < b.length) {
      byte[] d = decoded(from, q);
      if (d != null) {
        i = q + 1;
        return d;
      }
    }
    int to = PlainAscii.quoteOrBackslash(b, from);
    if (to >= b.length || b[to] != '"') {
      throw UNREADABLE; // an escape: not what Lambda writes; the tree path
    }
    byte[] d = decoded(from, to);
    if (d != null) {
      i = to + 1;
      return d;
    }
    i = from - 1;
    string(true);
    return java.util.Arrays.copyOfRange(b, start, end);
  }

  /** The base64 text from {@code from} to {@code to} decoded, or null when it is not base64. */
  private byte[] decoded(int from, int to) {
    try {
      ByteBuffer d = Base64.getDecoder().decode(ByteBuffer.wrap(b, from, to - from));
      byte[] a = d.array();
      return d.arrayOffset() == 0 && d.position() == 0 && d.remaining() == a.length ? a
          : java.util.Arrays.copyOfRange(a, d.arrayOffset() + d.position(), d.arrayOffset() + d.limit());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}

package dev.modelfn.core.batch;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into records (lines) and knows where each starts: the byte offset in the
 * (decompressed) stream and the line number, which is what a resumed run seeks to. In CSV mode a
 * line break inside a quoted field does not end the record (RFC 4180). CR LF and LF both end
 * lines; a UTF-8 byte order mark at the very start is skipped; blank lines are not records.
 */
final class RecordSplitter {
  private final InputStream in;
  private final boolean quotes;
  private byte[] buf = new byte[64 * 1024];
  private int pos;
  private int len;
  private long bufStart; // stream offset of buf[0]
  private long line;
  private boolean eof;
  private boolean checkedBom;

  // the current record
  byte[] bytes = new byte[256];
  int length;
  long offset;
  long startLine;
  /** Offset and line just after the current record: where the next one starts. */
  long nextOffset;
  long nextLine;

  /**
   * @param offset the stream offset the input starts at (a resumed run)
   * @param line the line number of the input's first byte
   */
  RecordSplitter(InputStream in, boolean csvQuotes, long offset, long line) {
    this.in = in;
    this.quotes = csvQuotes;
    this.bufStart = offset;
    this.line = line;
    this.checkedBom = offset > 0;
    this.nextOffset = offset;
    this.nextLine = line;
  }

  /** Moves to the next non-blank record; false at the end of the stream. */
  boolean next() throws IOException {
    while (true) {
      if (!fill()) {
        return false;
      }
      if (!checkedBom) {
        checkedBom = true;
        if (len - pos >= 3 && (buf[pos] & 0xff) == 0xEF && (buf[pos + 1] & 0xff) == 0xBB
            && (buf[pos + 2] & 0xff) == 0xBF) {
          pos += 3;
        }
      }
      offset = bufStart + pos;
      startLine = line;
      length = 0;
      boolean inQuotes = false;
      boolean justClosed = false; // the last byte closed a quoted field (a quote right after it escapes one: "")
      boolean ended = false;
      while (!ended) {
        if (!fill()) {
          break;
        }
        // copy the run up to the next byte that matters (a line feed, or a quote in CSV) in one go
        int run = quotes ? LineScan.lineFeedOrQuote(buf, pos, len) : LineScan.lineFeed(buf, pos, len);
        if (run > pos) {
          appendRun(pos, run - pos);
          justClosed = false;
          pos = run;
          continue;
        }
        byte c = buf[pos++];
        if (c == '"') {
          if (inQuotes) {
            inQuotes = false;
            justClosed = true;
          } else if (length == 0 || bytes[length - 1] == ',' || justClosed) {
            // a quote opens a quoted field only at the field's start (a comma before it is outside
            // quotes, or it would still be in them), or escapes one right after a closing quote
            inQuotes = true;
            justClosed = false;
          } else {
            justClosed = false; // a stray quote inside an unquoted field is a character
          }
          append(c);
        } else { // a line feed
          line++;
          justClosed = false;
          if (inQuotes) {
            append(c);
          } else {
            ended = true;
          }
        }
      }
      if (length > 0 && bytes[length - 1] == '\r') {
        length--;
      }
      nextOffset = bufStart + pos;
      nextLine = line;
      if (length > 0 && !blank()) {
        return true;
      }
      if (!ended && !fill()) {
        return false;
      }
    }
  }

  private boolean blank() {
    for (int i = 0; i < length; i++) {
      byte b = bytes[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  private void appendRun(int from, int n) {
    if (length + n > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + n));
    }
    System.arraycopy(buf, from, bytes, length, n);
    length += n;
  }

  private void append(byte c) {
    if (length == bytes.length) {
      bytes = Arrays.copyOf(bytes, bytes.length * 2);
    }
    bytes[length++] = c;
  }

  private boolean fill() throws IOException {
    if (pos < len) {
      return true;
    }
    if (eof) {
      return false;
    }
    bufStart += len;
    pos = 0;
    len = 0;
    while (len == 0) {
      int n = in.read(buf, 0, buf.length);
      if (n < 0) {
        eof = true;
        return false;
      }
      len = n;
    }
    return true;
  }
}

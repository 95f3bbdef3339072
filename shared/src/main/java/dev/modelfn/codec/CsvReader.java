package dev.modelfn.codec;

import dev.modelfn.errors.InvalidInputException;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Streaming RFC 4180 CSV reader: quoted fields with {@code ""} escapes and embedded line breaks,
 * CRLF or LF line ends, and a leading UTF-8 byte order mark. Reads one record at a time, so files
 * larger than memory can be read with a buffered {@link Reader}.
 */
public final class CsvReader {
  private final Reader in;
  private final char[] buf = new char[8192];
  private int pos;
  private int len;
  private long line = 1;
  private long recordLine;
  private boolean first = true;
  private final StringBuilder field = new StringBuilder(32);

  public CsvReader(Reader in) {
    this.in = in;
  }

  /** Line number (1-based) on which the record last returned by {@link #next()} started. */
  public long recordLine() {
    return recordLine;
  }

  /**
   * The next record, or {@code null} at the end of input. Blank lines are skipped.
   *
   * @throws InvalidInputException on an unterminated quoted field or text after a closing quote
   */
  public List<String> next() {
    try {
      if (first) {
        first = false;
        if (fill() && buf[pos] == '\uFEFF') {
          pos++;
        }
      }
      while (true) {
        if (!fill()) {
          return null;
        }
        char c = buf[pos];
        if (c == '\n') {
          pos++;
          line++;
          continue;
        }
        if (c == '\r') {
          pos++;
          if (fill() && buf[pos] == '\n') {
            pos++;
          }
          line++;
          continue;
        }
        break;
      }
      recordLine = line;
      List<String> record = new ArrayList<>();
      while (true) {
        field.setLength(0);
        boolean endOfRecord = readField();
        record.add(field.toString());
        if (endOfRecord) {
          return record;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads one field into {@link #field}; returns true when it ended the record. */
  private boolean readField() throws IOException {
    if (fill() && buf[pos] == '"') {
      pos++;
      long startLine = line;
      while (true) {
        if (!fill()) {
          throw new InvalidInputException("/rows/line/" + recordLine, "a closing quote for the field opened on line "
              + startLine, "the end of the input");
        }
        char c = buf[pos++];
        if (c == '"') {
          if (fill() && buf[pos] == '"') {
            field.append('"');
            pos++;
            continue;
          }
          break;
        }
        if (c == '\n') {
          line++;
        }
        field.append(c);
      }
      if (!fill()) {
        return true;
      }
      char c = buf[pos];
      if (c == ',') {
        pos++;
        return false;
      }
      if (c == '\r' || c == '\n') {
        consumeLineEnd();
        return true;
      }
      throw new InvalidInputException("/rows/line/" + recordLine, "a comma or line end after a closing quote",
          "'" + c + "'");
    }
    while (true) {
      if (!fill()) {
        return true;
      }
      char c = buf[pos];
      if (c == ',') {
        pos++;
        return false;
      }
      if (c == '\r' || c == '\n') {
        consumeLineEnd();
        return true;
      }
      field.append(c);
      pos++;
    }
  }

  private void consumeLineEnd() throws IOException {
    char c = buf[pos++];
    if (c == '\r' && fill() && buf[pos] == '\n') {
      pos++;
    }
    line++;
  }

  private boolean fill() throws IOException {
    if (pos < len) {
      return true;
    }
    len = in.read(buf, 0, buf.length);
    pos = 0;
    if (len <= 0) {
      len = 0;
      return false;
    }
    return true;
  }
}

package dev.modelfn.codec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.modelfn.errors.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * CSV records read with Jackson's streaming CSV parser (RFC 4180: quoted fields with {@code ""}
 * escapes and line breaks, CRLF or LF line ends, a UTF-8 byte order mark, blank lines skipped), one
 * record at a time as its list of fields. Malformed CSV is an {@link InvalidInputException} naming
 * the line.
 */
public final class CsvRecords implements AutoCloseable {
  private static final CsvFactory FACTORY = CsvFactory.builder()
      .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
      .disable(CsvParser.Feature.ALLOW_TRAILING_COMMA)
      .build();
  private static final CsvSchema SCHEMA = CsvSchema.emptySchema();

  private final CsvParser parser;
  private long recordLine;

  private CsvRecords(CsvParser parser) {
    this.parser = parser;
    parser.setSchema(SCHEMA);
  }

  /** The records of {@code length} bytes of UTF-8 CSV from {@code offset}. */
  public static CsvRecords of(byte[] bytes, int offset, int length) {
    try {
      return new CsvRecords(FACTORY.createParser(bytes, offset, length));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The fields of one record's bytes (a header line, or a record with quoted fields). */
  public static List<String> fields(byte[] bytes, int length) {
    try (CsvRecords r = of(bytes, 0, length)) {
      List<String> first = r.next();
      if (first == null) {
        return List.of("");
      }
      if (r.next() != null) {
        throw new InvalidInputException("", "one CSV record", "more than one (a line break outside quotes)");
      }
      return first;
    }
  }

  /** The next record's fields, or null at the end. */
  public List<String> next() {
    try {
      JsonToken t = parser.nextToken();
      if (t == null) {
        return null;
      }
      if (t != JsonToken.START_ARRAY) {
        throw new IllegalStateException("a CSV record should start an array, not " + t);
      }
      List<String> fields = new ArrayList<>();
      for (t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
        if (t == null) {
          throw new InvalidInputException("", "a complete CSV record", "the end of the input");
        }
        if (fields.isEmpty()) {
          recordLine = parser.currentTokenLocation().getLineNr(); // where the record's first field starts
        }
        fields.add(parser.getText());
      }
      return fields;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new InvalidInputException("", "valid CSV (RFC 4180)", e.getOriginalMessage()
          + (at == null ? "" : " on line " + at.getLineNr()), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The line (1-based) on which the record last returned by {@link #next()} started. */
  public long recordLine() {
    return recordLine;
  }

  @Override
  public void close() {
    try {
      parser.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

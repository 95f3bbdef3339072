package dev.modelfn.core.batch;

import dev.modelfn.errors.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The fields of one CSV record (RFC 4180: quoted fields, {@code ""} for a quote, line breaks inside quotes). */
final class CsvFields {
  private CsvFields() {}

  static List<String> split(byte[] b, int length) {
    List<String> out = new ArrayList<>();
    int i = 0;
    StringBuilder quoted = null;
    while (true) {
      if (i < length && b[i] == '"') {
        quoted = quoted == null ? new StringBuilder() : quoted;
        quoted.setLength(0);
        int start = ++i;
        java.io.ByteArrayOutputStream field = new java.io.ByteArrayOutputStream();
        while (true) {
          if (i >= length) {
            throw new InvalidInputException("", "a closing quote", "the end of the record");
          }
          if (b[i] == '"') {
            if (i + 1 < length && b[i + 1] == '"') {
              field.write(b, start, i + 1 - start);
              i += 2;
              start = i;
              continue;
            }
            field.write(b, start, i - start);
            i++;
            break;
          }
          i++;
        }
        out.add(field.toString(StandardCharsets.UTF_8));
        if (i < length && b[i] != ',') {
          throw new InvalidInputException("", "a comma after a closing quote", "'" + (char) b[i] + "'");
        }
      } else {
        int start = i;
        while (i < length && b[i] != ',') {
          i++;
        }
        out.add(new String(b, start, i - start, StandardCharsets.UTF_8));
      }
      if (i >= length) {
        return out;
      }
      i++; // the comma
      if (i == length) {
        out.add("");
        return out;
      }
    }
  }
}

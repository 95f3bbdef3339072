package dev.modelfn.codec;

/** RFC 4180 quoting for CSV output. */
public final class CsvWriter {
  private CsvWriter() {}

  /** Quotes a cell when it holds a comma, quote or line break. */
  public static String escape(String cell) {
    boolean needs = false;
    for (int i = 0; i < cell.length(); i++) {
      char c = cell.charAt(i);
      if (c == ',' || c == '"' || c == '\n' || c == '\r') {
        needs = true;
        break;
      }
    }
    return needs ? '"' + cell.replace("\"", "\"\"") + '"' : cell;
  }
}

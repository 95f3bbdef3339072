package dev.modelfn.telemetry;

/** Appends JSON strings and numbers to a builder, for the log and metric lines written per request. */
final class JsonText {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private JsonText() {}

  static void string(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }

  /** A finite number as JSON; NaN and infinities (which JSON cannot carry) as null. */
  static void number(StringBuilder b, double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      b.append("null");
    } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      b.append((long) v);
    } else {
      b.append(v);
    }
  }

  /** Nanoseconds as milliseconds rounded to the microsecond: {@code 73456} → {@code 0.073}. */
  static void millis(StringBuilder b, long nanos) {
    long micros = (Math.abs(nanos) + 500) / 1000;
    if (nanos < 0 && micros > 0) {
      b.append('-');
    }
    b.append(micros / 1000);
    long frac = micros % 1000;
    if (frac != 0) {
      b.append('.');
      if (frac < 100) {
        b.append('0');
      }
      if (frac < 10) {
        b.append('0');
      }
      // trailing zeros dropped, as a JSON number reads the same either way
      while (frac % 10 == 0) {
        frac /= 10;
      }
      b.append(frac);
    }
  }
}

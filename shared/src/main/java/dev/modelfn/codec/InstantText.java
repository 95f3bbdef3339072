package dev.modelfn.codec;

import java.time.Instant;

/**
 * An {@link Instant} as ISO-8601 text in UTC, written as ASCII bytes straight into a buffer: the
 * same text as {@code Instant.toString()} ({@code 2026-11-24T06:00:00.123Z}: seconds always, the
 * fraction in groups of three digits only as far as it is non-zero), without the formatter and
 * the Strings it builds. Stream predictions carry their source record's arrival time, which
 * differs from record to record; formatting it with {@code toString} took a sixth of a batch's
 * bookkeeping.
 *
 * <p>Years 0000 to 9999 are written here (days to a civil date with H. Hinnant's
 * {@code civil_from_days}); any other instant goes through {@code toString}.
 */
public final class InstantText {
  /** Bytes an instant can take: {@code +1000000000-12-31T23:59:59.999999999Z}. */
  public static final int MAX_LENGTH = 40;

  private static final long MIN_SECOND = -62_167_219_200L; // 0000-01-01T00:00:00Z
  private static final long MAX_SECOND = 253_402_300_799L; // 9999-12-31T23:59:59Z
  private static final int DATE_TIME = 19; // yyyy-MM-ddTHH:mm:ss

  private InstantText() {}

  /** Writes {@code t} at {@code b[at]} (room for {@link #MAX_LENGTH} bytes needed); returns the end. */
  public static int write(Instant t, byte[] b, int at) {
    long s = t.getEpochSecond();
    if (s < MIN_SECOND || s > MAX_SECOND) {
      String text = t.toString();
      for (int k = 0; k < text.length(); k++) {
        b[at + k] = (byte) text.charAt(k);
      }
      return at + text.length();
    }
    return fractionAndZone(t.getNano(), b, dateTime(s, b, at));
  }

  /**
   * Writes instants that mostly share their second, as the records of one stream batch do: the
   * date and time of the last second written are kept and copied, only the fraction is written
   * each time. One per thread.
   */
  public static final class Writer {
    private long second = Long.MIN_VALUE;
    private final byte[] text = new byte[DATE_TIME];

    /** As {@link InstantText#write}. */
    public int write(Instant t, byte[] b, int at) {
      long s = t.getEpochSecond();
      if (s != second) {
        if (s < MIN_SECOND || s > MAX_SECOND) {
          return InstantText.write(t, b, at);
        }
        dateTime(s, text, 0);
        second = s;
      }
      System.arraycopy(text, 0, b, at, DATE_TIME);
      return fractionAndZone(t.getNano(), b, at + DATE_TIME);
    }
  }

  /** {@code yyyy-MM-ddTHH:mm:ss} of an epoch second in years 0000 to 9999. */
  private static int dateTime(long s, byte[] b, int at) {
    long days = Math.floorDiv(s, 86_400L);
    int secondOfDay = (int) (s - days * 86_400L);
    // civil_from_days: eras of 400 years (146,097 days) counted from 0000-03-01
    long z = days + 719_468L;
    long era = Math.floorDiv(z, 146_097L);
    int doe = (int) (z - era * 146_097L);
    int yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    int day = doy - (153 * mp + 2) / 5 + 1;
    int month = mp < 10 ? mp + 3 : mp - 9;
    int year = (int) (yoe + era * 400) + (month <= 2 ? 1 : 0);
    int n = at;
    n = digits(year, 4, b, n);
    b[n++] = '-';
    n = digits(month, 2, b, n);
    b[n++] = '-';
    n = digits(day, 2, b, n);
    b[n++] = 'T';
    n = digits(secondOfDay / 3600, 2, b, n);
    b[n++] = ':';
    n = digits(secondOfDay / 60 % 60, 2, b, n);
    b[n++] = ':';
    return digits(secondOfDay % 60, 2, b, n);
  }

  /** The fraction, in groups of three digits as far as it is non-zero, and {@code Z}. */
  private static int fractionAndZone(int nano, byte[] b, int at) {
    int n = at;
    if (nano != 0) {
      b[n++] = '.';
      if (nano % 1_000_000 == 0) {
        n = digits(nano / 1_000_000, 3, b, n);
      } else if (nano % 1000 == 0) {
        n = digits(nano / 1000, 6, b, n);
      } else {
        n = digits(nano, 9, b, n);
      }
    }
    b[n++] = 'Z';
    return n;
  }

  /** {@code v} (non-negative) in exactly {@code width} digits, zero-padded. */
  private static int digits(int v, int width, byte[] b, int at) {
    for (int k = at + width - 1; k >= at; k--) {
      b[k] = (byte) ('0' + v % 10);
      v /= 10;
    }
    return at + width;
  }
}

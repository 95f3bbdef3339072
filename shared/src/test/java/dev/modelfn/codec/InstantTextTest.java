package dev.modelfn.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InstantTextTest {
  /** The reference: {@code Instant.toString()}. */
  private static void same(Instant t) {
    byte[] b = new byte[InstantText.MAX_LENGTH + 4];
    int end = InstantText.write(t, b, 3);
    String got = new String(b, 3, end - 3, StandardCharsets.ISO_8859_1);
    if (!got.equals(t.toString())) {
      assertThat(got).as("%d s %d ns", t.getEpochSecond(), t.getNano()).isEqualTo(t.toString());
    }
  }

  private static String text(Instant t) {
    byte[] b = new byte[InstantText.MAX_LENGTH];
    return new String(b, 0, InstantText.write(t, b, 0), StandardCharsets.US_ASCII);
  }

  @Test
  void layouts() {
    assertThat(text(Instant.EPOCH))
        .isEqualTo("1970-01-01T00:00:00Z");
    assertThat(text(Instant.ofEpochMilli(1_795_500_000_123L)))
        .isEqualTo("2026-11-24T06:00:00.123Z");
    assertThat(text(Instant.ofEpochSecond(0, 1_000)))
        .isEqualTo("1970-01-01T00:00:00.000001Z");
    assertThat(text(Instant.ofEpochSecond(-1, 999_999_999)))
        .isEqualTo("1969-12-31T23:59:59.999999999Z");
  }

  @Test
  void edgesOfTheCalendarAndOfTheFastRange() {
    for (String s : new String[] {"0000-01-01T00:00:00Z", "0000-02-29T12:00:00Z", "1600-02-29T00:00:00Z",
        "1900-02-28T23:59:59Z", "1900-03-01T00:00:00Z", "2000-02-29T00:00:00Z", "2100-03-01T00:00:00Z",
        "9999-12-31T23:59:59.999999999Z", "0001-01-01T00:00:00.5Z"}) {
      same(Instant.parse(s));
    }
    // outside years 0000-9999: the toString route, signs included
    same(Instant.parse("0000-01-01T00:00:00Z").minusNanos(1));
    same(Instant.parse("9999-12-31T23:59:59.999999999Z").plusNanos(1));
    same(Instant.MIN);
    same(Instant.MAX);
    byte[] b = new byte[InstantText.MAX_LENGTH];
    assertThat(InstantText.write(Instant.MAX, b, 0)).isLessThanOrEqualTo(InstantText.MAX_LENGTH);
    assertThat(InstantText.write(Instant.MIN, b, 0)).isLessThanOrEqualTo(InstantText.MAX_LENGTH);
  }

  /** The writer that keeps its last second gives the same text, whatever the order of the seconds. */
  @Test
  void theWriterOfSharedSecondsWritesWhatWriteDoes() {
    InstantText.Writer w = new InstantText.Writer();
    SplittableRandom r = new SplittableRandom(12);
    long s = 1_795_500_000L;
    byte[] b = new byte[InstantText.MAX_LENGTH + 2];
    for (int k = 0; k < 200_000; k++) {
      s += switch (r.nextInt(10)) {
        case 0 -> 1;
        case 1 -> -1;
        case 2 -> r.nextLong(-400L * 365 * 86_400, 400L * 365 * 86_400);
        default -> 0;
      };
      Instant t = k % 1000 == 7 ? (k % 2 == 0 ? Instant.MAX : Instant.MIN)
          : Instant.ofEpochSecond(Math.floorMod(s, 253_402_300_800L), r.nextInt(4) == 0 ? 0 : r.nextInt(1000) * 1_000_000);
      int end = w.write(t, b, 1);
      String got = new String(b, 1, end - 1, StandardCharsets.ISO_8859_1);
      if (!got.equals(t.toString())) {
        assertThat(got).isEqualTo(t.toString());
      }
    }
  }

  @Test
  void everyDayOfTheFastRangeAndRandomInstants() {
    long first = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond() / 86_400;
    long last = Instant.parse("9999-12-31T00:00:00Z").getEpochSecond() / 86_400;
    for (long d = first; d <= last; d++) {
      same(Instant.ofEpochSecond(d * 86_400 + (d & 1) * 86_399));
    }
    SplittableRandom r = new SplittableRandom(11);
    for (int k = 0; k < 500_000; k++) {
      long s = r.nextLong(-62_167_219_200L, 253_402_300_800L);
      int nano = switch (k % 4) {
        case 0 -> 0;
        case 1 -> r.nextInt(1000) * 1_000_000;
        case 2 -> r.nextInt(1_000_000) * 1000;
        default -> r.nextInt(1_000_000_000);
      };
      same(Instant.ofEpochSecond(s, nano));
    }
    for (int k = 0; k < 100_000; k++) {
      same(Instant.ofEpochMilli(1_795_500_000_000L + r.nextLong(10_000_000_000L)));
    }
  }
}

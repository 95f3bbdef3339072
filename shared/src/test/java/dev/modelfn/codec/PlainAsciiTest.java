package dev.modelfn.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PlainAsciiTest {
  /** The first quote or backslash from every start, in buffers of every short length with quotes, bytes above 0x7f and zeros. */
  @Test
  void quoteOrBackslashFindsTheFirstFromEveryStart() {
    SplittableRandom r = new SplittableRandom(3);
    byte[] alphabet = {'"', '"', 'A', '!', '#', (byte) 0x80, (byte) 0xff, 0, 0x21, 0x23, '\\', '='};
    for (int len = 0; len <= 40; len++) {
      for (int k = 0; k < 300; k++) {
        byte[] b = new byte[len];
        for (int j = 0; j < len; j++) {
          b[j] = r.nextInt(4) == 0 ? alphabet[r.nextInt(alphabet.length)] : (byte) r.nextInt(256);
        }
        for (int from = 0; from <= len; from++) {
          int want = from;
          while (want < len && b[want] != '"' && b[want] != '\\') {
            want++;
          }
          assertThat(PlainAscii.quoteOrBackslash(b, from)).isEqualTo(want);
        }
      }
    }
  }

  /** Exactly at the first byte that is a quote, a backslash, below 0x20 or above 0x7f, from every start. */
  @Test
  void runStopsExactlyAtTheFirstByteThatIsNotPlain() {
    SplittableRandom r = new SplittableRandom(4);
    for (int k = 0; k < 20_000; k++) {
      byte[] b = new byte[r.nextInt(64)];
      for (int j = 0; j < b.length; j++) {
        b[j] = (byte) (r.nextInt(12) == 0 ? r.nextInt(256) : 0x20 + r.nextInt(0x60));
      }
      for (int from = 0; from <= b.length; from++) {
        int want = from;
        while (want < b.length && b[want] >= 0x20 && b[want] != '"' && b[want] != '\\') {
          want++;
        }
        assertThat(PlainAscii.run(b, from)).as("from %d", from).isEqualTo(want);
      }
    }
    for (int c = 0; c < 256; c++) {
      boolean plain = c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
      for (int at = 0; at < 8; at++) {
        long w = 0x4141414141414141L & ~(0xffL << (8 * at)) | ((long) c << (8 * at));
        assertThat(PlainAscii.special(w) == 0).as("byte %02x at %d", c, at).isEqualTo(plain);
      }
    }
  }
}

package dev.modelfn.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DecimalsTest {
  private static double parse(String s) {
    byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
    return Decimals.parse(b, 0, b.length);
  }

  @Test
  void agreesWithDoubleParseDoubleBitForBit() {
    SplittableRandom rng = new SplittableRandom(42);
    String[] fixed = {"0", "-0", "0.0", "1", "-1", "+2.5", "00012.3400", "0.1", "0.3", "123456789012345",
        "1234567890123456", "9007199254740993", "0.000000000000000000001", "1e5", "-2.5E-3", "Infinity", "NaN",
        "3.4028235677973366E38", ".5", "5.", "108.56", "0.259"};
    for (String s : fixed) {
      assertThat(Double.doubleToRawLongBits(parse(s))).as(s).isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(s)));
    }
    for (int i = 0; i < 200_000; i++) {
      String s;
      switch (rng.nextInt(3)) {
        case 0 -> s = Long.toString(rng.nextLong(1_000_000_000_000L)) + "." + rng.nextInt(100_000);
        case 1 -> s = Double.toString(rng.nextDouble() * Math.pow(10, rng.nextInt(12)));
        default -> s = (rng.nextBoolean() ? "-" : "") + rng.nextInt(100_000) + "." + String.format("%03d",
            rng.nextInt(1000));
      }
      assertThat(Double.doubleToRawLongBits(parse(s))).as(s).isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(s)));
    }
  }

  @Test
  void rejectsWhatParseDoubleRejects() {
    for (String s : new String[] {"", "-", ".", "1.2.3", "abc", "1,5", "--1"}) {
      assertThatThrownBy(() -> parse(s)).as(s).isInstanceOf(NumberFormatException.class);
    }
  }
}

package dev.modelfn.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.io.NumberOutput;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FloatTextTest {
  /** The reference: Jackson's float writer, which gives {@code Float.toString}'s text of JDK 19 and later. */
  private static void same(float v) {
    String want = NumberOutput.toString(v, true);
    byte[] b = new byte[2 + FloatText.ROOM]; // exactly the room it asks for
    b[0] = b[1] = 'x';
    int end = FloatText.write(v, b, 2);
    if (b[0] != 'x' || b[1] != 'x') {
      assertThat(new String(b, 0, 2, java.nio.charset.StandardCharsets.ISO_8859_1)).as("before the text").isEqualTo("xx");
    }
    String got = new String(b, 2, end - 2, java.nio.charset.StandardCharsets.ISO_8859_1);
    if (!got.equals(want)) {
      assertThat(got).as("bits %08x", Float.floatToRawIntBits(v)).isEqualTo(want);
    }
  }

  @Test
  void specialValuesAndLayouts() {
    assertThat(FloatText.toString(0f)).isEqualTo("0.0");
    assertThat(FloatText.toString(-0f)).isEqualTo("-0.0");
    assertThat(FloatText.toString(Float.NaN)).isEqualTo("NaN");
    assertThat(FloatText.toString(Float.POSITIVE_INFINITY)).isEqualTo("Infinity");
    assertThat(FloatText.toString(Float.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
    assertThat(FloatText.toString(1f)).isEqualTo("1.0");
    assertThat(FloatText.toString(0.001f)).isEqualTo("0.001");
    assertThat(FloatText.toString(1.0E-4f)).isEqualTo("1.0E-4");
    assertThat(FloatText.toString(9999999f)).isEqualTo("9999999.0");
    assertThat(FloatText.toString(1.0E7f)).isEqualTo("1.0E7");
    assertThat(FloatText.toString(0.1f)).isEqualTo("0.1");
    assertThat(FloatText.toString(0.97312415f)).isEqualTo("0.97312415");
    assertThat(FloatText.toString(Float.MIN_VALUE)).isEqualTo("1.4E-45");
    assertThat(FloatText.toString(Float.MAX_VALUE)).isEqualTo("3.4028235E38");
    assertThat(FloatText.toString(-Float.MIN_NORMAL)).isEqualTo("-1.1754944E-38");
  }

  /** Every number below 10^8: its eight digits, the first in the lowest byte. */
  @Test
  void eightDigitsAtOnceForEveryNumberBelowAHundredMillion() {
    for (int v = 0; v < 100_000_000; v++) {
      long got = FloatText.eight(v);
      long want = 0;
      int x = v;
      for (int k = 7; k >= 0; k--) {
        want |= (long) (x % 10) << (8 * k);
        x /= 10;
      }
      if (got != want) {
        assertThat(Long.toHexString(got)).as("%d", v).isEqualTo(Long.toHexString(want));
      }
    }
  }

  @Test
  void theMaxLengthIsEnough() {
    assertThat(FloatText.toString(-1.2345678E-38f)).hasSizeLessThanOrEqualTo(FloatText.MAX_LENGTH);
  }

  @Test
  void agreesWithTheReferenceOnEveryPowerOfTwoSubnormalEdgeAndNeighbour() {
    for (int bq = 0; bq < 255; bq++) {
      for (int t : new int[] {0, 1, 2, 3, 7, 8, 9, 0x3fffff, 0x400000, 0x7ffffe, 0x7fffff}) {
        int bits = bq << 23 | t;
        same(Float.intBitsToFloat(bits));
        same(Float.intBitsToFloat(bits | 0x8000_0000));
      }
    }
    for (int t = 1; t < 1 << 16; t++) { // the smallest subnormals
      same(Float.intBitsToFloat(t));
    }
    for (int i = 0; i < 1 << 16; i++) { // small integers and their halves, quarters
      same(i);
      same(i + 0.5f);
      same(i / 4f);
    }
  }

  @Test
  void agreesWithTheReferenceOnRandomFloatsAndProbabilities() {
    SplittableRandom rnd = new SplittableRandom(20261201L);
    for (int i = 0; i < 2_000_000; i++) {
      float v = Float.intBitsToFloat(rnd.nextInt());
      if (!Float.isNaN(v)) {
        same(v);
      }
      same((float) rnd.nextDouble()); // what softmax and sigmoid outputs look like
    }
  }

  @Test
  void theDigitsReadBackAsTheSameFloat() {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = 0; i < 200_000; i++) {
      float v = Float.intBitsToFloat(rnd.nextInt());
      if (Float.isFinite(v)) {
        assertThat(Float.parseFloat(FloatText.toString(v))).isEqualTo(v);
      }
    }
  }

  @Test
  void theLogarithmApproximationsAreExactOverTheRangeUsed() {
    MathContext mc = new MathContext(60);
    BigDecimal log10of2 = new BigDecimal("0.301029995663981195213738894724493026768189881462108541310430");
    BigDecimal log2of10 = new BigDecimal("3.32192809488736234787031942948939017586483139302458061205476");
    BigDecimal log10ofThreeQuarters = new BigDecimal("-0.124938736608299953200259779947209512598768766983305537680178");
    for (int q = -200; q <= 200; q++) {
      BigDecimal x = log10of2.multiply(BigDecimal.valueOf(q), mc);
      assertThat(FloatText.flog10pow2(q)).isEqualTo(floor(x));
      assertThat(FloatText.flog10threeQuartersPow2(q)).isEqualTo(floor(x.add(log10ofThreeQuarters, mc)));
      assertThat(FloatText.flog2pow10(q)).isEqualTo(floor(log2of10.multiply(BigDecimal.valueOf(q), mc)));
    }
  }

  private static int floor(BigDecimal x) {
    return x.setScale(0, java.math.RoundingMode.FLOOR).intValueExact();
  }
}

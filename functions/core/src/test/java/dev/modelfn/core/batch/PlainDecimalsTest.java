package dev.modelfn.core.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelfn.codec.CsvCodec;
import dev.modelfn.model.ElementType;
import dev.modelfn.model.ModelSignature;
import dev.modelfn.model.TensorSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The one-pass reading of plain decimals gives what the JDK's parser gives, bit for bit. */
class PlainDecimalsTest {
  private static final RowDecoder DECODER = RowDecoder.csv(new ModelSignature(
      List.of(new TensorSpec("x", ElementType.FP32, List.of(-1L, 1L))),
      List.of(new TensorSpec("p", ElementType.FP32, List.of(-1L, 1L))), List.of("v"), List.of()),
      new CsvCodec.ColumnMapping(new int[] {0}, 1, false));

  private static float decode(String s) {
    byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
    float[] out = new float[1];
    DECODER.decode(b, b.length, out, 0);
    return out[0];
  }

  @Test
  void agreesWithTheJdkBitForBit() {
    SplittableRandom rng = new SplittableRandom(42);
    String[] fixed = {"0", "-0", "0.0", "1", "-1", "+2.5", "00012.3400", "0.1", "0.3", "123456789012345",
        "1234567890123456", "9007199254740993", "0.000000000000000000001", "1e5", "-2.5E-3", ".5", "5.", "108.56",
        "0.259", "3.4028234e38"};
    for (String s : fixed) {
      assertThat(Float.floatToRawIntBits(decode(s))).as(s)
          .isEqualTo(Float.floatToRawIntBits((float) Double.parseDouble(s)));
    }
    for (int i = 0; i < 200_000; i++) {
      String s;
      switch (rng.nextInt(3)) {
        case 0 -> s = Long.toString(rng.nextLong(1_000_000_000_000L)) + "." + rng.nextInt(100_000);
        case 1 -> s = Double.toString(rng.nextDouble() * Math.pow(10, rng.nextInt(12)));
        default -> s = (rng.nextBoolean() ? "-" : "") + rng.nextInt(100_000) + "." + String.format("%03d",
            rng.nextInt(1000));
      }
      assertThat(Float.floatToRawIntBits(decode(s))).as(s)
          .isEqualTo(Float.floatToRawIntBits((float) Double.parseDouble(s)));
    }
  }
}

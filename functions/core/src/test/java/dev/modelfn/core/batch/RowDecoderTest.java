package dev.modelfn.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelfn.codec.CsvCodec;
import dev.modelfn.errors.InvalidInputException;
import dev.modelfn.model.ElementType;
import dev.modelfn.model.ModelSignature;
import dev.modelfn.model.TensorSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RowDecoderTest {
  private static final ModelSignature SIG = new ModelSignature(
      List.of(new TensorSpec("x", ElementType.FP32, List.of(-1L, 3L))),
      List.of(new TensorSpec("p", ElementType.FP32, List.of(-1L, 2L))), List.of("a", "b", "c"), List.of());

  /** Columns {@code id,c,a,b}: one the model does not use, the others out of feature order. */
  private static final CsvCodec.ColumnMapping MAPPING = new CsvCodec.ColumnMapping(new int[] {2, 3, 1}, 4, true);

  private static RowDecoder.Csv decoder() {
    return (RowDecoder.Csv) RowDecoder.csv(SIG, MAPPING);
  }

  private static float[] decode(String line) {
    float[] out = new float[3];
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    decoder().decode(b, b.length, out, 0);
    return out;
  }

  @Test
  void readsMappedColumnsInFeatureOrderAndSkipsTheOthers() {
    assertThat(decode("row-7,3.5,-1,0.25")).containsExactly(-1f, 0.25f, 3.5f);
    assertThat(decode("\"quoted, id\", 1 ,\t2,+3.")).containsExactly(2f, 3f, 1f);
    assertThat(decode("x,1e3,007.50,-0")).containsExactly(7.5f, -0f, 1000f);
  }

  @Test
  void namesTheColumnAndWhatWasExpected() {
    assertThatThrownBy(() -> decode("x,1,2")).isInstanceOfSatisfying(InvalidInputException.class,
        e -> assertThat(e.expected()).isEqualTo("4 columns"));
    assertThatThrownBy(() -> decode("x,1,,3")).isInstanceOfSatisfying(InvalidInputException.class,
        e -> assertThat(e.pointer()).isEqualTo("/a"));
    assertThatThrownBy(() -> decode("x,abc,1,2")).isInstanceOfSatisfying(InvalidInputException.class,
        e -> assertThat(e.pointer()).isEqualTo("/c"));
  }

  /** The one-pass reading must give what the field-by-field reading gives: the same floats or the same error. */
  @Test
  void onePassAgreesWithFieldByFieldOnGeneratedRecords() {
    Random rnd = new Random(20261201L);
    String[] odd = {"", " ", "\t", "-", "+", ".", "1e5", "1E-3", "NaN", "Infinity", "0x1p3", "1.5f", "12345678901234567",
        "0.00000000000000000000001", "1.2.3", "--1", "\"4\"", "4\"", "1 2", "٣", "1e40", "-1e40"};
    RowDecoder.Csv d = decoder();
    for (int round = 0; round < 20000; round++) {
      int fields = rnd.nextInt(10) == 0 ? 2 + rnd.nextInt(4) : 4;
      StringBuilder sb = new StringBuilder();
      for (int f = 0; f < fields; f++) {
        if (f > 0) {
          sb.append(',');
        }
        if (rnd.nextInt(6) == 0) {
          sb.append(odd[rnd.nextInt(odd.length)]);
        } else {
          if (rnd.nextInt(8) == 0) {
            sb.append(' ');
          }
          if (rnd.nextBoolean()) {
            sb.append('-');
          }
          int intDigits = rnd.nextInt(9);
          for (int i = 0; i < intDigits; i++) {
            sb.append((char) ('0' + rnd.nextInt(10)));
          }
          if (rnd.nextBoolean() || intDigits == 0) {
            sb.append('.');
            int frac = rnd.nextInt(12);
            for (int i = 0; i < frac; i++) {
              sb.append((char) ('0' + rnd.nextInt(10)));
            }
          }
          if (rnd.nextInt(8) == 0) {
            sb.append('\t');
          }
        }
      }
      byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
      float[] fast = new float[3];
      float[] fields3 = new float[3];
      String fastError = null;
      String slowError = null;
      try {
        d.decode(b, b.length, fast, 0);
      } catch (InvalidInputException e) {
        fastError = e.pointer() + " " + e.expected() + " " + e.received();
      }
      try {
        d.decodeFields(b, b.length, fields3, 0);
      } catch (InvalidInputException e) {
        slowError = e.pointer() + " " + e.expected() + " " + e.received();
      }
      assertThat(fastError).as(sb.toString()).isEqualTo(slowError);
      if (slowError == null) {
        for (int i = 0; i < 3; i++) {
          assertThat(Float.floatToRawIntBits(fast[i])).as(sb + " [" + i + "]")
              .isEqualTo(Float.floatToRawIntBits(fields3[i]));
        }
      }
    }
  }
}

package dev.modelfn.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.modelfn.errors.InvalidInputException;
import dev.modelfn.model.ElementType;
import dev.modelfn.model.InferenceRequest;
import dev.modelfn.model.InferenceResult;
import dev.modelfn.model.Tensor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvCodecTest {
  private static InferenceRequest decode(String csv) {
    byte[] b = csv.getBytes(StandardCharsets.UTF_8);
    return CsvCodec.decode(b, 0, b.length, TestSignatures.tabular(), 4);
  }

  private static InvalidInputException reject(String csv) {
    return catchThrowableOfType(InvalidInputException.class, () -> decode(csv));
  }

  @Test
  void mapsHeaderColumnsByNameAndIgnoresExtraColumns() {
    InferenceRequest r = decode("\uFEFFid,c,b,a\r\nx1,3,2,1\r\n\"x,2\",6,5,4\r\n");
    assertThat((float[]) r.inputs().get(0).data()).containsExactly(1, 2, 3, 4, 5, 6);
  }

  @Test
  void readsHeaderlessRowsInFeatureOrder() {
    assertThat((float[]) decode("1,2,3\n4,5,6").inputs().get(0).data()).containsExactly(1, 2, 3, 4, 5, 6);
  }

  @Test
  void namesMissingHeaderColumns() {
    InvalidInputException e = reject("a,b\n1,2\n");
    assertThat(e.pointer()).isEqualTo("/header");
    assertThat(e.received()).isEqualTo("missing [c]");
  }

  @Test
  void pointsAtTheBadCellWithItsLine() {
    InvalidInputException e = reject("a,b,c\n1,2,3\n4,five,6\n");
    assertThat(e.pointer()).isEqualTo("/rows/1/b");
    assertThat(e.received()).isEqualTo("'five' (line 3)");
    assertThat(reject("1,2,3\n4,,6\n").received()).isEqualTo("an empty cell (line 2)");
    assertThat(reject("1,2,3\n4,5\n").received()).isEqualTo("2 columns (line 2)");
    assertThat(reject("1,2,Infinity\n").expected()).isEqualTo("a finite number");
  }

  @Test
  void rejectsEmptyHeaderOnlyAndTooManyRows() {
    assertThat(reject("").received()).isEqualTo("an empty body");
    assertThat(reject("a,b,c\n").expected()).contains("at least one data row");
    assertThat(reject("1,2,3\n1,2,3\n1,2,3\n1,2,3\n1,2,3\n").expected()).isEqualTo("at most 4 rows");
  }

  @Test
  void encodesLabelAndProbabilities() {
    Tensor out = new Tensor("output", ElementType.FP32, new long[] {1, 2}, new float[] {0.25f, 0.75f});
    String csv = new String(CsvCodec.encode(TestSignatures.tabular(), new InferenceResult(List.of(out)), 1, true),
        StandardCharsets.UTF_8);
    assertThat(csv).isEqualTo("label,p_no,p_yes\nyes,0.25,0.75\n");
  }
}

package dev.modelfn.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.modelfn.errors.InvalidInputException;
import dev.modelfn.model.ElementType;
import dev.modelfn.model.InferenceResult;
import dev.modelfn.model.ModelMetadata;
import dev.modelfn.model.Tensor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class OipV2CodecTest {
  private static OipV2Codec.Request decode(String json) {
    return OipV2Codec.decode(Json.parse(json.getBytes(StandardCharsets.UTF_8)), TestSignatures.tabular(), 4);
  }

  private static InvalidInputException reject(String json) {
    return catchThrowableOfType(InvalidInputException.class, () -> decode(json));
  }

  @Test
  void decodesFlatAndNestedData() {
    OipV2Codec.Request flat = decode("""
        {"id":"r1","inputs":[{"name":"input","shape":[2,3],"datatype":"FP32","data":[1,2,3,4,5,6]}]}""");
    OipV2Codec.Request nested = decode("""
        {"inputs":[{"name":"input","shape":[2,3],"datatype":"FP32","data":[[1,2,3],[4,5,6]]}],
         "outputs":[{"name":"output"}]}""");
    assertThat(flat.id()).contains("r1");
    assertThat((float[]) flat.inference().inputs().get(0).data()).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat((float[]) nested.inference().inputs().get(0).data()).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(nested.inference().outputs()).containsExactly("output");
  }

  @Test
  void pointsAtTheWrongDimension() {
    InvalidInputException e = reject("""
        {"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}""");
    assertThat(e.pointer()).isEqualTo("/inputs/0/shape/1");
    assertThat(e.expected()).startsWith("3");
    assertThat(e.received()).isEqualTo("4");
  }

  @Test
  void rejectsWrongDatatype() {
    InvalidInputException e = reject("""
        {"inputs":[{"name":"input","shape":[1,3],"datatype":"INT64","data":[1,2,3]}]}""");
    assertThat(e.pointer()).isEqualTo("/inputs/0/datatype");
    assertThat(e.expected()).contains("FP32");
  }

  @Test
  void rejectsUnknownAndMissingInputs() {
    assertThat(reject("""
        {"inputs":[{"name":"x","shape":[1,3],"datatype":"FP32","data":[1,2,3]}]}""").pointer())
        .isEqualTo("/inputs/0/name");
    assertThat(reject("{\"inputs\":[]}").pointer()).isEqualTo("/inputs");
  }

  @Test
  void rejectsNonNumbersNonFiniteAndCountMismatch() {
    InvalidInputException s = reject("""
        {"inputs":[{"name":"input","shape":[1,3],"datatype":"FP32","data":[1,"2",3]}]}""");
    assertThat(s.pointer()).isEqualTo("/inputs/0/data/1");
    assertThat(s.expected()).isEqualTo("a number");
    InvalidInputException inf = reject("""
        {"inputs":[{"name":"input","shape":[1,3],"datatype":"FP32","data":[1,1e999,3]}]}""");
    assertThat(inf.pointer()).isEqualTo("/inputs/0/data/1");
    assertThat(inf.expected()).contains("finite");
    InvalidInputException big = reject("""
        {"inputs":[{"name":"input","shape":[1,3],"datatype":"FP32","data":[1,1e300,3]}]}""");
    assertThat(big.expected()).contains("finite FP32");
    assertThat(reject("""
        {"inputs":[{"name":"input","shape":[1,3],"datatype":"FP32","data":[1,2]}]}""").received())
        .isEqualTo("2 values");
  }

  @Test
  void rejectsTooManyAndZeroRows() {
    assertThat(reject("""
        {"inputs":[{"name":"input","shape":[5,3],"datatype":"FP32","data":[]}]}""").expected())
        .isEqualTo("at most 4 rows");
    assertThat(reject("""
        {"inputs":[{"name":"input","shape":[0,3],"datatype":"FP32","data":[]}]}""").expected())
        .isEqualTo("at least one row");
  }

  @Test
  void rejectsMalformedJsonAndNaNLiterals() {
    assertThat(catchThrowableOfType(InvalidInputException.class, () -> Json.parse("{\"inputs\":".getBytes()))
        .expected()).isEqualTo("valid JSON");
    assertThat(catchThrowableOfType(InvalidInputException.class, () -> Json.parse("[NaN]".getBytes()))
        .received()).contains("malformed JSON");
    assertThat(catchThrowableOfType(InvalidInputException.class, () -> Json.parse("{\"a\":1,\"a\":2}".getBytes()))
        .received()).contains("Duplicate field");
  }

  @Test
  void encodesOutputsWithModelNameVersionAndId() {
    ModelMetadata md = new ModelMetadata("m", "3", "onnxruntime_onnx", TestSignatures.tabular());
    Tensor out = new Tensor("output", ElementType.FP32, new long[] {1, 2}, new float[] {0.25f, 0.75f});
    String json = new String(OipV2Codec.encode(md, "req-1", new InferenceResult(List.of(out))), StandardCharsets.UTF_8);
    assertThat(json).isEqualTo("{\"model_name\":\"m\",\"model_version\":\"3\",\"id\":\"req-1\",\"outputs\":"
        + "[{\"name\":\"output\",\"datatype\":\"FP32\",\"shape\":[1,2],\"data\":[0.25,0.75]}]}");
  }
}

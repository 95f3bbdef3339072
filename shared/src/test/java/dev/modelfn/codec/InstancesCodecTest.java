package dev.modelfn.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.modelfn.errors.InvalidInputException;
import dev.modelfn.model.ElementType;
import dev.modelfn.model.InferenceRequest;
import dev.modelfn.model.InferenceResult;
import dev.modelfn.model.ModelMetadata;
import dev.modelfn.model.ModelSignature;
import dev.modelfn.model.Tensor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class InstancesCodecTest {
  private static InferenceRequest decode(String json, ModelSignature sig) {
    return InstancesCodec.decode(Json.parse(json.getBytes(StandardCharsets.UTF_8)), "/instances", sig, 4);
  }

  private static InvalidInputException reject(String json) {
    return catchThrowableOfType(InvalidInputException.class, () -> decode(json, TestSignatures.tabular()));
  }

  @Test
  void mapsArraysAndNamedObjectsOntoFeatureColumns() {
    InferenceRequest r = decode("[[1,2,3],{\"c\":6,\"a\":4,\"b\":5}]", TestSignatures.tabular());
    assertThat(r.rows()).isEqualTo(2);
    assertThat((float[]) r.inputs().get(0).data()).containsExactly(1, 2, 3, 4, 5, 6);
  }

  @Test
  void namesTheMissingFeature() {
    InvalidInputException e = reject("[{\"a\":1,\"c\":3}]");
    assertThat(e.pointer()).isEqualTo("/instances/0/b");
    assertThat(e.received()).contains("missing feature");
  }

  @Test
  void namesTheUnknownFeature() {
    InvalidInputException e = reject("[{\"a\":1,\"b\":2,\"c\":3,\"d\":4}]");
    assertThat(e.pointer()).isEqualTo("/instances/0/d");
    assertThat(e.expected()).contains("[a, b, c]");
  }

  @Test
  void pointsAtTheBadValueOfANamedFeature() {
    InvalidInputException e = reject("[{\"a\":1,\"b\":true,\"c\":3}]");
    assertThat(e.pointer()).isEqualTo("/instances/0/b");
    assertThat(e.expected()).isEqualTo("a number");
  }

  @Test
  void rejectsWrongRowLengthEmptyAndTooMany() {
    assertThat(reject("[[1,2]]").pointer()).isEqualTo("/instances/0");
    assertThat(reject("[[1,2,3,4]]").received()).isEqualTo("4 values");
    assertThat(reject("[]").expected()).isEqualTo("at least one instance");
    assertThat(reject("[[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3]]").expected()).isEqualTo("at most 4 instances");
    assertThat(reject("{\"a\":1}").expected()).isEqualTo("an array of instances");
  }

  /** {@code seq} FP32 {@code [batch, -1, 2]} beside {@code ctx} FP32 {@code [batch, 3]}. */
  private static ModelSignature sequenceAndContext() {
    return new ModelSignature(
        List.of(new dev.modelfn.model.TensorSpec("seq", ElementType.FP32, List.of(-1L, -1L, 2L)),
            new dev.modelfn.model.TensorSpec("ctx", ElementType.FP32, List.of(-1L, 3L))),
        List.of(new dev.modelfn.model.TensorSpec("p", ElementType.FP32, List.of(-1L, 3L))), List.of(), List.of());
  }

  @Test
  void aDynamicInputOfMultiInputInstancesTakesItsShapeFromInstanceZero() {
    InferenceRequest r = decode("[{\"seq\":[[1,2],[3,4],[5,6]],\"ctx\":[7,8,9]},"
        + "{\"ctx\":[16,17,18],\"seq\":[[10,11],[12,13],[14,15]]}]", sequenceAndContext());
    assertThat(r.inputs().get(0).shape()).containsExactly(2, 3, 2);
    assertThat((float[]) r.inputs().get(0).data()).containsExactly(1, 2, 3, 4, 5, 6, 10, 11, 12, 13, 14, 15);
    assertThat(r.inputs().get(1).shape()).containsExactly(2, 3);
    assertThat((float[]) r.inputs().get(1).data()).containsExactly(7, 8, 9, 16, 17, 18);
  }

  @Test
  void namesTheInputOfAnInstanceWhoseDynamicShapeDisagrees() {
    for (String[] c : new String[][] {
        {"[{\"seq\":[[1,2],[3,4]],\"ctx\":[1,2,3]},{\"seq\":[[1,2]],\"ctx\":[1,2,3]}]", "/instances/1/seq",
            "shape [2, 2], as instance 0", "shape [1, 2]"},
        {"[{\"seq\":[[1,2,3]],\"ctx\":[1,2,3]}]", "/instances/0/seq", "shape [any, 2]", "shape [1, 3]"},
        {"[{\"seq\":[[1,2],[3]],\"ctx\":[1,2,3]}]", "/instances/0/seq/1", "2 values", "1 values"},
        {"[{\"seq\":[1,2],\"ctx\":[1,2,3]}]", "/instances/0/seq", "arrays nested 2 deep", "arrays nested 1 deep"},
        {"[{\"seq\":[[1,2]],\"ctx\":[1,2,3]},{\"seq\":[[1,true]],\"ctx\":[1,2,3]}]", "/instances/1/seq/0/1",
            "a number", "true"},
        {"[{\"ctx\":[1,2,3]}]", "/instances/0/seq", "a value for input 'seq'", "nothing"}}) {
      InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
          () -> decode(c[0], sequenceAndContext()));
      assertThat(e).as(c[0]).isNotNull();
      assertThat(e.pointer()).as(c[0]).isEqualTo(c[1]);
      assertThat(e.expected()).as(c[0]).contains(c[2]);
      assertThat(e.received()).as(c[0]).contains(c[3]);
    }
  }

  @Test
  void decodesMultiInputInstancesByInputName() {
    InferenceRequest r = decode("[{\"ids\":[1,2],\"mask\":[true,false]},{\"ids\":[3,4],\"mask\":[false,true]}]",
        TestSignatures.multiInput());
    assertThat((long[]) r.inputs().get(0).data()).containsExactly(1, 2, 3, 4);
    assertThat((boolean[]) r.inputs().get(1).data()).containsExactly(true, false, false, true);
    InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
        () -> decode("[{\"ids\":[1.5,2],\"mask\":[true,false]}]", TestSignatures.multiInput()));
    assertThat(e.pointer()).isEqualTo("/instances/0/ids/0");
    assertThat(e.expected()).contains("whole number");
  }

  @Test
  void encodesClassifierPredictionsWithLabelAndProbabilities() {
    ModelMetadata md = new ModelMetadata("m", "1", "onnxruntime_onnx", TestSignatures.tabular());
    Tensor out = new Tensor("output", ElementType.FP32, new long[] {2, 2}, new float[] {0.9f, 0.1f, 0.2f, 0.8f});
    String json = new String(InstancesCodec.encode(md, "id-1", new InferenceResult(List.of(out)), 2),
        StandardCharsets.UTF_8);
    assertThat(json).isEqualTo("{\"predictions\":[{\"label\":\"no\",\"probabilities\":{\"no\":0.9,\"yes\":0.1}},"
        + "{\"label\":\"yes\",\"probabilities\":{\"no\":0.2,\"yes\":0.8}}],\"model_name\":\"m\","
        + "\"model_version\":\"1\",\"id\":\"id-1\"}");
  }
}

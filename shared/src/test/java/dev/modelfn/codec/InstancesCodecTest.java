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

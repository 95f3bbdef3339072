package dev.modelfn.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelfn.codec.CsvCodec;
import dev.modelfn.codec.Json;
import dev.modelfn.codec.Predictions;
import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
import dev.modelfn.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxPredictorTest {
  private static OnnxPredictor fraud;

  @BeforeAll
  static void load() {
    fraud = OnnxPredictor.load(ModelLoader.local().locate(Fixtures.fraudModelUri()), OnnxPredictor.Options.defaults());
  }

  @AfterAll
  static void close() {
    fraud.close();
  }

  @Test
  void readsSignatureFeatureNamesAndLabelsAtLoad() {
    ModelMetadata md = fraud.metadata();
    assertThat(md.name()).isEqualTo("fraud");
    assertThat(md.version()).isEqualTo("1");
    ModelSignature sig = md.signature();
    assertThat(sig.inputs()).containsExactly(new TensorSpec("input", ElementType.FP32, List.of(-1L, 16L)));
    assertThat(sig.outputs()).extracting(TensorSpec::name).containsExactly("output");
    assertThat(sig.featureNames()).hasSize(16).contains("amount", "merchant_risk", "hour_of_day");
    assertThat(sig.labels()).containsExactlyInAnyOrder("fraud", "legit");
  }

  @Test
  void matchesGoldenPredictionsOfTheSampleCsvInOneBatch() throws Exception {
    byte[] csv = Fixtures.bytes("batch/fraud-sample.csv");
    InferenceRequest req = CsvCodec.decode(csv, 0, csv.length, fraud.metadata().signature(), 1000);
    assertThat(req.rows()).isEqualTo(100);
    InferenceResult res = fraud.infer(req);
    Tensor scores = new Predictions(fraud.metadata().signature()).classScores(res).orElseThrow();
    JsonNode golden = Json.mapper().readTree(Fixtures.bytes("models/fraud/golden-predictions.json")).get("predictions");
    assertThat(golden).hasSize(100);
    List<String> labels = fraud.metadata().signature().labels();
    for (int r = 0; r < 100; r++) {
      JsonNode g = golden.get(r).get("prediction");
      assertThat(labels.get(Predictions.argmax(scores, r))).isEqualTo(g.get("label").asText());
      for (int k = 0; k < labels.size(); k++) {
        assertThat(scores.getDouble(r * labels.size() + k))
            .isCloseTo(g.get("probabilities").get(labels.get(k)).asDouble(), within(1e-6));
      }
    }
  }

  @Test
  void batchedRunEqualsRowByRowRuns() {
    byte[] csv = Fixtures.bytes("batch/fraud-sample.csv");
    InferenceRequest req = CsvCodec.decode(csv, 0, csv.length, fraud.metadata().signature(), 1000);
    float[] all = (float[]) fraud.infer(req).outputs().get(0).data();
    float[] rows = (float[]) req.inputs().get(0).data();
    for (int r = 0; r < 5; r++) {
      float[] one = java.util.Arrays.copyOfRange(rows, r * 16, r * 16 + 16);
      float[] out = (float[]) fraud.infer(InferenceRequest.of(Tensor.ofFloats("input", new long[] {1, 16}, one)))
          .outputs().get(0).data();
      assertThat(out).containsExactly(all[r * 2], all[r * 2 + 1]);
    }
  }

  @Test
  void loadsFromClasspathWithSidecar(@TempDir Path dir) throws Exception {
    Path res = dir.resolve("models/fraud");
    Files.createDirectories(res);
    Files.copy(Fixtures.path("models/fraud/fraud.onnx"), res.resolve("fraud.onnx"));
    Files.writeString(res.resolve("fraud.features.json"),
        Fixtures.text("models/fraud/fraud.features.json").replace("\"fraud\",\"legit\"", "\"FRAUD\",\"LEGIT\""));
    ClassLoader cl = new java.net.URLClassLoader(new java.net.URL[] {dir.toUri().toURL()}, null);
    Thread t = Thread.currentThread();
    ClassLoader prev = t.getContextClassLoader();
    t.setContextClassLoader(cl);
    try (OnnxPredictor p = OnnxPredictor.load(ModelLoader.local().locate("classpath:models/fraud/fraud.onnx"),
        OnnxPredictor.Options.defaults())) {
      assertThat(p.metadata().signature().labels()).containsExactly("FRAUD", "LEGIT");
    } finally {
      t.setContextClassLoader(prev);
    }
  }

  @Test
  void configuredNameVersionAndFeatureNamesOverrideTheModel() {
    List<String> names = new java.util.ArrayList<>();
    for (int i = 0; i < 16; i++) {
      names.add("f" + i);
    }
    try (OnnxPredictor p = OnnxPredictor.load(ModelLoader.local().locate(Fixtures.fraudModelUri()),
        new OnnxPredictor.Options(Optional.of("cards"), Optional.of("7"), names, List.of(), 1))) {
      assertThat(p.metadata().name()).isEqualTo("cards");
      assertThat(p.metadata().version()).isEqualTo("7");
      assertThat(p.metadata().signature().featureNames()).isEqualTo(names);
    }
  }

  @Test
  void rejectsFeatureNamesThatDoNotFitTheInput() {
    assertThatThrownBy(() -> OnnxPredictor.load(ModelLoader.local().locate(Fixtures.fraudModelUri()),
        new OnnxPredictor.Options(Optional.empty(), Optional.empty(), List.of("a", "b"), List.of(), 1)))
        .isInstanceOf(ModelfnException.class)
        .satisfies(e -> assertThat(((ModelfnException) e).problem()).isEqualTo(Problem.MODEL_LOAD_FAILED))
        .hasMessageContaining("16 columns but 2 feature names");
  }

  @Test
  void reportsMissingModelFileClearly(@TempDir Path dir) {
    assertThatThrownBy(() -> ModelLoader.local().locate(dir.resolve("nope.onnx").toUri().toString()))
        .isInstanceOf(ModelfnException.class)
        .satisfies(e -> assertThat(((ModelfnException) e).problem()).isEqualTo(Problem.MODEL_LOAD_FAILED))
        .hasMessageContaining("model file not found");
    assertThatThrownBy(() -> ModelLoader.local().locate("classpath:nope/model.onnx"))
        .isInstanceOf(ModelfnException.class)
        .satisfies(e -> assertThat(((ModelfnException) e).problem()).isEqualTo(Problem.MODEL_LOAD_FAILED))
        .hasMessageContaining("not found on the classpath");
    assertThatThrownBy(() -> ModelLoader.local().locate("gs://bucket/model.onnx"))
        .isInstanceOf(ModelfnException.class)
        .satisfies(e -> assertThat(((ModelfnException) e).problem()).isEqualTo(Problem.MODEL_LOAD_FAILED))
        .hasMessageContaining("unsupported model URI scheme 'gs'");
  }

  @Test
  void reportsCorruptModelClearly(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.onnx");
    Files.write(bad, new byte[] {1, 2, 3, 4, 5});
    assertThatThrownBy(() -> OnnxPredictor.load(ModelLoader.local().locate(bad.toString()),
        OnnxPredictor.Options.defaults()))
        .isInstanceOf(ModelfnException.class)
        .satisfies(e -> assertThat(((ModelfnException) e).problem()).isEqualTo(Problem.MODEL_LOAD_FAILED))
        .hasMessageContaining("cannot load ONNX model");
  }

  @Test
  void nativeLibrariesComeFromAFixedFolder() {
    String path = System.getProperty(NativeLibraries.NATIVE_PATH_PROPERTY);
    assertThat(path).isNotBlank().doesNotContain("onnxruntime-java");
    assertThat(Path.of(path).resolve(NativeLibraries.libraryFiles(NativeLibraries.platform()).get(0))).exists();
  }

  @Test
  void servesVersionOneForAModelThatSetsNoModelVersion() {
    // ONNX Runtime reports Long.MAX_VALUE for a model without model_version; exporters that write 0 mean the same
    assertThat(OnnxPredictor.modelVersion(Long.MAX_VALUE)).isEqualTo("1");
    assertThat(OnnxPredictor.modelVersion(0)).isEqualTo("1");
    assertThat(OnnxPredictor.modelVersion(7)).isEqualTo("7");
  }
}

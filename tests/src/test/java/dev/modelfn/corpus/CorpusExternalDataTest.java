package dev.modelfn.corpus;

import static dev.modelfn.corpus.CorpusParityTest.TOLERANCE;
import static dev.modelfn.corpus.CorpusParityTest.call;
import static dev.modelfn.corpus.CorpusParityTest.json;
import static dev.modelfn.corpus.CorpusParityTest.output;
import static dev.modelfn.corpus.CorpusParityTest.shape;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelfn.codec.Json;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.core.predict.PredictFunction;
import dev.modelfn.core.predict.PredictHttpFunction;
import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
import dev.modelfn.examples.corpus.CorpusGenerator;
import dev.modelfn.examples.corpus.ExternalDataMlp;
import dev.modelfn.model.ExternalData;
import dev.modelfn.model.ModelLoader;
import dev.modelfn.model.OnnxPredictor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Models that keep their weights in external data files ({@link ExternalDataMlp}: one {@code
 * .onnx.data} file, or one file per tensor) served from {@code file:} answer what ONNX Runtime
 * answers loading the same files; so does the same model at IR 14, which is loaded as IR 13 from
 * bytes and told where its data is. The {@code s3://} and {@code gs://} fetches of these models are
 * tested by {@code CorpusExternalDataS3IT} and the Google adapter's {@code GcsModelArtifactFetcherTest}.
 */
class CorpusExternalDataTest {
  private static Path corpus;

  @BeforeAll
  static void generate() throws Exception {
    corpus = CorpusGenerator.write(Path.of("target/models/corpus"));
  }

  /** What ONNX Runtime answers for {@code rows} with the model file at {@code file}. */
  static float[][] reference(Path file, float[][] rows) throws Exception {
    return (float[][]) OrtReference.tensorOutput(file, Map.of(ExternalDataMlp.INPUT, rows), ExternalDataMlp.OUTPUT);
  }

  static ModelfnConfig config(String uri, String name, Path cacheDir) {
    return ModelfnConfig.from(Map.of("MODELFN_MODEL_URI", uri, "MODELFN_MODEL_NAME", name,
        "MODELFN_MODEL_CACHE_DIR", cacheDir.toString(), "MODELFN_METRICS_ENABLED", "false", "MODELFN_LOG_LEVEL",
        "ERROR"));
  }

  /** OIP v2 and v1 {@code :predict} through {@code fn} answer {@code ort} for {@code rows}. */
  static void checkAnswers(PredictHttpFunction fn, String name, float[][] rows, float[][] ort) throws Exception {
    String v2 = "{\"inputs\":[{\"name\":\"" + ExternalDataMlp.INPUT + "\",\"shape\":[" + rows.length + ","
        + ExternalDataMlp.FEATURES + "],\"datatype\":\"FP32\",\"data\":" + Json.mapper().writeValueAsString(rows) + "}]}";
    checkV2(json(call(fn, "POST", "/v2/models/" + name + "/infer", "application/json", v2)), name, ort);
    String v1 = "{\"instances\":" + Json.mapper().writeValueAsString(rows) + "}";
    JsonNode predictions = json(call(fn, "POST", "/v1/models/" + name + ":predict", "application/json", v1))
        .get("predictions");
    assertThat(predictions).as("%s", predictions).hasSize(rows.length);
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < ExternalDataMlp.CLASSES; j++) {
        assertThat(predictions.get(i).get(j).doubleValue()).as("%s v1 row %d class %d", name, i, j)
            .isCloseTo(ort[i][j], within(TOLERANCE));
      }
    }
  }

  /** An OIP v2 answer holds {@code ort}'s probabilities. */
  static void checkV2(JsonNode answer, String name, float[][] ort) {
    JsonNode p = output(answer, ExternalDataMlp.OUTPUT);
    assertThat(shape(p)).as("%s", answer).containsExactly((long) ort.length, (long) ExternalDataMlp.CLASSES);
    for (int i = 0; i < ort.length; i++) {
      for (int j = 0; j < ExternalDataMlp.CLASSES; j++) {
        assertThat(p.get("data").get(i * ExternalDataMlp.CLASSES + j).doubleValue())
            .as("%s v2 row %d class %d", name, i, j).isCloseTo(ort[i][j], within(TOLERANCE));
      }
    }
  }

  @Test
  void theModelsKeepTheirWeightsOutsideTheOnnxFile() {
    Path one = ExternalDataMlp.file(corpus, ExternalDataMlp.NAME);
    Path each = ExternalDataMlp.file(corpus, ExternalDataMlp.PER_TENSOR_NAME);
    assertThat(ExternalData.locations(one, one.toString())).containsExactly(ExternalDataMlp.NAME + ".onnx.data");
    assertThat(ExternalData.locations(each, each.toString())).containsExactly("fc1.weight", "fc2.weight");
    // the weights (64×16 and 4×64 floats) are in the data files, the biases stay inline
    assertThat(one.resolveSibling(ExternalDataMlp.NAME + ".onnx.data")).hasSize(4L * (64 * 16 + 4 * 64));
    assertThat(each.resolveSibling("fc1.weight")).hasSize(4L * 64 * 16);
    assertThat(one.toFile().length()).isLessThan(1024);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {ExternalDataMlp.NAME, ExternalDataMlp.PER_TENSOR_NAME})
  void servesExternalDataBesideTheModelFileAsOnnxRuntimeDoes(String name, @TempDir Path cache) throws Exception {
    Path file = ExternalDataMlp.file(corpus, name);
    float[][] rows = CorpusRows.of(ExternalDataMlp.FEATURES, 12);
    float[][] ort = reference(file, rows);
    ModelfnConfig config = config(file.toUri().toString(), name, cache);
    try (OnnxPredictor predictor = OnnxPredictor.load(config, ModelLoader.local())) {
      checkAnswers(new PredictHttpFunction(new PredictFunction(predictor), config), name, rows, ort);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(booleans = {false, true})
  void loadsAnIr14ModelWithExternalDataAsIr13(boolean onePerTensor, @TempDir Path dir) throws Exception {
    Map<String, byte[]> files = ExternalDataMlp.files("model.onnx", onePerTensor, 14);
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      Files.write(dir.resolve(f.getKey()), f.getValue());
    }
    float[][] rows = CorpusRows.of(ExternalDataMlp.FEATURES, 6);
    float[][] ort = reference(ExternalDataMlp.file(corpus, ExternalDataMlp.NAME), rows); // the same weights at IR 8
    ModelfnConfig config = config(dir.resolve("model.onnx").toUri().toString(), "ir14", dir);
    try (OnnxPredictor predictor = OnnxPredictor.load(config, ModelLoader.local())) {
      checkAnswers(new PredictHttpFunction(new PredictFunction(predictor), config), "ir14", rows, ort);
    }
  }

  @Test
  void refusesAModelWhoseDataFileIsMissingNamingIt(@TempDir Path dir) throws Exception {
    for (long ir : new long[] {8, 14}) {
      Path d = Files.createDirectories(dir.resolve("ir" + ir));
      Files.write(d.resolve("model.onnx"), ExternalDataMlp.files("model.onnx", false, ir).get("model.onnx"));
      ModelfnConfig config = config(d.resolve("model.onnx").toUri().toString(), "m", d);
      assertThatThrownBy(() -> OnnxPredictor.load(config, ModelLoader.local())).as("IR %d", ir)
          .isInstanceOfSatisfying(ModelfnException.class,
              e -> assertThat(e.problem()).isEqualTo(Problem.MODEL_LOAD_FAILED))
          .hasMessageContaining("model.onnx.data");
    }
  }

  /** A model whose data location climbs out of its folder is refused before anything reads it. */
  @Test
  void theLocationReaderRefusesADataFileOutsideTheModelsFolder(@TempDir Path dir) throws Exception {
    Map<String, byte[]> files = ExternalDataMlp.files("model.onnx", false, 8);
    ai.onnx.proto.OnnxMl.ModelProto.Builder b = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(files.get("model.onnx"))
        .toBuilder();
    for (ai.onnx.proto.OnnxMl.TensorProto.Builder t : b.getGraphBuilder().getInitializerBuilderList()) {
      if (t.getExternalDataCount() > 0) {
        t.setExternalData(0, t.getExternalData(0).toBuilder().setValue("../model.onnx.data"));
      }
    }
    Path file = dir.resolve("model.onnx");
    Files.write(file, b.build().toByteArray());
    assertThatThrownBy(() -> ExternalData.locations(file, "s3://models/m/model.onnx"))
        .isInstanceOf(ModelfnException.class)
        .hasMessageContaining("s3://models/m/model.onnx").hasMessageContaining("'../model.onnx.data'")
        .hasMessageContaining("'..'");
  }
}

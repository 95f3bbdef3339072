package dev.modelfn.corpus;

import static dev.modelfn.corpus.CorpusParityTest.TOLERANCE;
import static dev.modelfn.corpus.CorpusParityTest.call;
import static dev.modelfn.corpus.CorpusParityTest.json;
import static dev.modelfn.corpus.CorpusParityTest.output;
import static dev.modelfn.corpus.CorpusParityTest.shape;
import static dev.modelfn.examples.corpus.PyTorchSequenceClassifier.CLASSES;
import static dev.modelfn.examples.corpus.PyTorchSequenceClassifier.FEATURES;
import static dev.modelfn.examples.corpus.PyTorchSequenceClassifier.INPUT;
import static dev.modelfn.examples.corpus.PyTorchSequenceClassifier.OUTPUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelfn.codec.Json;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.core.http.HttpResponse;
import dev.modelfn.core.predict.PredictFunction;
import dev.modelfn.core.predict.PredictHttpFunction;
import dev.modelfn.examples.corpus.CorpusGenerator;
import dev.modelfn.examples.corpus.CorpusGraph;
import dev.modelfn.examples.corpus.PyTorchSequenceClassifier;
import dev.modelfn.model.ModelLoader;
import dev.modelfn.model.OnnxPredictor;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A model with dynamic inner dimensions, {@code x} FP32 {@code [batch, seq, 8]} (a PyTorch sequence
 * classifier): v1 and {@code /invocations} instances nested {@code [seq][8]} fix the shape from
 * instance 0, OIP v2 takes any explicit shape, and both answer what ONNX Runtime answers; instances
 * of different inner lengths are 400s naming the instance.
 */
class CorpusSequenceTest {
  private static final CorpusGraph MODEL = CorpusGraph.named(PyTorchSequenceClassifier.NAME);
  private static Path corpus;
  private static OnnxPredictor predictor;
  private static PredictHttpFunction fn;

  @BeforeAll
  static void load() throws Exception {
    corpus = CorpusGenerator.write(Path.of("target/models/corpus"));
    ModelfnConfig config = CorpusParityTest.config(MODEL.file(corpus), MODEL.name());
    predictor = OnnxPredictor.load(config, ModelLoader.local());
    fn = new PredictHttpFunction(new PredictFunction(predictor), config);
  }

  @AfterAll
  static void close() {
    predictor.close();
  }

  /** {@code rows} sequences of {@code seq} steps of 8 seeded values. */
  private static float[][][] sequences(int rows, int seq, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[][][] x = new float[rows][seq][FEATURES];
    for (float[][] row : x) {
      for (float[] step : row) {
        for (int j = 0; j < FEATURES; j++) {
          step[j] = (float) (rng.nextDouble() * 4 - 2);
        }
      }
    }
    return x;
  }

  private static float[][] reference(float[][][] x) throws Exception {
    return (float[][]) OrtReference.tensorOutput(MODEL.file(corpus), Map.of(INPUT, x), OUTPUT);
  }

  @Test
  void metadataShowsTheDynamicDimensions() {
    JsonNode md = json(call(fn, "GET", "/v2/models/" + MODEL.name(), null, null));
    assertThat(md.get("inputs")).hasSize(1);
    assertThat(md.at("/inputs/0/name").asText()).isEqualTo(INPUT);
    assertThat(md.at("/inputs/0/datatype").asText()).isEqualTo("FP32");
    assertThat(shape(md.at("/inputs/0"))).containsExactly(-1L, -1L, (long) FEATURES);
    assertThat(shape(output(md, OUTPUT))).containsExactly(-1L, (long) CLASSES);
  }

  @Test
  void nestedInstancesFixTheShapeAndAnswerAsOnnxRuntimeDoes() throws Exception {
    for (int seq : new int[] {1, 2, 5}) {
      float[][][] x = sequences(6, seq, seq);
      float[][] ort = reference(x);
      String body = "{\"instances\":" + Json.mapper().writeValueAsString(x) + "}";
      for (String path : new String[] {"/v1/models/" + MODEL.name() + ":predict", "/invocations"}) {
        HttpResponse r = call(fn, "POST", path, "application/json", body);
        assertThat(r.status()).as("%s seq %d: %s", path, seq, r.bodyText()).isEqualTo(200);
        JsonNode predictions = json(r).get("predictions");
        assertThat(predictions).hasSize(x.length);
        for (int i = 0; i < x.length; i++) {
          assertThat(predictions.get(i)).hasSize(CLASSES);
          for (int j = 0; j < CLASSES; j++) {
            assertThat(predictions.get(i).get(j).doubleValue()).as("%s seq %d row %d class %d", path, seq, i, j)
                .isCloseTo(ort[i][j], within(TOLERANCE));
          }
        }
      }
    }
  }

  @Test
  void oipV2TakesAnExplicitShape() throws Exception {
    float[][][] x = sequences(3, 4, 11);
    float[][] ort = reference(x);
    String body = "{\"inputs\":[{\"name\":\"" + INPUT + "\",\"shape\":[3,4," + FEATURES + "],\"datatype\":\"FP32\","
        + "\"data\":" + Json.mapper().writeValueAsString(x) + "}]}";
    JsonNode answer = json(call(fn, "POST", "/v2/models/" + MODEL.name() + "/infer", "application/json", body));
    JsonNode p = output(answer, OUTPUT);
    assertThat(shape(p)).containsExactly(3L, (long) CLASSES);
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < CLASSES; j++) {
        assertThat(p.get("data").get(i * CLASSES + j).doubleValue()).isCloseTo(ort[i][j], within(TOLERANCE));
      }
    }
  }

  /** Instances that cannot make one tensor are 400s whose pointer names the instance. */
  @Test
  void instancesOfDifferentShapesNameTheInstance() throws Exception {
    String two = Json.mapper().writeValueAsString(sequences(1, 2, 1)[0]);
    String three = Json.mapper().writeValueAsString(sequences(1, 3, 2)[0]);
    float[][] ragged = sequences(1, 2, 3)[0];
    ragged[1] = new float[FEATURES - 1];
    String seven = Json.mapper().writeValueAsString(new float[][] {new float[FEATURES - 1], new float[FEATURES - 1]});
    String flat = Json.mapper().writeValueAsString(new float[2 * FEATURES]);
    for (String[] c : new String[][] {
        {"[" + two + ", " + three + "]", "/instances/1", "shape [2, 8], as instance 0", "shape [3, 8]"},
        {"[" + two + ", " + Json.mapper().writeValueAsString(ragged) + "]", "/instances/1/1", "8 values", "7 values"},
        {"[" + seven + "]", "/instances/0", "shape [any, 8]", "shape [2, 7]"},
        {"[" + flat + "]", "/instances/0", "arrays nested 2 deep", "arrays nested 1 deep"},
        {"[" + two + ", {\"x\": 1}]", "/instances/1", "shape [any, 8]", "an object"}}) {
      for (String path : new String[] {"/v1/models/" + MODEL.name() + ":predict", "/invocations"}) {
        HttpResponse r = call(fn, "POST", path, "application/json", "{\"instances\": " + c[0] + "}");
        assertThat(r.status()).as("%s %s", path, r.bodyText()).isEqualTo(400);
        assertThat(r.headers().get("content-type")).startsWith("application/problem+json");
        JsonNode problem = json(r);
        assertThat(problem.get("pointer").asText()).as(problem.toString()).isEqualTo(c[1]);
        assertThat(problem.get("expected").asText()).as(problem.toString()).contains(c[2]).contains("'x'");
        assertThat(problem.get("received").asText()).as(problem.toString()).contains(c[3]);
      }
    }
    // OIP v2: the declared inner dimension is checked against the model's
    HttpResponse r = call(fn, "POST", "/v2/models/" + MODEL.name() + "/infer", "application/json",
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,2,7],\"datatype\":\"FP32\",\"data\":" + seven + "}]}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(json(r).get("pointer").asText()).isEqualTo("/inputs/0/shape/2");
  }
}

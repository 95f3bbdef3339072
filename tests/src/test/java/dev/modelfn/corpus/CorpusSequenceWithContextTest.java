package dev.modelfn.corpus;

import static dev.modelfn.corpus.CorpusParityTest.TOLERANCE;
import static dev.modelfn.corpus.CorpusParityTest.call;
import static dev.modelfn.corpus.CorpusParityTest.json;
import static dev.modelfn.corpus.CorpusParityTest.output;
import static dev.modelfn.corpus.CorpusParityTest.shape;
import static dev.modelfn.examples.corpus.PyTorchSequenceWithContext.CLASSES;
import static dev.modelfn.examples.corpus.PyTorchSequenceWithContext.CONTEXT;
import static dev.modelfn.examples.corpus.PyTorchSequenceWithContext.CONTEXT_FEATURES;
import static dev.modelfn.examples.corpus.PyTorchSequenceWithContext.FEATURES;
import static dev.modelfn.examples.corpus.PyTorchSequenceWithContext.OUTPUT;
import static dev.modelfn.examples.corpus.PyTorchSequenceWithContext.SEQ;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.codec.Json;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.core.http.HttpResponse;
import dev.modelfn.core.predict.PredictFunction;
import dev.modelfn.core.predict.PredictHttpFunction;
import dev.modelfn.examples.corpus.CorpusGenerator;
import dev.modelfn.examples.corpus.CorpusGraph;
import dev.modelfn.examples.corpus.PyTorchSequenceWithContext;
import dev.modelfn.model.ModelLoader;
import dev.modelfn.model.OnnxPredictor;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Several inputs, one with a dynamic inner dimension ({@code seq} FP32 {@code [batch, steps, 8]}
 * beside {@code context} FP32 {@code [batch, 3]}): v1 {@code :predict} and {@code /invocations}
 * instances keyed by input name take {@code seq}'s shape from its nesting in instance 0, and answer
 * what ONNX Runtime answers; an instance whose {@code seq} has another shape is a 400 naming
 * {@code /instances/i/seq}. OIP v2, and the same body as an async job, answer the same.
 */
class CorpusSequenceWithContextTest {
  private static final CorpusGraph MODEL = CorpusGraph.named(PyTorchSequenceWithContext.NAME);
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

  private static float[][] values(int rows, int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[][] v = new float[rows][n];
    for (float[] row : v) {
      for (int j = 0; j < n; j++) {
        row[j] = (float) (rng.nextDouble() * 4 - 2);
      }
    }
    return v;
  }

  private static float[][][] sequences(int rows, int steps, long seed) {
    float[][][] x = new float[rows][][];
    for (int i = 0; i < rows; i++) {
      x[i] = values(steps, FEATURES, seed * 100 + i);
    }
    return x;
  }

  private static float[][] reference(float[][][] seq, float[][] context) throws Exception {
    return (float[][]) OrtReference.tensorOutput(MODEL.file(corpus), Map.of(SEQ, seq, CONTEXT, context), OUTPUT);
  }

  /** One object per row, keyed by input name, {@code seq} nested {@code [steps][8]}. */
  private static String instances(float[][][] seq, float[][] context) {
    ArrayNode a = JsonNodeFactory.instance.arrayNode();
    for (int r = 0; r < seq.length; r++) {
      ObjectNode o = a.addObject();
      o.set(SEQ, Json.mapper().valueToTree(seq[r]));
      o.set(CONTEXT, Json.mapper().valueToTree(context[r]));
    }
    return "{\"instances\":" + a + "}";
  }

  @Test
  void metadataShowsTheDynamicInputBesideTheFixedOne() {
    JsonNode md = json(call(fn, "GET", "/v2/models/" + MODEL.name(), null, null));
    assertThat(md.get("inputs")).hasSize(2);
    assertThat(shape(md.at("/inputs/0"))).containsExactly(-1L, -1L, (long) FEATURES);
    assertThat(shape(md.at("/inputs/1"))).containsExactly(-1L, (long) CONTEXT_FEATURES);
  }

  @Test
  void instancesKeyedByInputNameFixTheDynamicShapeAndAnswerAsOnnxRuntimeDoes() throws Exception {
    for (int steps : new int[] {1, 3, 6}) {
      float[][][] seq = sequences(5, steps, steps);
      float[][] context = values(5, CONTEXT_FEATURES, 50 + steps);
      float[][] ort = reference(seq, context);
      for (String path : new String[] {"/v1/models/" + MODEL.name() + ":predict", "/invocations"}) {
        HttpResponse r = call(fn, "POST", path, "application/json", instances(seq, context));
        assertThat(r.status()).as("%s steps %d: %s", path, steps, r.bodyText()).isEqualTo(200);
        JsonNode predictions = json(r).get("predictions");
        assertThat(predictions).hasSize(seq.length);
        for (int i = 0; i < seq.length; i++) {
          assertThat(predictions.get(i)).hasSize(CLASSES);
          for (int j = 0; j < CLASSES; j++) {
            assertThat(predictions.get(i).get(j).doubleValue()).as("%s steps %d row %d class %d", path, steps, i, j)
                .isCloseTo(ort[i][j], within(TOLERANCE));
          }
        }
      }
    }
    // OIP v2 with explicit shapes answers the same
    float[][][] seq = sequences(2, 4, 9);
    float[][] context = values(2, CONTEXT_FEATURES, 9);
    float[][] ort = reference(seq, context);
    String v2 = "{\"inputs\":[{\"name\":\"" + SEQ + "\",\"shape\":[2,4," + FEATURES + "],\"datatype\":\"FP32\",\"data\":"
        + Json.mapper().writeValueAsString(seq) + "},{\"name\":\"" + CONTEXT + "\",\"shape\":[2," + CONTEXT_FEATURES
        + "],\"datatype\":\"FP32\",\"data\":" + Json.mapper().writeValueAsString(context) + "}]}";
    JsonNode p = output(json(call(fn, "POST", "/v2/models/" + MODEL.name() + "/infer", "application/json", v2)), OUTPUT);
    JsonNode job = output(CorpusAsyncTest.runAsJob(MODEL.file(corpus), MODEL.name(), v2), OUTPUT); // and as an async job
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < CLASSES; j++) {
        assertThat(p.get("data").get(i * CLASSES + j).doubleValue()).isCloseTo(ort[i][j], within(TOLERANCE));
        assertThat(job.get("data").get(i * CLASSES + j).doubleValue()).as("async row %d class %d", i, j)
            .isCloseTo(ort[i][j], within(TOLERANCE));
      }
    }
  }

  @Test
  void anInstanceWhoseSequenceHasAnotherShapeNamesTheInput() {
    float[][] context = values(2, CONTEXT_FEATURES, 1);
    float[][][] mixed = {sequences(1, 2, 1)[0], sequences(1, 3, 2)[0]};
    float[][][] narrow = {values(2, FEATURES - 1, 3)};
    float[][][] ragged = {sequences(1, 2, 4)[0]};
    ragged[0][1] = new float[FEATURES - 1];
    for (String[] c : new String[][] {
        {instances(mixed, context), "/instances/1/seq", "shape [2, 8], as instance 0", "shape [3, 8]"},
        {instances(narrow, context), "/instances/0/seq", "shape [any, 8]", "shape [2, 7]"},
        {instances(ragged, context), "/instances/0/seq/1", "8 values", "7 values"}}) {
      for (String path : new String[] {"/v1/models/" + MODEL.name() + ":predict", "/invocations"}) {
        HttpResponse r = call(fn, "POST", path, "application/json", c[0]);
        assertThat(r.status()).as("%s %s", path, r.bodyText()).isEqualTo(400);
        JsonNode problem = json(r);
        assertThat(problem.get("pointer").asText()).as(problem.toString()).isEqualTo(c[1]);
        assertThat(problem.get("expected").asText()).as(problem.toString()).contains(c[2]).contains("'seq'");
        assertThat(problem.get("received").asText()).as(problem.toString()).contains(c[3]);
      }
    }
  }
}

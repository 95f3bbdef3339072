package dev.modelfn.corpus;

import static dev.modelfn.corpus.CorpusParityTest.TOLERANCE;
import static dev.modelfn.corpus.CorpusParityTest.call;
import static dev.modelfn.corpus.CorpusParityTest.json;
import static dev.modelfn.corpus.CorpusParityTest.output;
import static dev.modelfn.corpus.CorpusParityTest.shape;
import static dev.modelfn.corpus.CorpusParityTest.texts;
import static dev.modelfn.examples.corpus.SklearnColumnTransformer.AGE_BUCKET;
import static dev.modelfn.examples.corpus.SklearnColumnTransformer.CLASSES;
import static dev.modelfn.examples.corpus.SklearnColumnTransformer.COUNTRY;
import static dev.modelfn.examples.corpus.SklearnColumnTransformer.NUM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.codec.Json;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.core.batch.InMemoryBlobStore;
import dev.modelfn.core.batch.ScoreObjectFunction;
import dev.modelfn.core.http.HttpResponse;
import dev.modelfn.core.predict.PredictFunction;
import dev.modelfn.core.predict.PredictHttpFunction;
import dev.modelfn.core.stream.ScoreRecordsFunction;
import dev.modelfn.core.stream.SourceRecord;
import dev.modelfn.examples.corpus.CorpusGenerator;
import dev.modelfn.examples.corpus.CorpusGraph;
import dev.modelfn.examples.corpus.SklearnColumnTransformer;
import dev.modelfn.model.ModelLoader;
import dev.modelfn.model.OnnxPredictor;
import dev.modelfn.model.OnnxRuntimeEnvironment;
import dev.modelfn.telemetry.JsonLogger;
import dev.modelfn.telemetry.Metrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A scikit-learn {@code ColumnTransformer} pipeline with three inputs of different types ({@code num}
 * FP32 {@code [N, 2]}, {@code age_bucket} INT64 {@code [N, 1]}, {@code country} BYTES {@code [N, 1]})
 * answers what ONNX Runtime answers through OIP v2 (named tensors, strings as {@code BYTES}), v1
 * {@code :predict} and {@code /invocations} with instances as objects keyed by input name; bad
 * instances are 400s naming the input; CSV, batch and stream refuse it saying why.
 */
class CorpusColumnTransformerTest {
  private static final CorpusGraph MODEL = CorpusGraph.named(SklearnColumnTransformer.NAME);
  private static final int ROWS = 16;
  private static Path corpus;
  private static OnnxPredictor predictor;
  private static PredictHttpFunction fn;

  /** The rows sent: every known country and one it does not know (LabelEncoder's default, -1). */
  private static final float[][] NUMS = new float[ROWS][2];
  private static final long[] AGES = new long[ROWS];
  private static final String[] COUNTRIES = new String[ROWS];

  static {
    SplittableRandom rng = new SplittableRandom(19);
    List<String> known = new ArrayList<>(SklearnColumnTransformer.COUNTRIES);
    known.add("JP");
    for (int r = 0; r < ROWS; r++) {
      NUMS[r][0] = (float) (rng.nextDouble() * 6 - 3);
      NUMS[r][1] = (float) (rng.nextDouble() * 6 - 3);
      AGES[r] = rng.nextInt(6);
      COUNTRIES[r] = known.get(r % known.size());
    }
  }

  @BeforeAll
  static void load() throws Exception {
    corpus = CorpusGenerator.write(Path.of("target/models/corpus"));
    ModelfnConfig config = config();
    predictor = OnnxPredictor.load(config, ModelLoader.local());
    fn = new PredictHttpFunction(new PredictFunction(predictor), config);
  }

  @AfterAll
  static void close() {
    predictor.close();
  }

  private static ModelfnConfig config() {
    return CorpusParityTest.config(MODEL.file(corpus), MODEL.name());
  }

  /** ONNX Runtime's own answer for the rows: labels and the ZipMap's probabilities by class. */
  record Reference(long[] labels, float[][] scores) {}

  static Reference reference(Path corpus) throws Exception {
    OrtEnvironment env = OnnxRuntimeEnvironment.get();
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        OrtSession s = env.createSession(MODEL.file(corpus).toString(), so);
        OnnxTensor num = OnnxTensor.createTensor(env, NUMS);
        OnnxTensor age = OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(AGES), new long[] {ROWS, 1});
        OnnxTensor country = OnnxTensor.createTensor(env, COUNTRIES, new long[] {ROWS, 1});
        OrtSession.Result r = s.run(Map.of(NUM, num, AGE_BUCKET, age, COUNTRY, country))) {
      long[] labels = (long[]) ((OnnxTensor) r.get("output_label").orElseThrow()).getValue();
      List<? extends OnnxValue> maps = ((OnnxSequence) r.get("output_probability").orElseThrow()).getValue();
      float[][] scores = new float[ROWS][CLASSES.size()];
      try {
        for (int i = 0; i < ROWS; i++) {
          Map<? extends Object, ? extends Object> map = ((OnnxMap) maps.get(i)).getValue();
          for (int j = 0; j < CLASSES.size(); j++) {
            scores[i][j] = ((Number) map.get(Long.valueOf(CLASSES.get(j)))).floatValue();
          }
        }
      } finally {
        maps.forEach(OnnxValue::close);
      }
      return new Reference(labels, scores);
    }
  }

  /** The instances as a v1 client sends them: one object per row, keyed by input name. */
  private static ArrayNode instances() {
    ArrayNode a = JsonNodeFactory.instance.arrayNode();
    for (int r = 0; r < ROWS; r++) {
      ObjectNode o = a.addObject();
      o.putArray(NUM).add(NUMS[r][0]).add(NUMS[r][1]);
      if (r % 2 == 0) { // a one-column input takes a scalar or a one-element array
        o.put(AGE_BUCKET, AGES[r]);
        o.put(COUNTRY, COUNTRIES[r]);
      } else {
        o.putArray(AGE_BUCKET).add(AGES[r]);
        o.putArray(COUNTRY).add(COUNTRIES[r]);
      }
    }
    return a;
  }

  static String v2Body() throws Exception {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ArrayNode inputs = body.putArray("inputs");
    ObjectNode num = inputs.addObject().put("name", NUM).put("datatype", "FP32");
    num.putArray("shape").add(ROWS).add(2);
    num.set("data", Json.mapper().valueToTree(NUMS));
    ObjectNode age = inputs.addObject().put("name", AGE_BUCKET).put("datatype", "INT64");
    age.putArray("shape").add(ROWS).add(1);
    age.set("data", Json.mapper().valueToTree(AGES));
    ObjectNode country = inputs.addObject().put("name", COUNTRY).put("datatype", "BYTES");
    country.putArray("shape").add(ROWS).add(1);
    country.set("data", Json.mapper().valueToTree(COUNTRIES));
    return Json.mapper().writeValueAsString(body);
  }

  @Test
  void metadataListsTheThreeInputsWithTheirTypes() {
    JsonNode md = json(call(fn, "GET", "/v2/models/" + MODEL.name(), null, null));
    assertThat(md.get("inputs")).hasSize(3);
    assertThat(texts(md.at("/inputs").findValues("name").stream().collect(JsonNodeFactory.instance::arrayNode,
        ArrayNode::add, ArrayNode::addAll))).containsExactly(NUM, AGE_BUCKET, COUNTRY);
    assertThat(md.at("/inputs/0/datatype").asText()).isEqualTo("FP32");
    assertThat(shape(md.at("/inputs/0"))).containsExactly(-1L, 2L);
    assertThat(md.at("/inputs/1/datatype").asText()).isEqualTo("INT64");
    assertThat(shape(md.at("/inputs/1"))).containsExactly(-1L, 1L);
    assertThat(md.at("/inputs/2/datatype").asText()).isEqualTo("BYTES");
    assertThat(shape(md.at("/inputs/2"))).containsExactly(-1L, 1L);
    assertThat(texts(output(md, "output_probability").at("/parameters/classes"))).isEqualTo(CLASSES);
  }

  /** An OIP v2 answer for {@link #v2Body()}: ONNX Runtime's labels and probabilities. */
  static void checkV2(Reference ort, JsonNode v2) {
    JsonNode scores = output(v2, "output_probability");
    assertThat(shape(scores)).containsExactly((long) ROWS, (long) CLASSES.size());
    JsonNode label = output(v2, "output_label");
    for (int r = 0; r < ROWS; r++) {
      assertThat(label.get("data").get(r).longValue()).as("v2 row %d label", r).isEqualTo(ort.labels()[r]);
      for (int j = 0; j < CLASSES.size(); j++) {
        assertThat(scores.get("data").get(r * CLASSES.size() + j).doubleValue()).as("v2 row %d class %d", r, j)
            .isCloseTo(ort.scores()[r][j], within(TOLERANCE));
      }
    }
  }

  @Test
  void answersOipV2V1AndInvocationsAsOnnxRuntimeDoes() throws Exception {
    Reference ort = reference(corpus);
    assertThat(new HashSet<>(List.of(java.util.Arrays.stream(ort.labels()).boxed().toArray()))).hasSizeGreaterThan(1);

    checkV2(ort, json(call(fn, "POST", "/v2/models/" + MODEL.name() + "/infer", "application/json", v2Body())));

    String instances = "{\"instances\":" + Json.mapper().writeValueAsString(instances()) + "}";
    checkRows(ort, json(call(fn, "POST", "/v1/models/" + MODEL.name() + ":predict", "application/json", instances)));
    checkRows(ort, json(call(fn, "POST", "/invocations", "application/json", instances)));
  }

  private static void checkRows(Reference ort, JsonNode answer) {
    JsonNode predictions = answer.get("predictions");
    assertThat(predictions).as("%s", answer).hasSize(ROWS);
    for (int r = 0; r < ROWS; r++) {
      JsonNode p = predictions.get(r);
      assertThat(p.get("label").longValue()).as("row %d label", r).isEqualTo(ort.labels()[r]);
      for (int j = 0; j < CLASSES.size(); j++) {
        assertThat(p.at("/probabilities/" + CLASSES.get(j)).doubleValue()).as("row %d class %d", r, j)
            .isCloseTo(ort.scores()[r][j], within(TOLERANCE));
      }
    }
  }

  /** Each bad instance is a 400 problem whose pointer names the input (and element) by name. */
  @Test
  void badInstancesNameTheInput() {
    String ok = "\"num\": [1.5, 2.0], \"age_bucket\": 3";
    for (String[] c : new String[][] {
        {"{" + ok + ", \"country\": 7}", "/instances/0/country", "a string"},
        {"{" + ok + ", \"country\": [7]}", "/instances/0/country/0", "a string"},
        {"{" + ok + "}", "/instances/0/country", "'country'"},
        {"{" + ok + ", \"country\": \"DE\", \"region\": \"EU\"}", "/instances/0/region", "[num, age_bucket, country]"},
        {"{\"num\": [1.5, \"x\"], \"age_bucket\": 3, \"country\": \"DE\"}", "/instances/0/num/1", "a number"},
        {"{\"num\": [1.5], \"age_bucket\": 3, \"country\": \"DE\"}", "/instances/0/num", "2 values"},
        {"{\"num\": [1.5, 2.0], \"age_bucket\": 3.5, \"country\": \"DE\"}", "/instances/0/age_bucket", "INT64"},
        {"[1.5, 2.0, 3, \"DE\"]", "/instances/0", "keyed by input name"}}) {
      for (String path : List.of("/v1/models/" + MODEL.name() + ":predict", "/invocations")) {
        String body = "{\"instances\": [{\"num\": [0, 0], \"age_bucket\": 1, \"country\": \"FR\"}, " + c[0] + "]}";
        HttpResponse r = call(fn, "POST", path, "application/json", body.replace("[{\"num\": [0, 0], \"age_bucket\": 1, "
            + "\"country\": \"FR\"}, ", "["));
        assertThat(r.status()).as("%s %s: %s", path, c[0], r.bodyText()).isEqualTo(400);
        assertThat(r.headers().get("content-type")).startsWith("application/problem+json");
        JsonNode problem = json(r);
        assertThat(problem.get("pointer").asText()).as(c[0]).isEqualTo(c[1]);
        assertThat(problem.get("expected").asText()).as(c[0]).contains(c[2]);
      }
    }
    // the second instance is named by its index
    HttpResponse r = call(fn, "POST", "/v1/models/" + MODEL.name() + ":predict", "application/json",
        "{\"instances\": [{\"num\": [0, 0], \"age_bucket\": 1, \"country\": \"FR\"},"
            + " {\"num\": [0, 0], \"age_bucket\": 1, \"country\": false}]}");
    assertThat(json(r).get("pointer").asText()).isEqualTo("/instances/1/country");
    // OIP v2: a number where BYTES are declared names the input
    r = call(fn, "POST", "/v2/models/" + MODEL.name() + "/infer", "application/json",
        "{\"inputs\": [{\"name\": \"num\", \"shape\": [1, 2], \"datatype\": \"FP32\", \"data\": [1, 2]},"
            + " {\"name\": \"age_bucket\", \"shape\": [1, 1], \"datatype\": \"INT64\", \"data\": [1]},"
            + " {\"name\": \"country\", \"shape\": [1, 1], \"datatype\": \"FP32\", \"data\": [1]}]}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(json(r).get("pointer").asText()).startsWith("/inputs/2");
    assertThat(json(r).get("expected").asText()).contains("country");
  }

  /** CSV, batch and stream are tabular only: they refuse this model, saying why and naming its inputs. */
  @Test
  void csvBatchAndStreamRefuseItSayingWhy() throws Exception {
    HttpResponse csv = call(fn, "POST", "/invocations", "text/csv", "1.5,2.0,3,DE\n");
    assertThat(csv.status()).isEqualTo(400);
    JsonNode problem = json(csv);
    assertThat(problem.get("expected").asText()).contains("single [rows, features]")
        .contains("country BYTES [-1, 1]");

    InMemoryBlobStore store = new InMemoryBlobStore(0);
    var settings = new ScoreObjectFunction.Settings("incoming/", "predictions/", "manifests/", "rejects/", 5,
        1 << 20, Duration.ofSeconds(30), Optional.empty());
    ScoreObjectFunction batch = new ScoreObjectFunction(predictor, store, b -> {
      throw new AssertionError("no continuation");
    }, settings, new JsonLogger("corpus-test", "ERROR"));
    store.put("data", "incoming/rows.csv", "1.5,2.0,3,DE\n".getBytes(StandardCharsets.UTF_8), "text/csv");
    ScoreObjectFunction.Result r = batch.apply(ScoreObjectFunction.Request.of("data", "incoming/rows.csv"), () -> 600_000);
    assertThat(r.outcome()).isNotEqualTo(ScoreObjectFunction.Outcome.COMPLETED);
    assertThat(r.detail()).contains("single [rows, features]").contains("country BYTES [-1, 1]");

    List<SourceRecord> records = List.of(new SourceRecord("r0", "shard-0:0", Optional.empty(),
        "{\"num\": [1.5, 2.0], \"age_bucket\": 3, \"country\": \"DE\"}".getBytes(StandardCharsets.UTF_8),
        Optional.empty()));
    ScoreRecordsFunction stream = new ScoreRecordsFunction(predictor, items -> Set.of(), letters -> Set.of(),
        Metrics.NONE);
    assertThatThrownBy(() -> stream.apply(records, ScoreRecordsFunction.Ordering.SHARD))
        .hasMessageContaining("single [rows, features]").hasMessageContaining("country BYTES [-1, 1]");
  }
}

package dev.modelfn.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelfn.codec.Json;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.core.http.HttpRequest;
import dev.modelfn.core.http.HttpResponse;
import dev.modelfn.core.predict.PredictFunction;
import dev.modelfn.core.predict.PredictHttpFunction;
import dev.modelfn.examples.corpus.CorpusGenerator;
import dev.modelfn.examples.corpus.CorpusModel;
import dev.modelfn.model.ModelLoader;
import dev.modelfn.model.OnnxPredictor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every corpus model served through the core predict function answers what ONNX Runtime's own Java
 * API answers for the same rows, on every route: OIP v2 infer, v1 {@code :predict}, {@code
 * /invocations} with JSON and with CSV, and the model metadata lists the label and probability
 * outputs with their datatypes, shapes and classes.
 */
class CorpusParityTest {
  static final double TOLERANCE = 1e-6;
  private static Path corpus;

  @BeforeAll
  static void generate() throws Exception {
    corpus = CorpusGenerator.write(Path.of("target/models/corpus"));
  }

  static Stream<CorpusModel> models() {
    return CorpusModel.all().stream();
  }

  /** The function as an adapter builds it, on the corpus model. */
  static OnnxPredictor load(CorpusModel m, Path corpus) {
    return OnnxPredictor.load(config(m, corpus), ModelLoader.local());
  }

  static ModelfnConfig config(CorpusModel m, Path corpus) {
    return config(m.file(corpus), m.name());
  }

  /** The configuration every corpus test serves a model with: the file, its name, metrics off, warnings only. */
  static ModelfnConfig config(Path modelFile, String name) {
    return ModelfnConfig.from(Map.of("MODELFN_MODEL_URI", modelFile.toUri().toString(), "MODELFN_MODEL_NAME", name,
        "MODELFN_METRICS_ENABLED", "false", "MODELFN_LOG_LEVEL", "WARN"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void answersEveryRouteAsOnnxRuntimeDoes(CorpusModel m) throws Exception {
    float[][] rows = CorpusRows.of(m.features(), 12);
    OrtReference ort = OrtReference.run(m, m.file(corpus), rows);
    try (OnnxPredictor predictor = load(m, corpus)) {
      PredictHttpFunction fn = new PredictHttpFunction(new PredictFunction(predictor), config(m, corpus));

      checkMetadata(m, json(call(fn, "GET", "/v2/models/" + m.name(), null, null)));
      checkV2(m, ort, json(call(fn, "POST", "/v2/models/" + m.name() + "/infer", "application/json", v2Body(m, rows))));
      if (m.classifier()) { // the probabilities alone, as a v2 client may ask
        String body = v2Body(m, rows);
        body = body.substring(0, body.length() - 1) + ",\"outputs\":[{\"name\":\"" + m.scoresOutput() + "\"}]}";
        JsonNode only = json(call(fn, "POST", "/v2/models/" + m.name() + "/infer", "application/json", body));
        assertThat(only.get("outputs")).hasSize(1);
        assertThat(output(only, m.scoresOutput()).get("data").get(0).doubleValue())
            .isCloseTo(ort.scores()[0][0], within(TOLERANCE));
      }
      String instances = "{\"instances\":" + Json.mapper().writeValueAsString(rows) + "}";
      checkRows(m, ort, json(call(fn, "POST", "/v1/models/" + m.name() + ":predict", "application/json", instances))
          .get("predictions"));
      checkRows(m, ort, json(call(fn, "POST", "/invocations", "application/json", instances)).get("predictions"));
      HttpResponse csv = call(fn, "POST", "/invocations", "text/csv", csv(rows));
      assertThat(csv.headers().get("content-type")).startsWith("text/csv");
      checkCsv(m, ort, csv.bodyText());
      checkBadInputNamesTheInput(m, fn);
    }
  }

  private static void checkMetadata(CorpusModel m, JsonNode md) {
    assertThat(md.at("/inputs/0/name").asText()).isEqualTo(m.input());
    assertThat(md.at("/inputs/0/datatype").asText()).isEqualTo("FP32");
    JsonNode scores = output(md, m.scoresOutput());
    assertThat(scores.get("datatype").asText()).isEqualTo("FP32");
    if (!m.classifier()) {
      assertThat(shape(scores)).containsExactly(-1L, 1L);
      assertThat(md.path("outputs")).hasSize(1);
      return;
    }
    assertThat(shape(scores)).containsExactly(-1L, (long) m.classes().size());
    assertThat(texts(scores.at("/parameters/classes"))).isEqualTo(m.classes());
    JsonNode label = output(md, m.labelOutput());
    assertThat(label.get("datatype").asText()).isEqualTo(stringLabels(m) ? "BYTES" : "INT64");
    assertThat(shape(label)).containsExactly(-1L);
    assertThat(texts(md.at("/parameters/labels"))).isEqualTo(m.classes());
  }

  /** An OIP v2 answer: the scores (and labels) ONNX Runtime answered, with the outputs' datatypes and shapes. */
  static void checkV2(CorpusModel m, OrtReference ort, JsonNode answer) {
    int n = ort.scores().length;
    JsonNode scores = output(answer, m.scoresOutput());
    assertThat(scores.get("datatype").asText()).isEqualTo("FP32");
    int k = ort.scores()[0].length;
    assertThat(shape(scores)).containsExactly((long) n, (long) k);
    for (int r = 0; r < n; r++) {
      for (int j = 0; j < k; j++) {
        assertThat(scores.get("data").get(r * k + j).doubleValue()).as("%s row %d column %d", m.name(), r, j)
            .isCloseTo(ort.scores()[r][j], within(TOLERANCE));
      }
    }
    if (!m.classifier()) {
      assertThat(answer.get("outputs")).hasSize(1);
      return;
    }
    assertThat(texts(scores.at("/parameters/classes"))).isEqualTo(m.classes());
    JsonNode label = output(answer, m.labelOutput());
    assertThat(label.get("datatype").asText()).isEqualTo(stringLabels(m) ? "BYTES" : "INT64");
    assertThat(shape(label)).containsExactly((long) n);
    for (int r = 0; r < n; r++) {
      assertThat(labelOf(label.get("data").get(r), m)).as("%s row %d label", m.name(), r).isEqualTo(ort.labels().get(r));
    }
  }

  /** v1 and /invocations JSON: {@code {"label", "probabilities": {class: p}}} per row, or the row's value. */
  static void checkRows(CorpusModel m, OrtReference ort, JsonNode predictions) {
    assertThat(predictions).hasSize(ort.scores().length);
    for (int r = 0; r < ort.scores().length; r++) {
      JsonNode p = predictions.get(r);
      if (!m.classifier()) {
        assertThat(p.isArray() && p.size() == 1).as("%s row %d: %s", m.name(), r, p).isTrue();
        assertThat(p.get(0).doubleValue()).isCloseTo(ort.scores()[r][0], within(TOLERANCE));
        continue;
      }
      assertThat(labelOf(p.get("label"), m)).as("%s row %d label", m.name(), r).isEqualTo(ort.labels().get(r));
      assertThat(p.get("probabilities")).hasSize(m.classes().size());
      for (int j = 0; j < m.classes().size(); j++) {
        assertThat(p.get("probabilities").get(m.classes().get(j)).doubleValue())
            .as("%s row %d class %s", m.name(), r, m.classes().get(j)).isCloseTo(ort.scores()[r][j], within(TOLERANCE));
      }
    }
  }

  /** CSV: {@code label,p_<class>...} per row (after a header when there is one), or the value. */
  static void checkCsv(CorpusModel m, OrtReference ort, String text) {
    List<String> lines = new ArrayList<>(text.lines().toList());
    List<String> header = new ArrayList<>();
    if (m.classifier()) {
      header.add("label");
      m.classes().forEach(c -> header.add("p_" + c));
    } else {
      header.add(m.scoresOutput());
    }
    if (lines.get(0).equals(String.join(",", header))) {
      lines.remove(0);
    }
    assertThat(lines).hasSize(ort.scores().length);
    for (int r = 0; r < lines.size(); r++) {
      String[] cells = lines.get(r).split(",", -1);
      int first = m.classifier() ? 1 : 0;
      if (m.classifier()) {
        assertThat(cells[0]).as("%s CSV row %d label", m.name(), r).isEqualTo(String.valueOf(ort.labels().get(r)));
      }
      assertThat(cells).hasSize(first + ort.scores()[r].length);
      for (int j = 0; j < ort.scores()[r].length; j++) {
        assertThat(Double.parseDouble(cells[first + j])).as("%s CSV row %d column %d", m.name(), r, j)
            .isCloseTo(ort.scores()[r][j], within(TOLERANCE));
      }
    }
  }

  /** A wrong datatype is still a 400 problem whose pointer and expectation name the input. */
  private static void checkBadInputNamesTheInput(CorpusModel m, PredictHttpFunction fn) {
    String body = "{\"inputs\":[{\"name\":\"" + m.input() + "\",\"shape\":[1," + m.features()
        + "],\"datatype\":\"FP64\",\"data\":" + Json.mapper().valueToTree(new double[m.features()]) + "}]}";
    HttpResponse r = call(fn, "POST", "/v2/models/" + m.name() + "/infer", "application/json", body);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.headers().get("content-type")).startsWith("application/problem+json");
    JsonNode problem = json(r);
    assertThat(problem.get("pointer").asText()).isEqualTo("/inputs/0/datatype");
    assertThat(problem.get("expected").asText()).contains("'" + m.input() + "'");
  }

  static String v2Body(CorpusModel m, float[][] rows) throws Exception {
    return "{\"inputs\":[{\"name\":\"" + m.input() + "\",\"shape\":[" + rows.length + "," + m.features()
        + "],\"datatype\":\"FP32\",\"data\":" + Json.mapper().writeValueAsString(rows) + "}]}";
  }

  static String csv(float[][] rows) {
    StringBuilder sb = new StringBuilder();
    for (float[] row : rows) {
      for (int j = 0; j < row.length; j++) {
        sb.append(j == 0 ? "" : ",").append(row[j]);
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  static HttpResponse call(PredictHttpFunction fn, String method, String path, String contentType, String body) {
    Map<String, String> headers = contentType == null ? Map.of() : Map.of("content-type", contentType);
    HttpResponse r = fn.apply(new HttpRequest(method, path, headers, Map.of(),
        body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8), "corpus-test"));
    return r;
  }

  static JsonNode json(HttpResponse r) {
    return Json.parse(r.body());
  }

  static JsonNode output(JsonNode answer, String name) {
    for (JsonNode o : answer.path("outputs")) {
      if (o.get("name").asText().equals(name)) {
        return o;
      }
    }
    throw new AssertionError("no output '" + name + "' in " + answer);
  }

  static List<Long> shape(JsonNode tensor) {
    List<Long> s = new ArrayList<>();
    tensor.get("shape").forEach(d -> s.add(d.longValue()));
    return s;
  }

  static List<String> texts(JsonNode array) {
    List<String> s = new ArrayList<>();
    array.forEach(v -> s.add(v.asText()));
    return s;
  }

  static boolean stringLabels(CorpusModel m) {
    return m.classes().stream().anyMatch(c -> !c.matches("-?\\d+"));
  }

  /** A label as JSON carries it: a number for INT64 labels, a string for BYTES. */
  static Object labelOf(JsonNode v, CorpusModel m) {
    if (stringLabels(m)) {
      assertThat(v.isTextual()).as("label %s is a string", v).isTrue();
      return v.asText();
    }
    assertThat(v.isIntegralNumber()).as("label %s is an integer", v).isTrue();
    return v.longValue();
  }

  /**
   * Class names configured with {@code MODELFN_LABELS} name the ZipMap's columns in its order; a
   * row's label is then the best-scoring column's name.
   */
  @Test
  void configuredLabelsNameTheZipMapColumns() throws Exception {
    CorpusModel m = CorpusModel.all().get(0);
    List<String> names = List.of("setosa", "versicolor", "virginica");
    float[][] rows = CorpusRows.of(m.features(), 12);
    OrtReference ort = OrtReference.run(m, m.file(corpus), rows);
    ModelfnConfig config = ModelfnConfig.from(Map.of("MODELFN_MODEL_URI", m.file(corpus).toUri().toString(),
        "MODELFN_MODEL_NAME", m.name(), "MODELFN_LABELS", String.join(",", names), "MODELFN_METRICS_ENABLED", "false"));
    try (OnnxPredictor predictor = OnnxPredictor.load(config, ModelLoader.local())) {
      PredictHttpFunction fn = new PredictHttpFunction(new PredictFunction(predictor), config);
      JsonNode md = json(call(fn, "GET", "/v2/models/" + m.name(), null, null));
      assertThat(texts(md.at("/parameters/labels"))).isEqualTo(names);
      assertThat(texts(output(md, m.scoresOutput()).at("/parameters/classes"))).isEqualTo(m.classes());
      JsonNode predictions = json(call(fn, "POST", "/v1/models/" + m.name() + ":predict", "application/json",
          "{\"instances\":" + Json.mapper().writeValueAsString(rows) + "}")).get("predictions");
      for (int r = 0; r < rows.length; r++) {
        int best = 0;
        for (int j = 1; j < names.size(); j++) {
          best = ort.scores()[r][j] > ort.scores()[r][best] ? j : best;
        }
        assertThat(predictions.get(r).get("label").asText()).isEqualTo(names.get(best));
        assertThat(m.classes().get(best)).isEqualTo(String.valueOf(ort.labels().get(r)));
        for (int j = 0; j < names.size(); j++) {
          assertThat(predictions.get(r).at("/probabilities/" + names.get(j)).doubleValue())
              .isCloseTo(ort.scores()[r][j], within(TOLERANCE));
        }
      }
    }
  }
}

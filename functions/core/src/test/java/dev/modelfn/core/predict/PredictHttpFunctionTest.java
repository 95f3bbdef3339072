package dev.modelfn.core.predict;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelfn.codec.Json;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.core.http.HttpRequest;
import dev.modelfn.core.http.HttpResponse;
import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
import dev.modelfn.model.InferenceRequest;
import dev.modelfn.model.InferenceResult;
import dev.modelfn.model.ModelLoader;
import dev.modelfn.model.ModelMetadata;
import dev.modelfn.model.OnnxPredictor;
import dev.modelfn.model.Predictor;
import dev.modelfn.telemetry.Logs;
import dev.modelfn.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The platform-independent HTTP surface, driven with {@link HttpRequest}s directly. */
class PredictHttpFunctionTest {
  private static OnnxPredictor fraud;
  private static PredictHttpFunction function;
  /** The body of the named-instances fixture: {"instances": [{feature: value, ...}]}. */
  private static String namedInstances;

  @BeforeAll
  static void load() {
    ModelfnConfig config = ModelfnConfig.from(Fixtures.fraudEnv());
    fraud = OnnxPredictor.load(config, ModelLoader.local());
    function = new PredictHttpFunction(new PredictFunction(fraud), config);
    namedInstances = Json.parse(Fixtures.bytes("http/api-v2/predict-named-instances.json")).get("body").asText();
  }

  @AfterAll
  static void close() {
    fraud.close();
  }

  private static HttpRequest request(String method, String path, String contentType, String body, String... headers) {
    Map<String, String> h = new java.util.HashMap<>();
    if (contentType != null) {
      h.put("content-type", contentType);
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      h.put(headers[i], headers[i + 1]);
    }
    return new HttpRequest(method, path, h, Map.of(), body == null ? null : body.getBytes(StandardCharsets.UTF_8),
        "req-1");
  }

  @Test
  void v1PredictWithNamedRowsAnswersWithLabelAndModelHeaders() {
    HttpResponse r = function.apply(request("POST", "/v1/models/fraud:predict", "application/json",
        namedInstances));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers()).containsEntry("x-modelfn-model", "fraud").containsEntry("x-request-id", "req-1")
        .containsKey("x-modelfn-model-version");
    JsonNode body = Json.parse(r.body());
    assertThat(body.at("/predictions/0/label").asText()).isEqualTo("legit");
    assertThat(body.at("/predictions").size()).isEqualTo(2);
    assertThat(body.at("/model_name").asText()).isEqualTo("fraud");
  }

  @Test
  void everyPrimingRequestIsAnsweredAndNothingIsLogged() {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.PrintStream previous = dev.modelfn.telemetry.Logs.sink();
    dev.modelfn.telemetry.Logs.setSink(new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      var requests = Priming.requests(function.metadata());
      assertThat(requests).extracting(HttpRequest::path).contains("/v2/models/fraud/infer", "/v1/models/fraud:predict",
          "/invocations");
      int ok = Priming.run(requests, r -> function.apply(r).status(),
          new dev.modelfn.telemetry.JsonLogger("dev.modelfn.test", "ERROR"));
      assertThat(ok).isEqualTo(Priming.ROUNDS * requests.size());
    } finally {
      dev.modelfn.telemetry.Logs.setSink(previous);
    }
    assertThat(out.size()).isZero();
  }

  @Test
  void edgeTelemetryOfTheServedModelIsRecordedUnderItsVersion() throws Exception {
    java.util.List<Map<String, String>> dims = new java.util.ArrayList<>();
    java.util.List<dev.modelfn.telemetry.Metrics.Entry> entries = new java.util.ArrayList<>();
    PredictHttpFunction recording = new PredictHttpFunction(new PredictFunction(fraud),
        ModelfnConfig.from(Fixtures.fraudEnv()), null, d -> {
          dims.add(d);
          return entries::add;
        });
    String report = Fixtures.text("edge/telemetry.json");
    HttpResponse r = recording.apply(request("POST", "/v2/edge/telemetry", "application/json", report));
    assertThat(r.status()).as(r.bodyText()).isEqualTo(202);
    assertThat(Json.parse(r.body()).path("version").asLong()).isEqualTo(2);
    assertThat(dims).contains(dev.modelfn.telemetry.Metrics.modelDimensions("fraud", "2"));
    assertThat(entries).anySatisfy(e -> assertThat(e.metrics()).extracting(m -> m.name()).contains("EdgeReports"));

    HttpResponse other = recording.apply(request("POST", "/v2/edge/telemetry", "application/json",
        report.replace("\"model\": \"fraud\"", "\"model\": \"mlp\"")));
    assertThat(other.status()).isEqualTo(404);
    assertThat(other.bodyText()).contains("model-not-found").contains("'mlp'");

    HttpResponse bad = recording.apply(request("POST", "/v2/edge/telemetry", "application/json",
        report.replace("\"version\": 2", "\"version\": \"2\"")));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.headers().get("content-type")).isEqualTo("application/problem+json");
    assertThat(Json.parse(bad.body()).path("pointer").asText()).isEqualTo("/version");

    assertThat(recording.apply(request("GET", "/v2/edge/telemetry", null, null)).status()).isEqualTo(405);
    assertThat(recording.apply(request("POST", "/v2/edge/telemetry", "text/plain", report)).status()).isEqualTo(415);
  }

  @Test
  void invocationsCsvAnswersCsvByDefaultAndJsonWhenAsked() {
    String csv = Fixtures.text("batch/fraud-sample.csv");
    HttpResponse asCsv = function.apply(request("POST", "/invocations", "text/csv; charset=utf-8", csv));
    assertThat(asCsv.status()).isEqualTo(200);
    assertThat(asCsv.headers().get("content-type")).isEqualTo("text/csv");
    // SageMaker's convention: one headerless line per input row, in order.
    assertThat(asCsv.bodyText().lines()).hasSize(100).first().isEqualTo("legit,0.004963482,0.99503654");

    HttpResponse asJson = function.apply(request("POST", "/invocations", "text/csv", csv, "accept", "application/json"));
    assertThat(Json.parse(asJson.body()).at("/predictions").size()).isEqualTo(100);
  }

  /** An OIP v2 JSON header for the fraud model's one row, followed by the row's values as little-endian FP32. */
  private static byte[] binaryRequest(float[] row, String[] headerOut) {
    String header = "{\"id\":\"bin-1\",\"inputs\":[{\"name\":\"input\",\"shape\":[1," + row.length
        + "],\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":" + row.length * 4 + "}}]}";
    headerOut[0] = header;
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(header.length() + row.length * 4)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN).put(header.getBytes(StandardCharsets.US_ASCII));
    for (float f : row) {
      b.putFloat(f);
    }
    return b.array();
  }

  private static HttpRequest binary(String path, byte[] body, Map<String, String> headers) {
    return new HttpRequest("POST", path, headers, Map.of(), body, "req-1");
  }

  @Test
  void binaryTensorsAnswerLikeTheJsonForm() {
    int width = (int) fraud.metadata().signature().inputs().get(0).shape().get(1).longValue();
    float[] row = new float[width];
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < width; i++) {
      row[i] = i * 0.5f;
      data.append(i == 0 ? "" : ",").append(row[i]);
    }
    String[] header = new String[1];
    byte[] body = binaryRequest(row, header);
    String length = Integer.toString(header[0].length());
    HttpResponse viaHeader = function.apply(binary("/v2/models/fraud/infer", body,
        Map.of("content-type", "application/octet-stream", "inference-header-content-length", length)));
    HttpResponse viaContentType = function.apply(binary("/invocations", body, Map.of("content-type",
        "application/vnd.sagemaker-triton.binary+json;json-header-size=" + length)));
    HttpResponse json = function.apply(request("POST", "/v2/models/fraud/infer", "application/json",
        "{\"id\":\"bin-1\",\"inputs\":[{\"name\":\"input\",\"shape\":[1," + width
            + "],\"datatype\":\"FP32\",\"data\":[" + data + "]}]}"));
    assertThat(viaHeader.status()).isEqualTo(200);
    assertThat(viaContentType.status()).isEqualTo(200);
    JsonNode expected = Json.parse(json.body());
    assertThat(Json.parse(viaHeader.body())).isEqualTo(expected);
    assertThat(Json.parse(viaContentType.body()).get("outputs")).isEqualTo(expected.get("outputs"));
  }

  @Test
  void binaryBodiesWithoutOrWithABadHeaderLengthAreRefused() {
    String[] header = new String[1];
    byte[] body = binaryRequest(new float[16], header);
    HttpResponse noLength = function.apply(binary("/v2/models/fraud/infer", body,
        Map.of("content-type", "application/octet-stream")));
    assertThat(noLength.status()).isEqualTo(415);
    for (String bad : List.of("0", "-3", "abc", Integer.toString(body.length + 1))) {
      HttpResponse r = function.apply(binary("/v2/models/fraud/infer", body,
          Map.of("content-type", "application/octet-stream", "inference-header-content-length", bad)));
      assertThat(r.status()).as(bad).isEqualTo(400);
      assertThat(Json.parse(r.body()).get("expected").asText()).startsWith("Inference-Header-Content-Length");
    }
    HttpResponse cut = function.apply(binary("/v2/models/fraud/infer", java.util.Arrays.copyOf(body, body.length - 4),
        Map.of("content-type", "application/octet-stream", "inference-header-content-length",
            Integer.toString(header[0].length()))));
    assertThat(cut.status()).isEqualTo(400);
    assertThat(Json.parse(cut.body()).get("pointer").asText()).isEqualTo("/inputs/0/parameters/binary_data_size");
  }

  @Test
  void headAnswersLikeGetWithoutABody() {
    HttpResponse get = function.apply(request("GET", "/v2/models/fraud", null, null));
    HttpResponse head = function.apply(request("HEAD", "/v2/models/fraud", null, null));
    assertThat(get.body()).isNotEmpty();
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().get("content-type")).isEqualTo(get.headers().get("content-type"));
  }

  @Test
  void wrongMethodIs405WithAllow() {
    HttpResponse r = function.apply(request("GET", "/v2/models/fraud/infer", null, null));
    assertThat(r.status()).isEqualTo(405);
    assertThat(r.headers()).containsEntry("allow", "POST");
    HttpResponse r2 = function.apply(request("DELETE", "/ping", null, null));
    assertThat(r2.headers()).containsEntry("allow", "GET, HEAD");
  }

  @Test
  void unacceptableAcceptIs415() {
    HttpResponse r = function.apply(request("POST", "/invocations", "application/json", "[[1]]", "accept",
        "application/x-protobuf"));
    assertThat(r.status()).isEqualTo(415);
    assertThat(r.headers().get("content-type")).isEqualTo(HttpResponse.PROBLEM_JSON);
  }

  @Test
  void bareArrayWithWrongWidthPointsAtTheRow() {
    HttpResponse r = function.apply(request("POST", "/invocations", "application/json", "[[1,2,3]]"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(Json.parse(r.body()).at("/pointer").asText()).isEqualTo("/0");
  }

  @Test
  void unexpectedFailureIs500WithRequestIdAndLoggedOnce() {
    Predictor broken = new Predictor() {
      @Override
      public ModelMetadata metadata() {
        return fraud.metadata();
      }

      @Override
      public InferenceResult infer(InferenceRequest request) {
        throw new IllegalStateException("native crash stand-in");
      }
    };
    PredictHttpFunction f = new PredictHttpFunction(new PredictFunction(broken), ModelfnConfig.from(Fixtures.fraudEnv()));
    ByteArrayOutputStream logs = new ByteArrayOutputStream();
    PrintStream previous = Logs.sink();
    Logs.setSink(new PrintStream(logs, true, StandardCharsets.UTF_8));
    HttpResponse r;
    try {
      r = f.apply(request("POST", "/v1/models/fraud:predict", "application/json", namedInstances));
    } finally {
      Logs.setSink(previous);
    }
    assertThat(r.status()).isEqualTo(500);
    JsonNode problem = Json.parse(r.body());
    assertThat(problem.at("/request_id").asText()).isEqualTo("req-1");
    assertThat(r.bodyText()).doesNotContain("native crash stand-in");
    List<String> lines = logs.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("native crash")).toList();
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).contains("\"request_id\":\"req-1\"");
  }

  @Test
  void notReadyModelAnswers503OnReadinessRoutes() {
    Predictor loading = new Predictor() {
      @Override
      public ModelMetadata metadata() {
        return fraud.metadata();
      }

      @Override
      public InferenceResult infer(InferenceRequest request) {
        throw new ModelfnException(Problem.MODEL_NOT_READY, "endpoint is starting", null);
      }

      @Override
      public boolean ready() {
        return false;
      }
    };
    PredictHttpFunction f = new PredictHttpFunction(new PredictFunction(loading), ModelfnConfig.from(Fixtures.fraudEnv()));
    assertThat(f.apply(request("GET", "/v2/health/ready", null, null)).status()).isEqualTo(503);
    assertThat(f.apply(request("GET", "/v2/models/fraud/ready", null, null)).status()).isEqualTo(503);
    assertThat(f.apply(request("GET", "/ping", null, null)).status()).isEqualTo(503);
    assertThat(f.apply(request("GET", "/v2/health/live", null, null)).status()).isEqualTo(200);
    HttpResponse infer = f.apply(request("POST", "/v1/models/fraud:predict", "application/json",
        namedInstances));
    assertThat(infer.status()).isEqualTo(503);
    assertThat(Json.parse(infer.body()).at("/retryable").asBoolean()).isTrue();
  }

  @Test
  void warmUpRunsTheRequestPathWithoutWritingAnything() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream previous = Logs.sink();
    Logs.setSink(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      PredictHttpFunction.warmUp();
    } finally {
      Logs.setSink(previous);
    }
    assertThat(out.size()).isZero();
  }
}

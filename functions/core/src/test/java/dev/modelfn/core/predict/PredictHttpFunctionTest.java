package dev.modelfn.core.predict;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelfn.codec.Json;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.core.http.HttpRequest;
import dev.modelfn.core.http.HttpResponse;
import dev.modelfn.errors.ModelNotReadyException;
import dev.modelfn.model.InferenceRequest;
import dev.modelfn.model.InferenceResult;
import dev.modelfn.model.ModelLoader;
import dev.modelfn.model.ModelMetadata;
import dev.modelfn.model.OnnxPredictor;
import dev.modelfn.model.Predictor;
import dev.modelfn.telemetry.JsonLogger;
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
    PrintStream previous = JsonLogger.sink();
    JsonLogger.setSink(new PrintStream(logs, true, StandardCharsets.UTF_8));
    HttpResponse r;
    try {
      r = f.apply(request("POST", "/v1/models/fraud:predict", "application/json", namedInstances));
    } finally {
      JsonLogger.setSink(previous);
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
        throw new ModelNotReadyException("endpoint is starting", null);
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
}

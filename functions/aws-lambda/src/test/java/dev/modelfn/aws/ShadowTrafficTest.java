package dev.modelfn.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.modelfn.codec.Json;
import dev.modelfn.telemetry.Logs;
import dev.modelfn.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Both sides of shadow traffic: the live handler copies answered requests to the shadow alias with
 * the Lambda API's asynchronous Invoke (received here by a loopback server speaking that API), and
 * the shadow compares the candidate's answer with the live one.
 */
class ShadowTrafficTest {
  private static HttpServer lambdaApi;
  private static final List<String> invocationTypes = new CopyOnWriteArrayList<>();
  private static final List<String> paths = new CopyOnWriteArrayList<>();
  private static final List<byte[]> payloads = new CopyOnWriteArrayList<>();
  private static volatile int status = 202;

  @BeforeAll
  static void start() throws Exception {
    System.setProperty("aws.accessKeyId", "test");
    System.setProperty("aws.secretAccessKey", "test");
    System.setProperty("aws.region", "eu-west-1");
    lambdaApi = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    lambdaApi.createContext("/", ex -> {
      invocationTypes.add(ex.getRequestHeaders().getFirst("X-Amz-Invocation-Type"));
      paths.add(ex.getRequestURI().getRawPath());
      payloads.add(ex.getRequestBody().readAllBytes());
      byte[] body = status == 202 ? new byte[0]
          : "{\"Type\":\"Service\",\"message\":\"Rate exceeded\"}".getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("x-amzn-ErrorType", "TooManyRequestsException");
      ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    lambdaApi.start();
  }

  @AfterAll
  static void stop() {
    lambdaApi.stop(0);
  }

  private static PredictHttpHandler live(String percent) {
    return new PredictHttpHandler(Fixtures.fraudEnv("MODELFN_SHADOW_FUNCTION",
        "arn:aws:lambda:eu-west-1:123456789012:function:shadow-fn:shadow", "MODELFN_SHADOW_SAMPLE_PERCENT", percent,
        "AWS_ENDPOINT_URL", "http://127.0.0.1:" + lambdaApi.getAddress().getPort()));
  }

  @Test
  void copiesAnsweredRequestsToTheShadowAliasAsynchronously() {
    payloads.clear();
    PredictHttpHandler h = live("100");
    byte[] event = Fixtures.bytes("http/api-v2/infer-oip.json");
    byte[] answer = h.handle(event, "req-1");
    assertThat(payloads).hasSize(1);
    assertThat(invocationTypes).last().isEqualTo("Event");
    assertThat(paths).last().isEqualTo("/2015-03-31/functions/"
        + "arn%3Aaws%3Alambda%3Aeu-west-1%3A123456789012%3Afunction%3Ashadow-fn%3Ashadow/invocations");
    JsonNode copy = Json.parse(payloads.get(0));
    assertThat(copy.get("event")).isEqualTo(Json.parse(event));
    assertThat(copy.get("response")).isEqualTo(Json.parse(answer));
    assertThat(copy.get("latency_ms").asDouble()).isPositive();
    // Priming (SnapStart) sends nothing.
    h.prime();
    assertThat(payloads).hasSize(1);
  }

  @Test
  void answersTheCallerTheSameWhenTheCopyCannotBeSentOrIsNotSampled() {
    byte[] event = Fixtures.bytes("http/api-v2/infer-oip.json");
    byte[] expected = new PredictHttpHandler(Fixtures.fraudEnv()).handle(event, "req-2");
    status = 429;
    try {
      assertThat(live("100").handle(event, "req-2")).isEqualTo(expected);
    } finally {
      status = 202;
    }
    payloads.clear();
    assertThat(live("0").handle(event, "req-2")).isEqualTo(expected);
    assertThat(payloads).isEmpty();
  }

  @Test
  void shadowAgreesWithTheSameModelAndDisagreesWithADifferentOne() throws Exception {
    byte[] event = Fixtures.bytes("http/api-v2/predict-named-instances.json");
    byte[] answer = new PredictHttpHandler(Fixtures.fraudEnv()).handle(event, "req-3");
    JsonNode copy = Json.mapper().createObjectNode().<com.fasterxml.jackson.databind.node.ObjectNode>set("event",
        Json.parse(event)).<com.fasterxml.jackson.databind.node.ObjectNode>set("response", Json.parse(answer))
        .put("latency_ms", 0.5);
    PrintStream previous = Logs.sink();
    ByteArrayOutputStream emitted = new ByteArrayOutputStream();
    Logs.setSink(new PrintStream(emitted, true, StandardCharsets.UTF_8));
    JsonNode agreed;
    JsonNode disagreed;
    try {
      agreed = new ShadowCompareHandler(Fixtures.fraudEnv("MODELFN_MODEL_VERSION", "2", "MODELFN_METRICS_ENABLED", "true")).handle(copy, "l-1");
      disagreed = new ShadowCompareHandler(Fixtures.fraudEnv("MODELFN_LABELS", "legit,fraud", "MODELFN_METRICS_ENABLED", "true")).handle(copy, "l-2");
    } finally {
      Logs.setSink(previous);
    }
    assertThat(agreed.path("agreed").asBoolean()).as(agreed.toString()).isTrue();
    assertThat(disagreed.path("agreed").asBoolean()).isFalse();
    assertThat(disagreed.path("mismatches").toString()).contains("label");
    String metrics = emitted.toString(StandardCharsets.UTF_8);
    assertThat(metrics).contains("\"ShadowAgreement\":1").contains("\"ShadowAgreement\":0")
        .contains("ShadowLatencyDelta");
    // The candidate's own request metrics stay off, so live metrics see live traffic only.
    assertThat(metrics).doesNotContain("\"ModelLatency\"");
  }
}

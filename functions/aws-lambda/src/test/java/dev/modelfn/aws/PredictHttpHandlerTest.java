package dev.modelfn.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelfn.codec.Json;
import dev.modelfn.telemetry.Logs;
import dev.modelfn.testing.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PredictHttpHandlerTest {
  @Test
  void streamsEventBytesInAndResponseBytesOut() throws Exception {
    PredictHttpHandler handler = new PredictHttpHandler(Fixtures.fraudEnv());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(Fixtures.bytes("http/api-v2/infer-oip.json")), out, null);
    JsonNode resp = Json.mapper().readTree(out.toByteArray());
    assertThat(resp.get("statusCode").asInt()).isEqualTo(200);
    assertThat(resp.get("headers").get("x-modelfn-model").asText()).isEqualTo("fraud");
  }

  @Test
  void primingBeforeCheckpointRunsEveryRouteAndPrintsOnlyOneLine() {
    PredictHttpHandler handler = new PredictHttpHandler(Fixtures.fraudEnv("MODELFN_METRICS_ENABLED", "true",
        "MODELFN_LOG_LEVEL", "INFO"));
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream previous = Logs.sink();
    Logs.setSink(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      handler.beforeCheckpoint(null);
    } finally {
      Logs.setSink(previous);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(log.lines()).hasSize(1);
    assertThat(log).contains("\"message\":\"primed\"").contains("\"requests_ok\":100").contains("\"requests\":100");
    assertThat(handler.prime()).isEqualTo(100);
  }

  @Test
  void afterRestoreMarksTheProcessRestoredAndKeepsServing() throws Exception {
    PredictHttpHandler handler = new PredictHttpHandler(Fixtures.fraudEnv());
    handler.beforeCheckpoint(null);
    assertThat(handler.restored()).isFalse();
    handler.afterRestore(null);
    assertThat(handler.restored()).isTrue();
    JsonNode resp = Json.mapper().readTree(handler.handle(Fixtures.bytes("http/api-v2/health-ready.json"), "r"));
    assertThat(resp.get("statusCode").asInt()).isEqualTo(200);
  }

  @Test
  void emitsOneEmfDocumentPerRequestWithModelDimensions() throws Exception {
    PredictHttpHandler handler = new PredictHttpHandler(Fixtures.fraudEnv("MODELFN_METRICS_ENABLED", "true"));
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream previous = Logs.sink();
    Logs.setSink(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      handler.handle(Fixtures.bytes("http/api-v2/infer-oip.json"), "r");
      handler.handle(Fixtures.bytes("http/api-v2/error-wrong-shape.json"), "r");
    } finally {
      Logs.setSink(previous);
    }
    var lines = captured.toString(StandardCharsets.UTF_8).lines().map(l -> {
      try {
        return Json.mapper().readTree(l);
      } catch (Exception e) {
        throw new AssertionError("not JSON: " + l, e);
      }
    }).filter(n -> n.has("_aws")).toList();
    assertThat(lines).hasSize(2);
    JsonNode ok = lines.get(0);
    assertThat(ok.at("/_aws/CloudWatchMetrics/0/Namespace").asText()).isEqualTo("modelfn");
    assertThat(ok.at("/_aws/CloudWatchMetrics/0/Dimensions").toString()).isEqualTo("[[\"Model\"],[\"Model\",\"ModelVersion\"]]");
    assertThat(ok.get("Model").asText()).isEqualTo("fraud");
    assertThat(ok.get("Rows").asInt()).isEqualTo(2);
    assertThat(ok.get("Errors").asInt()).isZero();
    assertThat(ok.get("route").asText()).isEqualTo("v2.infer");
    assertThat(ok.get("request_id").asText()).isEqualTo("Jh3kPgmuIAMEJnQ=");
    assertThat(lines.get(1).get("ClientErrors").asInt()).isEqualTo(1);
  }
}

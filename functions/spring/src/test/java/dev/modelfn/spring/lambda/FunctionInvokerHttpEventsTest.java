package dev.modelfn.spring.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.aws.PredictHttpHandler;
import dev.modelfn.codec.Json;
import dev.modelfn.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.cloud.function.adapter.aws.FunctionInvoker;

/**
 * Every HTTP event in {@code events/http/} (HTTP API 2.0, REST API 1.0, function URL) through
 * Spring Cloud Function's {@code FunctionInvoker} with the {@code predict} bean, and through {@link
 * PredictHttpHandler}: the same response event byte for byte (status, headers, body, base64 flag),
 * and the expected response beside the event.
 */
class FunctionInvokerHttpEventsTest {
  static final Map<String, String> ENV = Fixtures.fraudEnv("MODELFN_MAX_INSTANCES", "8", "MODELFN_MAX_BODY_BYTES",
      "8192");

  private static FunctionInvoker invoker;
  private static PredictHttpHandler handler;

  @BeforeAll
  static void start() {
    invoker = Invokers.start(LambdaFunctions.PREDICT, ENV);
    handler = new PredictHttpHandler(ENV);
  }

  static Stream<String> events() throws IOException {
    Path dir = Fixtures.path("http");
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.toString().endsWith(".json") && !p.toString().endsWith(".expected.json"))
          .map(p -> dir.relativize(p).toString()).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("events")
  void answersEventAsPredictHttpHandlerDoes(String event) throws IOException {
    byte[] bytes = Fixtures.bytes("http/" + event);
    byte[] spring = Invokers.invoke(invoker, bytes, "lambda-request-id");
    byte[] lambda = handler.handle(bytes, "lambda-request-id");

    assertThat(new String(spring, StandardCharsets.UTF_8)).isEqualTo(new String(lambda, StandardCharsets.UTF_8));
    JsonNode actual = readable(Json.mapper().readTree(spring));
    assertThat(actual).isEqualTo(Json.mapper().readTree(Fixtures.path("http/" + event.replace(".json",
        ".expected.json")).toFile()));
  }

  @Test
  void answers501ForAsyncSubmitWhereNoJobBucketAndQueueAreConfigured() throws IOException {
    byte[] bytes = Fixtures.bytes("async/not-configured.json");
    byte[] spring = Invokers.invoke(invoker, bytes, "lambda-request-id");

    assertThat(new String(spring, StandardCharsets.UTF_8))
        .isEqualTo(new String(handler.handle(bytes, "lambda-request-id"), StandardCharsets.UTF_8));
    assertThat(readable(Json.mapper().readTree(spring)))
        .isEqualTo(Json.mapper().readTree(Fixtures.path("async/not-configured.expected.json").toFile()));
  }

  /** The response event with a JSON body parsed, as the expected files hold it. */
  static JsonNode readable(JsonNode response) throws IOException {
    ObjectNode r = response.deepCopy();
    String ct = r.path("headers").path("content-type").asText("");
    if (ct.contains("json") && !r.path("body").asText().isEmpty()) {
      r.set("body", Json.mapper().readTree(r.path("body").asText()));
    }
    return r;
  }
}

package dev.modelfn.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.codec.Json;
import dev.modelfn.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every HTTP event in {@code events/http/} (API Gateway HTTP API 2.0, REST API 1.0 proxy, function
 * URL) through {@link PredictHttpHandler}, compared with the expected response beside it ({@code
 * <case>.expected.json}: status, headers, isBase64Encoded, and the body as JSON where it is JSON).
 *
 * <p>Run with {@code -Dmodelfn.writeExpected=true} to write missing expected files for review.
 */
class PredictHttpHandlerEventsTest {
  private static PredictHttpHandler handler;

  @BeforeAll
  static void build() {
    handler = new PredictHttpHandler(Fixtures.fraudEnv("MODELFN_MAX_INSTANCES", "8", "MODELFN_MAX_BODY_BYTES", "8192"));
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
  void answersEventAsExpected(String event) throws IOException {
    byte[] out = handler.handle(Fixtures.bytes("http/" + event), "lambda-request-id");
    JsonNode actual = readable(Json.mapper().readTree(out));
    Path expectedFile = Fixtures.path("http/" + event.replace(".json", ".expected.json"));
    if (!Files.exists(expectedFile) && Boolean.getBoolean("modelfn.writeExpected")) {
      Files.writeString(expectedFile, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(actual) + "\n");
    }
    assertThat(expectedFile).as("expected response beside the event").exists();
    JsonNode expected = Json.mapper().readTree(expectedFile.toFile());
    assertThat(actual).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void answers501ForAsyncSubmitWhereNoJobBucketAndQueueAreConfigured() throws IOException {
    byte[] out = handler.handle(Fixtures.bytes("async/not-configured.json"), "lambda-request-id");
    assertThat(readable(Json.mapper().readTree(out)))
        .isEqualTo(Json.mapper().readTree(Fixtures.path("async/not-configured.expected.json").toFile()));
  }

  /** The response event with a JSON body parsed, so expected files are readable and compared as JSON. */
  static JsonNode readable(JsonNode response) throws IOException {
    ObjectNode r = response.deepCopy();
    String ct = r.path("headers").path("content-type").asText("");
    if (ct.contains("json") && !r.path("body").asText().isEmpty()) {
      r.set("body", Json.mapper().readTree(r.path("body").asText()));
    }
    return r;
  }
}

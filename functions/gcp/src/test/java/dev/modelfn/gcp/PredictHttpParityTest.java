package dev.modelfn.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelfn.aws.PredictHttpHandler;
import dev.modelfn.aws.internal.ApiGatewayEvents;
import dev.modelfn.codec.Json;
import dev.modelfn.core.http.HttpRequest;
import dev.modelfn.errors.InvalidInputException;
import dev.modelfn.testing.Fixtures;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every request of {@code events/http/api-v2/} answered by {@link PredictHttpFunction} under the
 * Functions Framework's invoker, over loopback HTTP, and by the Lambda {@link PredictHttpHandler}:
 * the same status, content type, headers and body. Each event is replayed as the HTTP request it
 * stands for (method, path without the API stage, query, headers, decoded body), with the API
 * Gateway request id as Cloud Functions' {@code Function-Execution-Id}, so that even request ids
 * agree.
 */
class PredictHttpParityTest {
  /** Headers a client does not set itself (the JDK's client refuses them); the server computes them. */
  private static final Set<String> NOT_SENT = Set.of("host", "content-length", "connection", "expect", "upgrade");
  /** Headers of the response that only the HTTP server adds. */
  private static final Set<String> SERVER_HEADERS = Set.of("date", "server", "content-length", "transfer-encoding",
      "connection", ":status");

  private static final Map<String, String> ENV = Fixtures.fraudEnv("MODELFN_MAX_INSTANCES", "8",
      "MODELFN_MAX_BODY_BYTES", "8192");
  private static PredictHttpHandler lambda;
  private static FunctionServer server;

  @BeforeAll
  static void start() throws Exception {
    lambda = new PredictHttpHandler(ENV);
    TestTargets.use(ENV, () -> new GcpPlatform(ENV));
    server = FunctionServer.start(TestTargets.Predict.class, "http");
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  static Stream<String> events() throws IOException {
    Path dir = Fixtures.path("http/api-v2");
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json") && !n.endsWith(".expected.json"))
          .sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("events")
  void answersAsTheLambdaHandlerDoes(String name) throws Exception {
    byte[] event = Fixtures.bytes("http/api-v2/" + name);
    HttpRequest req;
    try {
      req = ApiGatewayEvents.decode(event, "unused").request();
    } catch (InvalidInputException e) {
      Assumptions.abort("not an HTTP request but a malformed API Gateway event (" + e.getMessage()
          + "): nothing to send to an HTTP function");
      return;
    }
    JsonNode expected = Json.mapper().readTree(lambda.handle(event, "unused"));

    HttpResponse<byte[]> actual = server.send(httpRequest(req));

    assertThat(actual.statusCode()).as("status").isEqualTo(expected.path("statusCode").asInt());
    Map<String, String> expectedHeaders = Json.mapper().convertValue(expected.path("headers"),
        Json.mapper().getTypeFactory().constructMapType(Map.class, String.class, String.class));
    Map<String, String> actualHeaders = actual.headers().map().entrySet().stream()
        .filter(h -> !SERVER_HEADERS.contains(h.getKey().toLowerCase()))
        .collect(Collectors.toMap(h -> h.getKey().toLowerCase(), h -> String.join(",", h.getValue())));
    assertThat(actualHeaders).as("headers").isEqualTo(expectedHeaders);
    String body = expected.path("body").asText("");
    byte[] expectedBody = expected.path("isBase64Encoded").asBoolean() ? Base64.getDecoder().decode(body)
        : body.getBytes(StandardCharsets.UTF_8);
    assertThat(new String(actual.body(), StandardCharsets.UTF_8)).as("body")
        .isEqualTo(new String(expectedBody, StandardCharsets.UTF_8));
    assertThat(actual.body()).isEqualTo(expectedBody);
  }

  private java.net.http.HttpRequest.Builder httpRequest(HttpRequest req) {
    StringBuilder query = new StringBuilder();
    req.query().forEach((k, v) -> query.append(query.length() == 0 ? "?" : "&")
        .append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
        .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    var b = java.net.http.HttpRequest.newBuilder(server.uri(req.path() + query))
        .method(req.method(), req.body().length == 0 ? java.net.http.HttpRequest.BodyPublishers.noBody()
            : java.net.http.HttpRequest.BodyPublishers.ofByteArray(req.body()));
    req.headers().forEach((k, v) -> {
      if (!NOT_SENT.contains(k)) {
        b.header(k, v);
      }
    });
    b.header("Function-Execution-Id", req.requestId());
    return b;
  }
}

package dev.modelfn.spring.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelfn.aws.PredictHttpHandler;
import dev.modelfn.aws.internal.ApiGatewayEvents;
import dev.modelfn.codec.Json;
import dev.modelfn.core.http.HttpRequest;
import dev.modelfn.errors.InvalidInputException;
import dev.modelfn.spring.ModelfnApplication;
import dev.modelfn.testing.Fixtures;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.cloud.function.context.FunctionCatalog;
import org.springframework.cloud.function.context.config.RoutingFunction;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The web application over real loopback HTTP: every event of {@code events/http/} sent as the
 * HTTP request it stands for, answered with the status, content type, model and request-id headers
 * and body that {@link PredictHttpHandler} puts in its response event; health for the container
 * platform's probes; no function catalog and no router.
 */
@SpringBootTest(classes = ModelfnApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ModelfnApplicationTest {
  /** Headers the JDK's HTTP client sets itself. */
  private static final Set<String> CLIENT_HEADERS = Set.of("content-length", "host", "connection", "expect", "upgrade");

  private static final Map<String, String> ENV = Fixtures.fraudEnv("MODELFN_MAX_INSTANCES", "8",
      "MODELFN_MAX_BODY_BYTES", "8192", "MODELFN_METRICS_ENABLED", "true");
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static PredictHttpHandler handler;

  @LocalServerPort
  int port;

  @Autowired
  ApplicationContext context;

  @DynamicPropertySource
  static void modelfn(DynamicPropertyRegistry registry) {
    ENV.forEach((k, v) -> registry.add(k, () -> v));
  }

  @BeforeAll
  static void lambda() {
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
  void answersAsPredictHttpHandlerAnswersTheEvent(String event) throws Exception {
    byte[] bytes = Fixtures.bytes("http/" + event);
    HttpRequest request;
    try {
      request = ApiGatewayEvents.decode(bytes, "lambda-request-id").request();
    } catch (InvalidInputException notAnHttpRequest) {
      return; // an event that is no HTTP request (error-not-an-http-event): nothing to send
    }
    JsonNode lambda = Json.mapper().readTree(handler.handle(bytes, "lambda-request-id"));
    HttpResponse<byte[]> web = send(request);

    assertThat(web.statusCode()).isEqualTo(lambda.path("statusCode").asInt());
    for (Iterator<Map.Entry<String, JsonNode>> it = lambda.path("headers").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> h = it.next();
      assertThat(web.headers().firstValue(h.getKey())).as(h.getKey()).contains(h.getValue().asText());
    }
    byte[] expected = lambda.path("isBase64Encoded").asBoolean()
        ? Base64.getDecoder().decode(lambda.path("body").asText())
        : lambda.path("body").asText().getBytes(StandardCharsets.UTF_8);
    if (request.method().equals("HEAD")) {
      assertThat(web.body()).isEmpty();
    } else if (lambda.path("headers").path("content-type").asText().contains("json") && expected.length > 0) {
      assertThat(Json.mapper().readTree(web.body())).isEqualTo(Json.mapper().readTree(expected));
    } else {
      assertThat(web.body()).isEqualTo(expected);
    }
  }

  @Test
  void aQueryThatIsNotValidPercentEncodingIsNoServerError() throws Exception {
    // a raw request: the JDK's client refuses to send such a URI
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.getOutputStream().write(("GET /v2/models/fraud?a=%zz&b=% HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close"
          + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      String status = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
          StandardCharsets.US_ASCII)).readLine();
      // the query reaches the function (Tomcat passes it as it came) and is kept as it came, as API Gateway does
      assertThat(status).matches("HTTP/1\\.1 200.*");
    }
  }

  @Test
  void isLiveAndReadyWithTheModelLoaded() throws Exception {
    HttpResponse<byte[]> readiness = get("/actuator/health/readiness");
    assertThat(readiness.statusCode()).isEqualTo(200);
    JsonNode ready = Json.mapper().readTree(readiness.body());
    assertThat(ready.path("status").asText()).as(ready.toString()).isEqualTo("UP");
    assertThat(ready.path("components").path("model").path("status").asText()).isEqualTo("UP");

    HttpResponse<byte[]> liveness = get("/actuator/health/liveness");
    assertThat(liveness.statusCode()).isEqualTo(200);
    assertThat(Json.mapper().readTree(liveness.body()).path("status").asText()).isEqualTo("UP");
  }

  @Test
  void recordsTheModelsMetricsInMicrometer() throws Exception {
    assertThat(send(decode("http/api-v2/infer-oip.json")).statusCode()).isEqualTo(200);
    JsonNode names = Json.mapper().readTree(get("/actuator/metrics").body()).path("names");
    List<String> modelfn = new ArrayList<>();
    names.forEach(n -> {
      if (n.asText().startsWith("modelfn.")) {
        modelfn.add(n.asText());
      }
    });
    assertThat(modelfn).contains("modelfn.latency", "modelfn.rows");
  }

  @Test
  void hasNoFunctionCatalogAndIgnoresRoutingHeaders() throws Exception {
    assertThat(context.getBeanNamesForType(FunctionCatalog.class)).isEmpty();
    assertThat(context.containsBean(RoutingFunction.FUNCTION_NAME)).isFalse();

    HttpRequest plain = decode("http/api-v2/infer-oip.json");
    HttpRequest routed = decode("spring/api-v2-routing-headers.json");
    System.clearProperty("modelfn.routed");
    HttpResponse<byte[]> a = send(plain);
    HttpResponse<byte[]> b = send(routed);
    assertThat(b.statusCode()).isEqualTo(a.statusCode()).isEqualTo(200);
    assertThat(Json.mapper().readTree(b.body())).isEqualTo(Json.mapper().readTree(a.body()));
    assertThat(System.getProperty("modelfn.routed")).isNull();
  }

  private static HttpRequest decode(String fixture) {
    return ApiGatewayEvents.decode(Fixtures.bytes(fixture), "lambda-request-id").request();
  }

  private HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
    return CLIENT.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  /** The request an event stands for, with its request id as {@code x-request-id}. */
  private HttpResponse<byte[]> send(HttpRequest request) throws IOException, InterruptedException {
    String query = request.query().entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(),
            StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    var builder = java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + request.path()
        + (query.isEmpty() ? "" : "?" + query)));
    Map<String, String> headers = new HashMap<>(request.headers());
    headers.put("x-request-id", request.requestId());
    headers.forEach((k, v) -> {
      if (!CLIENT_HEADERS.contains(k)) {
        builder.header(k, v);
      }
    });
    builder.method(request.method(), request.body().length == 0 ? java.net.http.HttpRequest.BodyPublishers.noBody()
        : java.net.http.HttpRequest.BodyPublishers.ofByteArray(request.body()));
    return CLIENT.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}

package dev.modelfn.parity;

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
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same model behind every adapter, as each is deployed: every request fixture under {@code
 * events/http} (HTTP API 2.0, REST API 1.0 and function-URL events) answered by the Lambda handler
 * ({@link PredictHttpHandler}, in this JVM), and, as the HTTP request the event stands for over
 * loopback, by the Google Cloud Functions jar under the Functions Framework's invoker and by the
 * Spring Boot application jar, each in its own JVM; and, as the event itself, by Spring Cloud
 * Function's {@code FunctionInvoker} running the Spring Lambda package under the AWS Lambda runtime
 * interface client (local-dev's Lambda emulation). Status, headers (but those only an HTTP server
 * adds) and body must be equal, byte for byte: the request id is passed as each platform passes it
 * ({@code Function-Execution-Id} on Cloud Functions, {@code x-request-id} to the web application,
 * the event's own on Lambda), so even the ids agree.
 */
class AdapterParityIT {
  private static final Path ROOT = Fixtures.eventsDir().getParent();
  private static final Path GCF_JAR = ROOT.resolve("functions/gcp/target/deploy/modelfn-gcp.jar");
  private static final Path INVOKER = ROOT.resolve("tests/target/adapters/java-function-invoker.jar");
  private static final Path LOGS = ROOT.resolve("tests/target/adapters");
  /** Headers a client does not set itself (the JDK's client refuses them). */
  private static final Set<String> NOT_SENT = Set.of("host", "content-length", "connection", "expect", "upgrade");
  /** Headers of a response that only an HTTP server adds. */
  private static final Set<String> SERVER_HEADERS = Set.of("date", "server", "content-length", "transfer-encoding",
      "connection", "keep-alive", ":status");
  private static final Map<String, String> ENV = Fixtures.fraudEnv("MODELFN_MAX_INSTANCES", "8",
      "MODELFN_MAX_BODY_BYTES", "8192");

  private static final Path SPRING_LAMBDA_ZIP = ROOT.resolve("functions/spring/target/modelfn-spring-lambda.zip");
  private static PredictHttpHandler lambda;
  private static dev.modelfn.local.lambda.LocalLambdaFunction springOnLambda;
  private static final List<AdapterProcess> servers = new ArrayList<>();
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    lambda = new PredictHttpHandler(ENV);
    Path springJar = springJar();
    Assumptions.assumeTrue(Files.isRegularFile(GCF_JAR) && Files.isRegularFile(INVOKER) && springJar != null,
        "the adapters' deployable jars are built by `./mvnw package` (functions/gcp, functions/spring) before this"
            + " module's integration tests; missing here: " + Stream.of(GCF_JAR, INVOKER).filter(p -> !Files.exists(p))
            .toList() + (springJar == null ? " and functions/spring/target/*-app.jar" : ""));
    int gcfPort = AdapterProcess.freePort();
    servers.add(AdapterProcess.start("cloud-functions", gcfPort, List.of("-jar", INVOKER.toString(), "--classpath",
        GCF_JAR.toString(), "--target", "dev.modelfn.gcp.PredictHttpFunction", "--port", Integer.toString(gcfPort)),
        ENV, LOGS));
    int springPort = AdapterProcess.freePort();
    Map<String, String> springEnv = new java.util.HashMap<>(ENV);
    springEnv.put("PORT", Integer.toString(springPort));
    servers.add(AdapterProcess.start("spring-web", springPort, List.of("-jar", springJar.toString()), springEnv, LOGS));
    if (Files.isRegularFile(SPRING_LAMBDA_ZIP)) {
      Map<String, String> fnEnv = new java.util.HashMap<>(ENV);
      fnEnv.put("SPRING_CLOUD_FUNCTION_DEFINITION", "predict");
      springOnLambda = new dev.modelfn.local.lambda.LocalLambdaFunction(new dev.modelfn.local.lambda.FunctionSpec(
          "spring-predict", "org.springframework.cloud.function.adapter.aws.FunctionInvoker::handleRequest",
          SPRING_LAMBDA_ZIP, fnEnv, 2048, Duration.ofSeconds(60), List.of("-Dspring.backgroundpreinitializer.ignore=true")),
          dev.modelfn.local.lambda.LocalAccount.runtimeDir(ROOT), ROOT.resolve("local-dev/.cache"),
          Path.of(System.getProperty("java.home"), "bin", "java"), dev.modelfn.local.lambda.LocalAccount.REGION,
          line -> { });
      springOnLambda.start();
    }
  }

  @AfterAll
  static void stop() {
    servers.forEach(AdapterProcess::close);
    if (springOnLambda != null) {
      springOnLambda.close();
    }
  }

  private static Path springJar() throws IOException {
    Path target = ROOT.resolve("functions/spring/target");
    if (!Files.isDirectory(target)) {
      return null;
    }
    try (Stream<Path> s = Files.list(target)) {
      return s.filter(p -> p.getFileName().toString().endsWith("-app.jar")).findFirst().orElse(null);
    }
  }

  static Stream<String> events() throws IOException {
    List<String> all = new ArrayList<>();
    for (String dir : List.of("http/api-v2", "http/rest-v1", "http/function-url")) {
      try (Stream<Path> s = Files.list(Fixtures.path(dir))) {
        s.map(p -> dir + "/" + p.getFileName()).filter(n -> n.endsWith(".json") && !n.endsWith(".expected.json"))
            .sorted().forEach(all::add);
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("events")
  void everyAdapterAnswersAsTheLambdaHandler(String fixture) throws Exception {
    byte[] event = Fixtures.bytes(fixture);
    byte[] answer = lambda.handle(event, "parity");
    if (springOnLambda != null) {
      // FunctionInvoker gets the event as Lambda delivers it; the request id of a payload 2.0 event is its own
      var invoked = springOnLambda.invoke(event);
      assertThat(invoked.failed()).as("FunctionInvoker: %s", new String(invoked.payload(), StandardCharsets.UTF_8))
          .isFalse();
      JsonNode viaSpring = Json.mapper().readTree(invoked.payload());
      JsonNode direct = Json.mapper().readTree(answer);
      String invocationId = viaSpring.path("headers").path("x-request-id").asText();
      if (direct.path("headers").path("x-request-id").asText().equals("parity") && !invocationId.isEmpty()) {
        // an event without a request id of its own: each side names it after its invocation
        viaSpring = Json.mapper().readTree(new String(invoked.payload(), StandardCharsets.UTF_8)
            .replace(invocationId, "parity"));
      }
      assertThat(viaSpring).as("FunctionInvoker on Lambda: the response event").isEqualTo(direct);
    }
    HttpRequest req;
    try {
      req = ApiGatewayEvents.decode(event, "parity").request();
    } catch (InvalidInputException e) {
      Assumptions.abort("a malformed API Gateway event, with no HTTP request behind it to send to a web server ("
          + e.getMessage() + ")");
      return;
    }
    JsonNode expected = Json.mapper().readTree(answer);
    int status = expected.path("statusCode").asInt();
    Map<String, String> headers = new TreeMap<>();
    expected.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey().toLowerCase(), h.getValue().asText()));
    String text = expected.path("body").asText("");
    byte[] body = expected.path("isBase64Encoded").asBoolean() ? Base64.getDecoder().decode(text)
        : text.getBytes(StandardCharsets.UTF_8);

    for (AdapterProcess server : servers) {
      HttpResponse<byte[]> actual = CLIENT.send(request(server, req), HttpResponse.BodyHandlers.ofByteArray());
      Map<String, String> actualHeaders = new TreeMap<>();
      actual.headers().map().forEach((k, v) -> {
        if (!SERVER_HEADERS.contains(k.toLowerCase())) {
          actualHeaders.put(k.toLowerCase(), String.join(",", v));
        }
      });
      assertThat(actual.statusCode()).as("%s: status", server.name()).isEqualTo(status);
      assertThat(actualHeaders).as("%s: headers", server.name()).isEqualTo(headers);
      assertThat(new String(actual.body(), StandardCharsets.UTF_8)).as("%s: body", server.name())
          .isEqualTo(new String(body, StandardCharsets.UTF_8));
      assertThat(actual.body()).as("%s: body bytes", server.name()).isEqualTo(body);
    }
  }

  private static java.net.http.HttpRequest request(AdapterProcess server, HttpRequest req) {
    StringBuilder query = new StringBuilder();
    req.query().forEach((k, v) -> query.append(query.length() == 0 ? "?" : "&")
        .append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
        .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    var b = java.net.http.HttpRequest.newBuilder(server.uri(req.path() + query)).timeout(Duration.ofSeconds(30))
        .method(req.method(), req.body().length == 0 ? java.net.http.HttpRequest.BodyPublishers.noBody()
            : java.net.http.HttpRequest.BodyPublishers.ofByteArray(req.body()));
    req.headers().forEach((k, v) -> {
      if (!NOT_SENT.contains(k) && !k.equals("x-request-id")) {
        b.header(k, v);
      }
    });
    b.header("Function-Execution-Id", req.requestId());
    b.header("x-request-id", req.requestId());
    return b.build();
  }
}

package dev.modelfn.parity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelfn.aws.PredictHttpHandler;
import dev.modelfn.aws.internal.ApiGatewayEvents;
import dev.modelfn.codec.Json;
import dev.modelfn.core.http.HttpRequest;
import dev.modelfn.errors.InvalidInputException;
import dev.modelfn.local.platform.AdapterServer;
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
  private static final List<AdapterServer> servers = new ArrayList<>();
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    lambda = new PredictHttpHandler(ENV);
    Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
    int gcfPort = freePort();
    int springPort = freePort();
    var gcf = AdapterServer.command(AdapterServer.Kind.GCP, ROOT, java, "127.0.0.1", gcfPort);
    var spring = AdapterServer.command(AdapterServer.Kind.SPRING, ROOT, java, "127.0.0.1", springPort);
    Assumptions.assumeTrue(gcf.isPresent() && spring.isPresent(), "the adapters' deployable jars are built by"
        + " `./mvnw package` (functions/gcp, functions/spring, and local-dev's copy of the Functions Framework's invoker)"
        + " before this module's integration tests; missing here: " + (gcf.isEmpty() ? "the Cloud Functions jar or"
        + " the invoker " : "") + (spring.isEmpty() ? "the Spring Boot application jar" : ""));
    servers.add(start(AdapterServer.Kind.GCP, gcf.get(), gcfPort));
    servers.add(start(AdapterServer.Kind.SPRING, spring.get(), springPort));
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

  /** An adapter's deployable in its own JVM, as local-dev/up --platform runs it; its output kept for failures. */
  private static AdapterServer start(AdapterServer.Kind kind, List<String> command, int port) throws Exception {
    List<String> output = new java.util.concurrent.CopyOnWriteArrayList<>();
    AdapterServer server = AdapterServer.launch(kind, command, ENV, "127.0.0.1", port, output::add);
    try {
      server.awaitReady(Duration.ofSeconds(120));
    } catch (IllegalStateException e) {
      throw new IllegalStateException(e.getMessage() + ":\n" + String.join("\n",
          output.subList(Math.max(0, output.size() - 40), output.size())), e);
    }
    return server;
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @AfterAll
  static void stop() {
    servers.forEach(AdapterServer::close);
    if (springOnLambda != null) {
      springOnLambda.close();
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

    for (AdapterServer server : servers) {
      HttpResponse<byte[]> actual = CLIENT.send(request(server, req), HttpResponse.BodyHandlers.ofByteArray());
      Map<String, String> actualHeaders = new TreeMap<>();
      actual.headers().map().forEach((k, v) -> {
        if (!SERVER_HEADERS.contains(k.toLowerCase())) {
          actualHeaders.put(k.toLowerCase(), String.join(",", v));
        }
      });
      String name = server.kind().service();
      assertThat(actual.statusCode()).as("%s: status", name).isEqualTo(status);
      assertThat(actualHeaders).as("%s: headers", name).isEqualTo(headers);
      assertThat(new String(actual.body(), StandardCharsets.UTF_8)).as("%s: body", name)
          .isEqualTo(new String(body, StandardCharsets.UTF_8));
      assertThat(actual.body()).as("%s: body bytes", name).isEqualTo(body);
    }
  }

  private static java.net.http.HttpRequest request(AdapterServer server, HttpRequest req) {
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

package dev.modelfn.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelfn.testing.Fixtures;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code local-dev/up} as a user runs it: the script starts, prints {@code ready}, answers every
 * HTTP API event fixture that a client can send over HTTP exactly as the handler's expected
 * response says, serves a model given with {@code --model/--name}, and stops on Ctrl-C with no
 * process left behind.
 */
class LocalDevUpIT {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Path HOME = Path.of(System.getProperty("modelfn.home", "..")).toAbsolutePath().normalize();
  /**
   * Fixtures a client cannot produce over HTTP against the local {@code $default} stage: events the
   * gateway never builds (not an HTTP event, broken base64) and one from a named stage.
   */
  private static final Set<String> NOT_HTTP = Set.of("error-not-an-http-event.json", "error-invalid-base64.json",
      "staged-path.json");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static Up up;

  /** A running {@code local-dev/up}. */
  record Up(Process process, int port, int edgePort, List<String> output) implements AutoCloseable {
    static Up start(String... args) throws Exception {
      int port = freePort();
      int edgePort = freePort();
      List<String> cmd = new ArrayList<>(List.of(HOME.resolve("local-dev/up").toString(), "--port",
          Integer.toString(port), "--edge-port", Integer.toString(edgePort)));
      cmd.addAll(List.of(args));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.environment().put("MODELFN_SKIP_BUILD", "1");
      Process p = pb.start();
      List<String> out = new CopyOnWriteArrayList<>();
      CompletableFuture<Boolean> ready = new CompletableFuture<>();
      Thread t = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            out.add(line);
            if (line.contains("ready")) {
              ready.complete(true);
            }
          }
        } catch (IOException e) {
          // process ended
        }
        ready.complete(false);
      });
      t.setDaemon(true);
      t.start();
      boolean ok = ready.get(90, TimeUnit.SECONDS);
      assertThat(ok).as("local-dev/up printed a ready line; output:%n%s", String.join("\n", out)).isTrue();
      return new Up(p, port, edgePort, out);
    }

    HttpResponse<byte[]> send(HttpRequest.Builder b, String path) throws Exception {
      return HTTP.send(b.uri(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Ctrl-C, as a user stops it. */
    int interrupt() throws Exception {
      new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
      assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("stopped after SIGINT").isTrue();
      return process.exitValue();
    }

    @Override
    public void close() {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  @BeforeAll
  static void startUp() throws Exception {
    up = Up.start("--quiet", "-e", "MODELFN_MAX_INSTANCES=8", "-e", "MODELFN_MAX_BODY_BYTES=8192");
  }

  @AfterAll
  static void stopUp() {
    if (up != null) {
      up.close();
    }
  }

  static Stream<String> apiEvents() throws IOException {
    try (Stream<Path> s = Files.list(Fixtures.path("http/api-v2"))) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".json") && !n.endsWith(".expected.json") && !NOT_HTTP.contains(n))
          .sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("apiEvents")
  void answersEachFixtureRequestOverHttpAsTheHandlerDoes(String name) throws Exception {
    JsonNode event = MAPPER.readTree(Fixtures.bytes("http/api-v2/" + name));
    JsonNode expected = MAPPER.readTree(Fixtures.bytes("http/api-v2/" + name.replace(".json", ".expected.json")));
    String method = event.at("/requestContext/http/method").asText();
    String query = event.path("rawQueryString").asText("");
    byte[] body = new byte[0];
    if (event.hasNonNull("body")) {
      body = event.path("isBase64Encoded").asBoolean() ? Base64.getDecoder().decode(event.get("body").asText())
          : event.get("body").asText().getBytes(StandardCharsets.UTF_8);
    }
    HttpRequest.Builder b = HttpRequest.newBuilder().method(method, body.length == 0
        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    Set<String> restricted = Set.of("host", "content-length", "connection", "x-forwarded-for", "x-forwarded-port",
        "x-forwarded-proto", "expect", "upgrade");
    event.path("headers").fields().forEachRemaining(h -> {
      if (!restricted.contains(h.getKey())) {
        b.header(h.getKey(), h.getValue().asText());
      }
    });
    HttpResponse<byte[]> r = up.send(b, event.get("rawPath").asText() + (query.isEmpty() ? "" : "?" + query));

    String requestId = r.headers().firstValue("apigw-requestid").orElseThrow();
    String expectedId = event.at("/requestContext/requestId").asText();
    assertThat(r.statusCode()).isEqualTo(expected.get("statusCode").asInt());
    expected.path("headers").fields().forEachRemaining(h -> assertThat(r.headers().firstValue(h.getKey()))
        .as(h.getKey()).contains(h.getValue().asText().replace(expectedId, requestId)));
    JsonNode expectedBody = expected.get("body");
    if (expectedBody.isTextual()) {
      assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(expectedBody.asText());
    } else if (method.equals("HEAD")) {
      assertThat(r.body()).isEmpty();
    } else {
      JsonNode actual = MAPPER.readTree(new String(r.body(), StandardCharsets.UTF_8).replace(requestId, expectedId));
      assertThat(actual).isEqualTo(expectedBody);
    }
  }

  @Test
  void appliesEnvironmentPassedWithDashEToTheFunction() throws Exception {
    HttpResponse<byte[]> r = up.send(HttpRequest.newBuilder()
        .POST(HttpRequest.BodyPublishers.ofByteArray(Fixtures.bytes("batch/fraud-sample.csv")))
        .header("content-type", "text/csv").header("accept", "application/json"), "/invocations");
    // 100 rows are over the MODELFN_MAX_INSTANCES=8 given with -e: the function saw its environment
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(MAPPER.readTree(r.body()).at("/detail").asText()).contains("8");
  }

  @Test
  void servesAModelFileUnderTheGivenNameOnTheCustomRuntimeAndMatchesTheGoldenPredictions(@TempDir Path dir) throws Exception {
    Path model = dir.resolve("scoring.onnx");
    Files.copy(Fixtures.path("models/fraud/fraud.onnx"), model);
    Files.copy(Fixtures.path("models/fraud/fraud.features.json"), dir.resolve("scoring.features.json"));
    try (Up own = Up.start("--quiet", "--model", model.toString(), "--name", "risk", "--runtime", "custom")) {
      assertThat(own.send(HttpRequest.newBuilder().GET(), "/v2/models/risk").statusCode()).isEqualTo(200);
      assertThat(own.send(HttpRequest.newBuilder().GET(), "/v2/models/fraud").statusCode()).isEqualTo(404);
      HttpResponse<byte[]> r = own.send(HttpRequest.newBuilder()
          .POST(HttpRequest.BodyPublishers.ofByteArray(Fixtures.bytes("batch/fraud-sample.csv")))
          .header("content-type", "text/csv").header("accept", "application/json"), "/invocations");
      assertThat(r.statusCode()).isEqualTo(200);
      JsonNode predictions = MAPPER.readTree(r.body()).get("predictions");
      JsonNode golden = MAPPER.readTree(Fixtures.bytes("models/fraud/golden-predictions.json")).get("predictions");
      assertThat(predictions).hasSize(golden.size());
      for (int i = 0; i < golden.size(); i++) {
        assertThat(predictions.get(i)).as("row %d", i + 1).isEqualTo(golden.get(i).get("prediction"));
      }

      List<ProcessHandle> children = own.process().descendants().toList();
      assertThat(children).as("the function runs in its own JVM").isNotEmpty();
      assertThat(own.interrupt()).as("the JVM's exit status after SIGINT (128 + 2)").isEqualTo(130);
      assertThat(children).noneMatch(ProcessHandle::isAlive);
      try (ServerSocket s = new ServerSocket(own.port(), 1, java.net.InetAddress.getLoopbackAddress())) {
        assertThat(s.isBound()).as("port freed").isTrue();
      }
    }
  }

  @Test
  void refusesATakenPortWithAClearMessage() throws Exception {
    ProcessBuilder pb = new ProcessBuilder(HOME.resolve("local-dev/up").toString(), "--port",
        Integer.toString(up.port())).redirectErrorStream(true);
    pb.environment().put("MODELFN_SKIP_BUILD", "1");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(out).contains("port " + up.port()).contains("already in use");
  }

  @Test
  void refusesATakenEdgePortWithAClearMessage() throws Exception {
    ProcessBuilder pb = new ProcessBuilder(HOME.resolve("local-dev/up").toString(), "--port",
        Integer.toString(freePort()), "--edge-port", Integer.toString(up.edgePort())).redirectErrorStream(true);
    pb.environment().put("MODELFN_SKIP_BUILD", "1");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(out).contains("port " + up.edgePort()).contains("already in use").contains("--edge-port");
  }

  @Test
  void printsTheLocalCloudAndServesTheFunctionThroughTheLambdaApi() throws Exception {
    String table = String.join("\n", up.output());
    assertThat(table).contains("edge").contains("http://127.0.0.1:" + up.edgePort())
        .contains("bucket modelfn-data").contains("queue modelfn-batch-objects")
        .contains("stream modelfn-input-stream").contains("local cloud started in");
    String event = new String(Fixtures.bytes("http/api-v2/model-metadata.json"), StandardCharsets.UTF_8);
    HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + up.edgePort()
            + "/2015-03-31/functions/modelfn-predict/invocations"))
        .header("Authorization", "AWS4-HMAC-SHA256 Credential=test/20261124/us-east-1/lambda/aws4_request, "
            + "SignedHeaders=host, Signature=0")
        .POST(HttpRequest.BodyPublishers.ofString(event)).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("X-Amz-Function-Error")).isEmpty();
    JsonNode answer = MAPPER.readTree(r.body());
    assertThat(answer.get("statusCode").asInt()).isEqualTo(200);
    assertThat(MAPPER.readTree(answer.get("body").asText()).get("name").asText()).isEqualTo("fraud");
  }

  @Test
  void refusesAMissingModelFile() throws Exception {
    ProcessBuilder pb = new ProcessBuilder(HOME.resolve("local-dev/up").toString(), "--model", "/nonexistent/m.onnx")
        .redirectErrorStream(true);
    pb.environment().put("MODELFN_SKIP_BUILD", "1");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(out).contains("--model /nonexistent/m.onnx: no such file");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}

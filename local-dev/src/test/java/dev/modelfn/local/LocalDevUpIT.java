package dev.modelfn.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelfn.local.lambda.LocalAccount;
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
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code local-dev/up} as a user runs it: the script starts, prints {@code ready}, answers every
 * HTTP API event fixture that a client can send over HTTP exactly as the handler's expected
 * response says, serves a model given with {@code --model/--name} from every function, and stops on
 * Ctrl-C (also when started with SIGINT ignored) with no process left behind.
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
      return start(false, args);
    }

    /**
     * @param sigintIgnored start it as a non-interactive shell starts a background job (a script's
     *     {@code local-dev/up &}, some CI runners, a build launched so): with SIGINT ignored
     */
    static Up start(boolean sigintIgnored, String... args) throws Exception {
      int port = freePort();
      int edgePort = freePort();
      List<String> cmd = new ArrayList<>();
      if (sigintIgnored) {
        cmd.addAll(List.of("bash", "-c", "trap '' INT; exec \"$@\"", "bash"));
      }
      cmd.addAll(List.of(HOME.resolve("local-dev/up").toString(), "--port",
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
            if (line.contains("Ctrl-C")) { // the last line of the ready block
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
      assertThat(ok).as("local-dev/up printed that it is ready and how to stop it; output:%n%s", String.join("\n", out))
          .isTrue();
      assertThat(out).anyMatch(l -> l.contains("modelfn local-dev ready at"));
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

  /**
   * {@code --model/--name}: the model endpoint and every function of the local cloud serve that
   * model (async jobs, batch objects, stream records); with {@code --services s3,sqs} the stream
   * of cloud.json and its trigger are left out with a note, and the records queue still feeds
   * the stream function.
   */
  @Test
  void servesAModelFileUnderTheGivenNameEverywhereOnTheCustomRuntimeAndMatchesTheGoldenPredictions(@TempDir Path dir)
      throws Exception {
    Path model = dir.resolve("scoring.onnx");
    Files.copy(Fixtures.path("models/fraud/fraud.onnx"), model);
    Files.copy(Fixtures.path("models/fraud/fraud.features.json"), dir.resolve("scoring.features.json"));
    try (Up own = Up.start("--quiet", "--model", model.toString(), "--name", "risk", "--runtime", "custom",
        "--services", "s3,sqs")) {
      String output = String.join("\n", own.output());
      assertThat(output).as("a one-line note, no stack trace").doesNotContain("Exception")
          .contains("kinesis is not started (--services s3,sqs): skipped stream modelfn-input-stream"
              + " (MODELFN_INPUT_STREAM), trigger stream modelfn-input-stream -> modelfn-stream");
      assertThat(output).as("the ready line's examples").contains("/v2/models/risk").doesNotContain("/v2/models/fraud");

      URI edge = URI.create("http://127.0.0.1:" + own.edgePort());
      var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(LocalAccount.ACCESS_KEY_ID,
          LocalAccount.SECRET_ACCESS_KEY));
      try (S3Client s3 = S3Client.builder().endpointOverride(edge).region(Region.of(LocalAccount.REGION))
              .credentialsProvider(credentials).forcePathStyle(true).httpClient(UrlConnectionHttpClient.create())
              .build();
          SqsClient sqs = SqsClient.builder().endpointOverride(edge).region(Region.of(LocalAccount.REGION))
              .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build()) {
        // async: accepted by the endpoint, run by the worker
        HttpResponse<byte[]> submitted = own.send(HttpRequest.newBuilder()
            .POST(HttpRequest.BodyPublishers.ofByteArray(Fixtures.bytes("async/request.json")))
            .header("content-type", "application/json"), "/v2/models/risk/infer-async");
        assertThat(submitted.statusCode()).as(new String(submitted.body(), StandardCharsets.UTF_8)).isEqualTo(202);
        String job = MAPPER.readTree(submitted.body()).get("id").asText();
        // batch: an object under incoming/
        s3.putObject(p -> p.bucket("modelfn-data").key("incoming/risk.csv"),
            RequestBody.fromFile(Fixtures.path("batch/fraud-sample.csv")));
        // stream: a record on the records queue
        String record = new String(Base64.getDecoder().decode(MAPPER.readTree(Fixtures.bytes(
            "stream/kinesis-records.json")).at("/Records/0/kinesis/data").asText()), StandardCharsets.UTF_8);
        String queues = edge + "/" + LocalAccount.ID + "/";
        sqs.sendMessage(m -> m.queueUrl(queues + "modelfn-records").messageBody(record));

        JsonNode status = await("the async job", () -> {
          JsonNode st = MAPPER.readTree(own.send(HttpRequest.newBuilder().GET(), "/v2/jobs/" + job).body());
          return st.path("status").asText().matches("succeeded|failed") ? st : null;
        }, own::output);
        assertThat(status.path("status").asText()).as(status.toString()).isEqualTo("succeeded");
        JsonNode manifest = await("the batch manifest", () -> {
          try {
            JsonNode m = MAPPER.readTree(s3.getObjectAsBytes(g -> g.bucket("modelfn-data")
                .key("manifests/risk.csv.json")).asByteArray());
            return m.path("status").asText().equals("running") ? null : m;
          } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException e) {
            return null;
          }
        }, own::output);
        assertThat(manifest.path("status").asText()).as(manifest.toString()).isEqualTo("completed");
        assertThat(manifest.at("/model/name").asText()).isEqualTo("risk");
        JsonNode prediction = await("the stream's prediction", () -> {
          var got = sqs.receiveMessage(r -> r.queueUrl(queues + "modelfn-predictions").waitTimeSeconds(1)).messages();
          return got.isEmpty() ? null : MAPPER.readTree(got.get(0).body());
        }, own::output);
        assertThat(prediction.path("model_name").asText()).as(prediction.toString()).isEqualTo("risk");
      }

      assertThat(own.send(HttpRequest.newBuilder().GET(), "/v2/models/risk").statusCode()).isEqualTo(200);
      String example = own.output().stream().filter(l -> l.contains("/v2/models/risk/infer ")).findFirst().orElseThrow();
      String exampleBody = example.substring(example.indexOf("-d '") + 4, example.lastIndexOf('\''));
      HttpResponse<byte[]> answered = own.send(HttpRequest.newBuilder().POST(HttpRequest.BodyPublishers.ofString(
          exampleBody)).header("content-type", "application/json"), "/v2/models/risk/infer");
      assertThat(answered.statusCode()).as("the ready line's infer example, as printed: %s", example).isEqualTo(200);
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

  @org.junit.jupiter.params.ParameterizedTest(name = "--platform {0}")
  @org.junit.jupiter.params.provider.CsvSource({"spring, spring-web", "gcp, cloud-functions"})
  void servesTheModelThroughAnotherAdapterWithPlatform(String platform, String service) throws Exception {
    boolean built = platform.equals("gcp") ? Files.isRegularFile(HOME.resolve("functions/gcp/target/deploy/modelfn-gcp.jar"))
        : Files.isDirectory(HOME.resolve("functions/spring/target")) && Files.list(HOME.resolve("functions/spring/target"))
            .anyMatch(f -> f.getFileName().toString().endsWith("-app.jar"));
    org.junit.jupiter.api.Assumptions.assumeTrue(built, "the " + platform + " adapter is built by `./mvnw package`"
        + " before local-dev's integration tests (local-dev/up builds it when it runs outside the tests)");
    try (Up other = Up.start("--no-cloud", "--platform", platform)) {
      assertThat(other.output()).anyMatch(l -> l.contains("served by " + service));
      HttpResponse<byte[]> metadata = other.send(HttpRequest.newBuilder().GET(), "/v2/models/fraud");
      assertThat(metadata.statusCode()).isEqualTo(200);
      assertThat(MAPPER.readTree(metadata.body()).path("inputs").get(0).path("name").asText()).isEqualTo("input");
      String example = other.output().stream().filter(l -> l.contains("/infer -H")).findFirst().orElseThrow();
      String body = example.substring(example.indexOf("-d '") + 4, example.lastIndexOf('\''));
      HttpResponse<byte[]> infer = other.send(HttpRequest.newBuilder().header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)), "/v2/models/fraud/infer");
      assertThat(infer.statusCode()).as(new String(infer.body(), StandardCharsets.UTF_8)).isEqualTo(200);
      List<ProcessHandle> children = other.process().descendants().toList();
      assertThat(children).as("the adapter runs in its own JVM").isNotEmpty();
      assertThat(other.interrupt()).isEqualTo(130);
      assertThat(children).noneMatch(ProcessHandle::isAlive);
    }
  }

  @Test
  void stopsOnCtrlCWhenStartedWithSigintIgnored() throws Exception {
    try (Up background = Up.start(true, "--quiet", "--no-cloud")) {
      List<ProcessHandle> children = background.process().descendants().toList();
      assertThat(children).as("the function runs in its own JVM").isNotEmpty();
      assertThat(background.interrupt()).as("the JVM's exit status after SIGINT (128 + 2)").isEqualTo(130);
      assertThat(children).noneMatch(ProcessHandle::isAlive);
    }
  }

  @Test
  void saysWhatToDoWhenNodeIsMissingForKinesis(@TempDir Path bin) throws Exception {
    // a PATH with what the script needs, and no node or npm
    for (String tool : List.of("bash", "env", "dirname", "basename")) {
      Files.createSymbolicLink(bin.resolve(tool), Path.of("/usr/bin", tool).toRealPath());
    }
    ProcessBuilder pb = new ProcessBuilder(HOME.resolve("local-dev/up").toString(), "--port",
        Integer.toString(freePort()), "--edge-port", Integer.toString(freePort())).redirectErrorStream(true);
    pb.environment().put("MODELFN_SKIP_BUILD", "1");
    pb.environment().put("PATH", bin.toString());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isEqualTo(3);
    assertThat(out).contains("no 'node' on the PATH").contains("install Node.js 20 with npm")
        .contains("local-dev/up --services s3,sqs").doesNotContain("Cannot run program");
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
    assertThat(up.output().stream().filter(l -> l.contains("queue modelfn-jobs (dead letters"))).as("the status table,"
        + " printed once").hasSize(1);
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

  interface Probe {
    JsonNode get() throws Exception;
  }

  /** Polls until the probe answers (two minutes at most: functions start cold on a busy machine). */
  private static JsonNode await(String what, Probe probe, java.util.function.Supplier<List<String>> log)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      JsonNode got = probe.get();
      if (got != null) {
        return got;
      }
      Thread.sleep(500);
    }
    List<String> lines = List.copyOf(log.get());
    throw new AssertionError(what + ": nothing after 120 s; the last lines of local-dev/up:\n"
        + String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size())));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}

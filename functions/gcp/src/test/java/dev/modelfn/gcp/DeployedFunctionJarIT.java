package dev.modelfn.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.functions.invoker.runner.Invoker;
import dev.modelfn.codec.Json;
import dev.modelfn.testing.Fixtures;
import java.net.InetAddress;
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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployable jar ({@code target/deploy/modelfn-gcp.jar}) run as Cloud Functions' Java runtime
 * runs it: the Functions Framework's invoker in its own JVM, the function on its own class loader
 * (which sees only the framework's API of the invoker's classes), configured by environment
 * variables. Catches what the in-process tests cannot: a class or service file missing from the
 * jar, ONNX Runtime's natives, the invoker's older Jackson kept away from the function's.
 */
class DeployedFunctionJarIT {
  @TempDir
  Path logs;

  @Test
  void servesPredictionsFromTheDeployableJar() throws Exception {
    Path jar = Path.of("target/deploy/modelfn-gcp.jar");
    assertThat(jar).exists();
    String invoker = Path.of(Invoker.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    int port;
    try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar", invoker,
        "--classpath", jar.toAbsolutePath().toString(), "--target", PredictHttpFunction.class.getName(), "--port",
        Integer.toString(port)));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(logs.resolve("function.log").toFile());
    pb.environment().putAll(Fixtures.fraudEnv("MODELFN_LOG_LEVEL", "INFO", "MODELFN_METRICS_ENABLED", "true",
        GcpEnvVars.PROJECT, "modelfn-demo", "MODELFN_MODEL_CACHE_DIR", logs.resolve("models").toString()));
    pb.environment().put("FUNCTION_SIGNATURE_TYPE", "http");
    Process p = pb.start();
    try {
      HttpClient client = HttpClient.newHttpClient();
      URI base = URI.create("http://127.0.0.1:" + port);
      HttpResponse<String> ready = null;
      for (int i = 0; i < 150 && (ready == null || ready.statusCode() != 200); i++) {
        try {
          ready = client.send(HttpRequest.newBuilder(base.resolve("/v2/health/ready")).build(),
              HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException notYet) {
          assertThat(p.isAlive()).as("the invoker is running: %s", log()).isTrue();
          Thread.sleep(200);
        }
      }
      assertThat(ready).isNotNull();
      assertThat(ready.statusCode()).isEqualTo(200);

      JsonNode event = Json.mapper().readTree(Fixtures.bytes("http/api-v2/predict-named-instances.json"));
      HttpResponse<String> predicted = client.send(HttpRequest.newBuilder(base.resolve("/v1/models/fraud:predict"))
          .header("content-type", "application/json")
          .header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
          .POST(HttpRequest.BodyPublishers.ofString(event.path("body").asText())).timeout(Duration.ofSeconds(30))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(predicted.statusCode()).isEqualTo(200);
      assertThat(Json.mapper().readTree(predicted.body()).path("predictions")).isNotEmpty();
    } finally {
      p.destroy();
      p.waitFor();
    }
    // Cloud Logging's format on standard output: the model's load line, and the metrics of the
    // request tied to its trace
    List<JsonNode> lines = new ArrayList<>();
    for (String l : Files.readAllLines(logs.resolve("function.log"), StandardCharsets.UTF_8)) {
      if (l.startsWith("{")) {
        lines.add(Json.mapper().readTree(l));
      }
    }
    assertThat(lines).as(log()).anyMatch(l -> l.path("message").asText().equals("model loaded")
        && l.path("severity").asText().equals("INFO") && l.path("model").asText().equals("fraud"));
    assertThat(lines).as(log()).anyMatch(l -> l.path("message").asText().equals(LogEntryMetrics.MESSAGE)
        && l.path("logging.googleapis.com/trace").asText()
            .equals("projects/modelfn-demo/traces/4bf92f3577b34da6a3ce929d0e0e4736"));
    assertThat(lines).noneMatch(l -> l.has("_aws"));
  }

  private String log() {
    try {
      return Files.readString(logs.resolve("function.log"));
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}

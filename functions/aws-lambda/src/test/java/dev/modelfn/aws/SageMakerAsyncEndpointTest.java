package dev.modelfn.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.modelfn.aws.internal.AwsPredictors;
import dev.modelfn.core.async.AsyncEndpoint;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * {@code InvokeEndpointAsync} through the SDK against a loopback server that answers as SageMaker
 * Runtime does: {@code POST /endpoints/{name}/async-invocations} with the input location and content
 * type in headers, 202 with the output and failure locations in headers and the inference id in the
 * body; 400 {@code ValidationError} for an unknown endpoint; 503 when unavailable.
 */
class SageMakerAsyncEndpointTest {
  private static HttpServer server;
  private static final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
  private static volatile boolean unavailable;

  @BeforeAll
  static void start() throws Exception {
    System.setProperty("aws.accessKeyId", "test");
    System.setProperty("aws.secretAccessKey", "test");
    System.setProperty("aws.region", "eu-west-1");
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/endpoints/", ex -> {
      ex.getRequestBody().readAllBytes();
      var h = ex.getRequestHeaders();
      requests.add(Map.of("path", ex.getRequestURI().getPath(), "method", ex.getRequestMethod(),
          "input", String.valueOf(h.getFirst("X-Amzn-SageMaker-InputLocation")),
          "type", String.valueOf(h.getFirst("X-Amzn-SageMaker-Content-Type")),
          "accept", String.valueOf(h.getFirst("X-Amzn-SageMaker-Accept")),
          "id", String.valueOf(h.getFirst("X-Amzn-SageMaker-Inference-Id")),
          "signed", String.valueOf(String.valueOf(h.getFirst("Authorization")).startsWith("AWS4-HMAC-SHA256"))));
      byte[] body;
      int status;
      if (unavailable) {
        status = 503;
        ex.getResponseHeaders().add("x-amzn-ErrorType", "ServiceUnavailable");
        body = "{\"message\":\"Service is unavailable\"}".getBytes(StandardCharsets.UTF_8);
      } else if (!ex.getRequestURI().getPath().equals("/endpoints/fraud-async/async-invocations")) {
        status = 400;
        ex.getResponseHeaders().add("x-amzn-ErrorType", "ValidationError");
        body = "{\"message\":\"Endpoint not found.\"}".getBytes(StandardCharsets.UTF_8);
      } else {
        status = 202;
        String id = h.getFirst("X-Amzn-SageMaker-Inference-Id");
        ex.getResponseHeaders().add("X-Amzn-SageMaker-OutputLocation", "s3://sm-out/fraud-async/" + id + ".out");
        ex.getResponseHeaders().add("X-Amzn-SageMaker-FailureLocation",
            "s3://sm-failures/fraud-async/" + id + "-error.out");
        body = ("{\"InferenceId\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
      }
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(status, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.start();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
  }

  private static SageMakerAsyncEndpoint endpoint(String name) {
    return new SageMakerAsyncEndpoint(AwsPredictors.sageMakerClient(Map.of("AWS_ENDPOINT_URL",
        "http://127.0.0.1:" + server.getAddress().getPort())), name);
  }

  @Test
  void queuesTheStoredInputAndReturnsWhereTheAnswerWillBe() {
    AsyncEndpoint.Invocation inv = endpoint("fraud-async").invoke("s3://data/jobs/j-1/input", "application/json",
        "j-1");
    assertThat(inv.inferenceId()).isEqualTo("j-1");
    assertThat(inv.outputLocation()).isEqualTo("s3://sm-out/fraud-async/j-1.out");
    assertThat(inv.failureLocation()).isEqualTo("s3://sm-failures/fraud-async/j-1-error.out");
    assertThat(requests).last().isEqualTo(Map.of("path", "/endpoints/fraud-async/async-invocations", "method", "POST",
        "input", "s3://data/jobs/j-1/input", "type", "application/json", "accept", "application/json", "id", "j-1",
        "signed", "true"));
  }

  @Test
  void theJobWorkerNeedsNoModelOfItsOwnWhenAnEndpointRunsTheJobs() {
    String local = "http://127.0.0.1:" + server.getAddress().getPort();
    AsyncJobHandler worker = new AsyncJobHandler(Map.of("MODELFN_DATA_BUCKET", "data", "MODELFN_JOBS_QUEUE_URL",
        local + "/000000000000/jobs", "MODELFN_SAGEMAKER_ASYNC_ENDPOINT", "fraud-async", "MODELFN_CALLBACK_SECRET",
        "test-secret-0123456789abcdef", "AWS_ENDPOINT_URL", local, "MODELFN_METRICS_ENABLED", "false"));
    assertThat(worker).isNotNull();
    assertThatThrownBy(() -> new AsyncJobHandler(Map.of("MODELFN_DATA_BUCKET", "data", "MODELFN_JOBS_QUEUE_URL",
        local + "/000000000000/jobs", "MODELFN_SAGEMAKER_ASYNC_ENDPOINT", "fraud-async",
        "MODELFN_ASYNC_POLL_SECONDS", "120", "MODELFN_ASYNC_POLL_MAX_SECONDS", "60", "AWS_ENDPOINT_URL", local)))
        .hasMessageContaining("MODELFN_ASYNC_POLL_MAX_SECONDS");
  }

  @Test
  void refusalIsFinalAndUnavailabilityIsTransient() {
    assertThatThrownBy(() -> endpoint("nope").invoke("s3://data/jobs/j-2/input", "application/json", "j-2"))
        .isInstanceOf(AsyncEndpoint.RefusedException.class).hasMessageContaining("ValidationError");
    unavailable = true;
    try {
      assertThatThrownBy(() -> endpoint("fraud-async").invoke("s3://data/jobs/j-3/input", "application/json", "j-3"))
          .isInstanceOf(AwsServiceException.class).isNotInstanceOf(AsyncEndpoint.RefusedException.class);
    } finally {
      unavailable = false;
    }
  }
}

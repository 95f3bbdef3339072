package dev.modelfn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.modelfn.callback.CallbackVerifier;
import dev.modelfn.e2e.cloud.TestCloudExtension;
import dev.modelfn.local.cloud.CloudConfig;
import dev.modelfn.testing.Fixtures;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Async inference end to end: the predict function takes jobs (through the Lambda API, as API
 * Gateway would hand them over), the job worker runs them from the queue and posts signed
 * callbacks to a receiver on this machine.
 */
class AsyncJobsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = "async-it-secret-0123456789abcdef";

  @RegisterExtension
  static final TestCloudExtension CLOUD = new TestCloudExtension(AsyncJobsIT::config);

  static CloudConfig config() {
    String model = "\"MODELFN_MODEL_URI\": \"classpath:models/fraud/fraud.onnx\", \"MODELFN_MODEL_NAME\": \"fraud\","
        + " \"MODELFN_METRICS_ENABLED\": \"false\", \"MODELFN_DATA_BUCKET\": \"async-data\"";
    String code = "\"code\": \"local-dev/target/functions/modelfn-aws-lambda.zip\", \"memoryMb\": 1024,"
        + " \"timeoutSeconds\": 60";
    String json = """
        {
          "buckets": [ { "name": "async-data" } ],
          "queues": [ { "name": "jobs", "visibilityTimeoutSeconds": 70 }, { "name": "callbacks-dlq" },
                      { "name": "strict-jobs", "visibilityTimeoutSeconds": 70 }, { "name": "strict-dlq" } ],
          "functions": [
            { "name": "predict", "handler": "dev.modelfn.aws.PredictHttpHandler::handleRequest", %2$s,
              "environment": { %1$s, "MODELFN_JOBS_QUEUE_URL": "${queue:jobs}",
                               "MODELFN_CALLBACK_ALLOW_CIDRS": "127.0.0.0/8", "MODELFN_ASYNC_INLINE_BYTES": "2048" } },
            { "name": "async", "handler": "dev.modelfn.aws.AsyncJobHandler::handleRequest", %2$s,
              "environment": { %1$s, "MODELFN_JOBS_QUEUE_URL": "${queue:jobs}",
                               "MODELFN_CALLBACK_DLQ_URL": "${queue:callbacks-dlq}",
                               "MODELFN_CALLBACK_SECRET": "%3$s", "MODELFN_CALLBACK_ALLOW_CIDRS": "127.0.0.0/8",
                               "MODELFN_CALLBACK_MAX_ATTEMPTS": "3", "MODELFN_CALLBACK_BACKOFF_SECONDS": "1",
                               "MODELFN_CALLBACK_BACKOFF_MAX_SECONDS": "2" } },
            { "name": "predict-strict", "handler": "dev.modelfn.aws.PredictHttpHandler::handleRequest", %2$s,
              "environment": { %1$s, "MODELFN_JOBS_QUEUE_URL": "${queue:strict-jobs}",
                               "MODELFN_CALLBACK_ALLOW_CIDRS": "127.0.0.0/8" } },
            { "name": "async-strict", "handler": "dev.modelfn.aws.AsyncJobHandler::handleRequest", %2$s,
              "environment": { %1$s, "MODELFN_JOBS_QUEUE_URL": "${queue:strict-jobs}",
                               "MODELFN_CALLBACK_DLQ_URL": "${queue:strict-dlq}",
                               "MODELFN_CALLBACK_SECRET": "%3$s", "MODELFN_CALLBACK_MAX_ATTEMPTS": "1" } }
          ],
          "triggers": [
            { "function": "async", "queue": "jobs", "batchSize": 5, "reportBatchItemFailures": true },
            { "function": "async-strict", "queue": "strict-jobs", "batchSize": 5, "reportBatchItemFailures": true }
          ]
        }""".formatted(model, code, SECRET);
    return CloudConfig.parse(json, "AsyncJobsIT");
  }

  /** A callback as the receiver got it. */
  record Delivery(String path, Map<String, List<String>> headers, byte[] body) {
    String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(e -> e.getValue().get(0))
          .findFirst().orElse(null);
    }
  }

  private static final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
  private static HttpServer receiver;
  private static LambdaClient lambda;
  private static SqsClient sqs;
  private static S3Client s3;

  @BeforeAll
  static void start() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext("/", exchange -> {
      try (InputStream in = exchange.getRequestBody()) {
        deliveries.add(new Delivery(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()),
            in.readAllBytes()));
      }
      exchange.sendResponseHeaders(exchange.getRequestURI().getPath().startsWith("/down") ? 503 : 204, -1);
      exchange.close();
    });
    receiver.start();
    lambda = CLOUD.cloud().lambda();
    sqs = CLOUD.cloud().sqs();
    s3 = CLOUD.cloud().s3();
  }

  @AfterAll
  static void stop() {
    if (receiver != null) {
      receiver.stop(0);
    }
    if (lambda != null) {
      lambda.close();
      sqs.close();
      s3.close();
    }
  }

  private static String receiverUrl(String path) {
    return "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
  }

  /** The fixture's submit event with another callback URL, Idempotency-Key and (optionally) more rows. */
  private static ObjectNode submitEvent(String callbackUrl, String idempotencyKey, int extraRows) throws Exception {
    ObjectNode event = (ObjectNode) JSON.readTree(Fixtures.bytes("async/infer-async.json"));
    ObjectNode body = (ObjectNode) JSON.readTree(event.get("body").asText());
    ((ObjectNode) body.get("parameters")).put("callback_url", callbackUrl);
    ObjectNode input = (ObjectNode) body.get("inputs").get(0);
    ArrayNode data = (ArrayNode) input.get("data");
    for (int i = 0; i < extraRows; i++) {
      data.add(data.get(i % 2).deepCopy());
    }
    ((ArrayNode) input.get("shape")).set(0, data.size());
    event.put("body", body.toString());
    ((ObjectNode) event.get("headers")).put("idempotency-key", idempotencyKey);
    ((ObjectNode) event.get("headers")).put("content-length", Integer.toString(body.toString().length()));
    return event;
  }

  private static JsonNode invoke(String function, JsonNode event) throws Exception {
    var r = lambda.invoke(i -> i.functionName(function).payload(SdkBytes.fromUtf8String(event.toString())));
    assertThat(r.functionError()).as(r.payload().asUtf8String()).isNull();
    return JSON.readTree(r.payload().asByteArray());
  }

  private static String submit(String function, ObjectNode event) throws Exception {
    JsonNode resp = invoke(function, event);
    assertThat(resp.get("statusCode").asInt()).as(resp.toString()).isEqualTo(202);
    JsonNode body = JSON.readTree(resp.get("body").asText());
    assertThat(body.get("status").asText()).isIn("queued", "running", "succeeded"); // a repeat sees the job on
    return body.get("id").asText();
  }

  private static JsonNode status(String function, String id) throws Exception {
    ObjectNode event = (ObjectNode) JSON.readTree(Fixtures.bytes("async/job-status.json"));
    event.put("rawPath", "/v2/jobs/" + id);
    ((ObjectNode) event.get("requestContext").get("http")).put("path", "/v2/jobs/" + id);
    JsonNode resp = invoke(function, event);
    assertThat(resp.get("statusCode").asInt()).as(resp.toString()).isEqualTo(200);
    return JSON.readTree(resp.get("body").asText());
  }

  private static void await(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited %s for %s", limit, what).isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  private static JsonNode awaitStatus(String function, String id, String expected, Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    JsonNode s = status(function, id);
    while (!s.get("status").asText().equals(expected) && System.nanoTime() < deadline) {
      Thread.sleep(300);
      s = status(function, id);
    }
    assertThat(s.get("status").asText()).as(s.toString()).isEqualTo(expected);
    return s;
  }

  /** Callbacks need the functions to reach this JVM's loopback: true for the embedded cloud only. */
  private static void assumeReceiverReachable() {
    org.junit.jupiter.api.Assumptions.assumeTrue(CLOUD.cloud().backend().equals("embedded"),
        "LocalStack runs functions in containers, which cannot reach a callback receiver on the test's loopback");
  }

  private static List<Delivery> deliveriesTo(String path) {
    return deliveries.stream().filter(d -> d.path().equals(path)).toList();
  }

  @Test
  void jobResultArrivesAsSignedCallbackAndInTheStatus() throws Exception {
    assumeReceiverReachable();
    String id = submit("predict", submitEvent(receiverUrl("/hooks/ok"), UUID.randomUUID().toString(), 0));
    await("the callback", Duration.ofSeconds(90), () -> !deliveriesTo("/hooks/ok").isEmpty());
    Delivery d = deliveriesTo("/hooks/ok").get(0);
    new CallbackVerifier(List.of(SECRET), Duration.ofMinutes(5)).verify(d.header("Modelfn-Signature"), d.body(),
        Instant.now());
    assertThat(d.header("Modelfn-Job-Id")).isEqualTo(id);
    JsonNode callback = JSON.readTree(d.body());
    assertThat(callback.get("status").asText()).isEqualTo("succeeded");

    JsonNode sync = invoke("predict", JSON.readTree(Fixtures.bytes("http/api-v2/infer-oip.json")));
    JsonNode expected = JSON.readTree(sync.get("body").asText()).get("outputs");
    assertThat(callback.get("result").get("outputs")).isEqualTo(expected);
    JsonNode s = awaitStatus("predict", id, "succeeded", Duration.ofSeconds(10));
    assertThat(s.get("result").get("outputs")).isEqualTo(expected);
    assertThat(s.at("/callback/attempts").asInt()).isEqualTo(1);
    assertThat(s.at("/callback/delivered_at").isTextual()).isTrue();
  }

  @Test
  void repeatedSubmitWithTheSameKeyIsOneJobAndOneCallback() throws Exception {
    assumeReceiverReachable();
    String key = UUID.randomUUID().toString();
    String first = submit("predict", submitEvent(receiverUrl("/hooks/idem"), key, 0));
    String again = submit("predict", submitEvent(receiverUrl("/hooks/idem"), key, 0));
    assertThat(again).isEqualTo(first);
    awaitStatus("predict", first, "succeeded", Duration.ofSeconds(90));
    await("the callback", Duration.ofSeconds(30), () -> !deliveriesTo("/hooks/idem").isEmpty());
    Thread.sleep(2_000);
    assertThat(deliveriesTo("/hooks/idem")).hasSize(1);

    JsonNode conflict = invoke("predict", submitEvent(receiverUrl("/hooks/other"), key, 0));
    assertThat(conflict.get("statusCode").asInt()).isEqualTo(422);
  }

  @Test
  void largeRequestTravelsThroughTheBucket() throws Exception {
    String id = submit("predict", submitEvent(receiverUrl("/hooks/large"), UUID.randomUUID().toString(), 40));
    assertThat(s3.headObject(h -> h.bucket("async-data").key("jobs/" + id + "/input")).contentLength())
        .isGreaterThan(2048);
    JsonNode s = awaitStatus("predict", id, "succeeded", Duration.ofSeconds(90));
    assertThat(s.get("result").get("outputs").get(0).get("shape").get(0).asInt()).isEqualTo(42);
  }

  @Test
  void receiverDownMeansRetriesWithBackoffThenCallbackFailedAndADeadLetter() throws Exception {
    assumeReceiverReachable();
    String id = submit("predict", submitEvent(receiverUrl("/down/hook"), UUID.randomUUID().toString(), 0));
    JsonNode s = awaitStatus("predict", id, "callback_failed", Duration.ofSeconds(120));
    assertThat(s.get("outcome").asText()).isEqualTo("succeeded");
    assertThat(s.at("/callback/attempts").asInt()).isEqualTo(3);
    assertThat(s.at("/callback/last_error").asText()).startsWith("HTTP 503");
    List<Delivery> tries = deliveriesTo("/down/hook");
    assertThat(tries).extracting(d -> d.header("Modelfn-Delivery-Attempt")).containsExactly("1", "2", "3");
    List<JsonNode> letters = new ArrayList<>();
    String dlq = CLOUD.cloud().queueUrl("callbacks-dlq");
    await("the dead letter", Duration.ofSeconds(20), () -> {
      for (Message m : sqs.receiveMessage(r -> r.queueUrl(dlq).maxNumberOfMessages(10).waitTimeSeconds(1))
          .messages()) {
        try {
          letters.add(JSON.readTree(m.body()));
        } catch (java.io.IOException e) {
          throw new IllegalStateException(e);
        }
      }
      return letters.stream().anyMatch(l -> l.get("job_id").asText().equals(id));
    });
  }

  @Test
  void forbiddenCallbackAddressesAreRefusedAtSubmitAndAtSend() throws Exception {
    for (String url : List.of("https://169.254.169.254/latest/meta-data/", "https://10.1.2.3/hook",
        "http://192.0.2.10/hook")) {
      JsonNode resp = invoke("predict", submitEvent(url, UUID.randomUUID().toString(), 0));
      assertThat(resp.get("statusCode").asInt()).as(url).isEqualTo(400);
      assertThat(JSON.readTree(resp.get("body").asText()).get("pointer").asText())
          .isEqualTo("/parameters/callback_url");
    }
    // predict-strict accepts loopback at submit; its worker does not allow-list it, so the send is refused
    assumeReceiverReachable();
    String id = submit("predict-strict", submitEvent(receiverUrl("/hooks/strict"), UUID.randomUUID().toString(), 0));
    JsonNode s = awaitStatus("predict-strict", id, "callback_failed", Duration.ofSeconds(90));
    assertThat(s.at("/callback/last_error").asText()).startsWith("refused: ").contains("loopback");
    assertThat(deliveriesTo("/hooks/strict")).isEmpty();
  }
}

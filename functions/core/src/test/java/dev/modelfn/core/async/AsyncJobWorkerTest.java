package dev.modelfn.core.async;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.modelfn.callback.CallbackSigner;
import dev.modelfn.callback.CallbackVerifier;
import dev.modelfn.codec.Json;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.core.batch.InMemoryBlobStore;
import dev.modelfn.core.http.HttpRequest;
import dev.modelfn.core.http.HttpResponse;
import dev.modelfn.core.predict.PredictFunction;
import dev.modelfn.core.predict.PredictHttpFunction;
import dev.modelfn.model.ModelLoader;
import dev.modelfn.model.OnnxPredictor;
import dev.modelfn.telemetry.JsonLogger;
import dev.modelfn.telemetry.Metrics;
import dev.modelfn.testing.Fixtures;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Submit, run and callback with the fraud model, an in-memory store and queue, and a receiver on loopback. */
class AsyncJobWorkerTest {
  private static final String SECRET = "test-secret-0123456789abcdef";

  private static OnnxPredictor fraud;
  private static ModelfnConfig config;
  private static HttpServer receiver;
  private static final AtomicInteger receiverStatus = new AtomicInteger(200);
  private static final List<Map.Entry<Map<String, List<String>>, byte[]>> deliveries = new CopyOnWriteArrayList<>();
  /** The request body of the fixture, with parameters.callback_url to be replaced. */
  private static ObjectNode fixtureBody;

  /** The job queue: messages kept with their delays, and the dead letters. */
  static final class Queue implements JobQueue {
    final List<byte[]> messages = new ArrayList<>();
    final List<Integer> delays = new ArrayList<>();
    final List<JsonNode> deadLetters = new ArrayList<>();

    @Override
    public void send(byte[] message, int delaySeconds) {
      messages.add(message);
      delays.add(delaySeconds);
    }

    @Override
    public void deadLetter(byte[] message) {
      deadLetters.add(Json.parse(message));
    }

    byte[] take() {
      delays.remove(0);
      return messages.remove(0);
    }
  }

  private InMemoryBlobStore blobs;
  private JobStore store;
  private Queue queue;
  private PredictHttpFunction function;
  private AsyncJobWorker worker;
  private final AtomicReference<String> hooksAddress = new AtomicReference<>("127.0.0.1");

  @BeforeAll
  static void start() throws Exception {
    config = ModelfnConfig.from(Fixtures.fraudEnv("MODELFN_METRICS_ENABLED", "false"));
    fraud = OnnxPredictor.load(config, ModelLoader.local());
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext("/", exchange -> {
      try (InputStream in = exchange.getRequestBody()) {
        deliveries.add(Map.entry(new HashMap<>(exchange.getRequestHeaders()), in.readAllBytes()));
      }
      exchange.sendResponseHeaders(receiverStatus.get(), -1);
      exchange.close();
    });
    receiver.start();
    JsonNode event = Json.parse(Fixtures.bytes("async/infer-async.json"));
    fixtureBody = (ObjectNode) Json.parse(event.get("body").asText().getBytes(StandardCharsets.UTF_8));
  }

  @AfterAll
  static void stop() {
    receiver.stop(0);
    fraud.close();
  }

  @BeforeEach
  void setUp() {
    deliveries.clear();
    receiverStatus.set(200);
    build(AsyncJobs.DEFAULT_INLINE_BYTES);
  }

  private void build(int inlineBytes) {
    blobs = new InMemoryBlobStore(5 * 1024 * 1024);
    store = new JobStore(blobs, "data", "jobs/");
    queue = new Queue();
    CallbackPolicy.Resolver resolver = host -> host.equals("hooks.test")
        ? new InetAddress[] {InetAddress.getByAddress(host, InetAddress.getByName(hooksAddress.get()).getAddress())}
        : InetAddress.getAllByName(host);
    CallbackPolicy policy = new CallbackPolicy("127.0.0.0/8", resolver);
    AsyncJobs jobs = new AsyncJobs(store, queue, policy, inlineBytes, Clock.systemUTC());
    function = new PredictHttpFunction(new PredictFunction(fraud), config, jobs, Metrics.Factory.NONE);
    CallbackSigner signer = new CallbackSigner(SECRET);
    worker = new AsyncJobWorker(function, store, queue, new CallbackClient(policy,
        (javax.net.ssl.SSLSocketFactory) javax.net.ssl.SSLSocketFactory.getDefault(), Duration.ofSeconds(2),
        Duration.ofSeconds(2)), () -> signer, new AsyncJobWorker.Settings(3, Duration.ofSeconds(1),
        Duration.ofSeconds(4), 1024 * 1024), Clock.systemUTC(), new Random(7),
        new JsonLogger("test", "ERROR"), Metrics.NONE);
  }

  /** A remote asynchronous endpoint: records what it was asked, answers later by writing to the store. */
  static final class RemoteEndpoint implements AsyncEndpoint {
    final List<String[]> invocations = new ArrayList<>();
    volatile boolean refuse;

    @Override
    public String name() {
      return "fraud-async";
    }

    @Override
    public Invocation invoke(String inputLocation, String contentType, String inferenceId) {
      if (refuse) {
        throw new RefusedException("ValidationError: the endpoint fraud-async does not exist", null);
      }
      invocations.add(new String[] {inputLocation, contentType, inferenceId});
      return new Invocation("inf-" + inferenceId, "s3://sm-out/fraud-async/" + inferenceId + ".out",
          "s3://sm-failures/fraud-async/" + inferenceId + "-error.out");
    }
  }

  private RemoteEndpoint remote;
  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T10:00:00Z"));

  /** The worker with its jobs run on {@link #remote}, on a clock the test moves. */
  private void buildRemote() {
    remote = new RemoteEndpoint();
    CallbackPolicy policy = new CallbackPolicy("127.0.0.0/8", host -> host.equals("hooks.test")
        ? new InetAddress[] {InetAddress.getByAddress(host, InetAddress.getLoopbackAddress().getAddress())}
        : InetAddress.getAllByName(host));
    Clock clock = new Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return java.time.ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now.get();
      }
    };
    CallbackSigner signer = new CallbackSigner(SECRET);
    worker = new AsyncJobWorker(null, store, queue, new CallbackClient(policy,
        (javax.net.ssl.SSLSocketFactory) javax.net.ssl.SSLSocketFactory.getDefault(), Duration.ofSeconds(2),
        Duration.ofSeconds(2)), () -> signer, new AsyncJobWorker.Settings(3, Duration.ofSeconds(1),
        Duration.ofSeconds(4), 1024 * 1024), clock, new Random(7), new JsonLogger("test", "ERROR"),
        Metrics.NONE, remote,
        new AsyncEndpoint.Polling(Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofMinutes(10)));
  }

  @Test
  void runsAJobOnTheRemoteEndpointAndPollsItsOutputUntilItComes() {
    buildRemote();
    String id = id(submitWithCallback(callbackUrl(), null));
    worker.handle(queue.take());

    // the input went to the store (it came inline) and the endpoint got its location
    assertThat(blobs.get("data", "jobs/" + id + "/input")).isPresent();
    assertThat(remote.invocations).hasSize(1);
    assertThat(remote.invocations.get(0)).containsExactly("s3://data/jobs/" + id + "/input", "application/json", id);
    JsonNode running = status(id);
    assertThat(running.get("status").asText()).isEqualTo("running");
    assertThat(running.path("remote").path("output_location").asText())
        .isEqualTo("s3://sm-out/fraud-async/" + id + ".out");
    assertThat(Json.parse(queue.messages.get(0)).get("type").asText()).isEqualTo("poll");
    assertThat(queue.delays).containsExactly(5);

    // nothing yet: polled again later, each time twice as late up to the cap
    worker.handle(queue.take());
    worker.handle(queue.take());
    assertThat(queue.delays).containsExactly(20);
    assertThat(deliveries).isEmpty();

    // the endpoint answers: the job succeeds with that answer, and the callback goes out
    ObjectNode sync = fixtureBody.deepCopy();
    sync.remove("parameters");
    byte[] answer = function.apply(new HttpRequest("POST", "/v2/models/fraud/infer",
        Map.of("content-type", "application/json"), Map.of(), sync.toString().getBytes(StandardCharsets.UTF_8),
        id)).body();
    blobs.put("sm-out", "fraud-async/" + id + ".out", answer, "application/json");
    worker.handle(queue.take());
    JsonNode done = status(id);
    assertThat(done.get("status").asText()).isEqualTo("succeeded");
    assertThat(done.get("result").get("outputs")).isEqualTo(Json.parse(answer).get("outputs"));
    assertThat(deliveries).hasSize(1);
    assertThat(Json.parse(deliveries.get(0).getValue()).get("status").asText()).isEqualTo("succeeded");
    assertThat(queue.messages).isEmpty();

    // a repeated run message submits nothing again
    worker.handle(AsyncJobs.bytes(Json.mapper().createObjectNode().put("type", "run").put("job_id", id)));
    assertThat(remote.invocations).hasSize(1);
  }

  @Test
  void failsTheJobWithTheEndpointsFailureOrAfterTheWait() {
    buildRemote();
    String failing = id(submitWithCallback(null, null));
    worker.handle(queue.take());
    blobs.put("sm-failures", "fraud-async/" + failing + "-error.out",
        "model error: input shape [2,15]".getBytes(StandardCharsets.UTF_8), "text/plain");
    worker.handle(queue.take());
    JsonNode failed = status(failing);
    assertThat(failed.get("status").asText()).isEqualTo("failed");
    assertThat(failed.path("error").path("type").asText()).isEqualTo("urn:modelfn:problem:remote-inference-failed");
    assertThat(failed.path("error").path("detail").asText()).contains("fraud-async").contains("input shape [2,15]");

    String slow = id(submitWithCallback(null, null));
    worker.handle(queue.take());
    now.set(now.get().plus(Duration.ofMinutes(11)));
    worker.handle(queue.take());
    JsonNode timedOut = status(slow);
    assertThat(timedOut.get("status").asText()).isEqualTo("failed");
    assertThat(timedOut.path("error").path("detail").asText()).contains("within 600 s");
    assertThat(queue.messages).isEmpty();
  }

  @Test
  void failsAJobTheEndpointRefuses() {
    buildRemote();
    remote.refuse = true;
    String id = id(submitWithCallback(null, null));
    worker.handle(queue.take());
    JsonNode failed = status(id);
    assertThat(failed.get("status").asText()).isEqualTo("failed");
    assertThat(failed.path("error").path("type").asText()).isEqualTo("urn:modelfn:problem:remote-refused");
    assertThat(queue.messages).isEmpty();
  }

  private static String callbackUrl() {
    return "http://hooks.test:" + receiver.getAddress().getPort() + "/modelfn/jobs";
  }

  private HttpResponse submitWithCallback(String callback, String idempotencyKey) {
    ObjectNode body = fixtureBody.deepCopy();
    if (callback == null) {
      body.remove("parameters");
    } else {
      ((ObjectNode) body.get("parameters")).put("callback_url", callback);
    }
    return submitBody(body.toString(), idempotencyKey);
  }

  private HttpResponse submitBody(String body, String idempotencyKey) {
    Map<String, String> h = new HashMap<>();
    h.put("content-type", "application/json");
    if (idempotencyKey != null) {
      h.put("idempotency-key", idempotencyKey);
    }
    return function.apply(new HttpRequest("POST", "/v2/models/fraud/infer-async", h, Map.of(),
        body.getBytes(StandardCharsets.UTF_8), "req-submit"));
  }

  private JsonNode status(String id) {
    HttpResponse r = function.apply(new HttpRequest("GET", "/v2/jobs/" + id, Map.of(), Map.of(), null, "req-get"));
    assertThat(r.status()).as(r.bodyText()).isEqualTo(200);
    return Json.parse(r.body());
  }

  private static String id(HttpResponse accepted) {
    assertThat(accepted.status()).as(accepted.bodyText()).isEqualTo(202);
    return Json.parse(accepted.body()).get("id").asText();
  }

  @Test
  void runsJobAndDeliversSignedCallbackWithResult() throws Exception {
    HttpResponse accepted = submitWithCallback(callbackUrl(), null);
    String id = id(accepted);
    JsonNode a = Json.parse(accepted.body());
    assertThat(a.get("status").asText()).isEqualTo("queued");
    assertThat(a.get("status_url").asText()).isEqualTo("/v2/jobs/" + id);
    assertThat(accepted.headers()).containsEntry("location", "/v2/jobs/" + id);
    assertThat(status(id).get("status").asText()).isEqualTo("queued");
    assertThat(queue.messages).hasSize(1);
    assertThat(Json.parse(queue.messages.get(0)).has("body_base64")).isTrue();

    worker.handle(queue.take());

    JsonNode done = status(id);
    assertThat(done.get("status").asText()).isEqualTo("succeeded");
    assertThat(done.path("callback").path("attempts").asInt()).isEqualTo(1);
    assertThat(done.path("callback").hasNonNull("delivered_at")).isTrue();
    ObjectNode sync = fixtureBody.deepCopy();
    sync.remove("parameters");
    HttpResponse direct = function.apply(new HttpRequest("POST", "/v2/models/fraud/infer",
        Map.of("content-type", "application/json"), Map.of(), sync.toString().getBytes(StandardCharsets.UTF_8), id));
    assertThat(done.get("result").get("outputs")).isEqualTo(Json.parse(direct.body()).get("outputs"));

    assertThat(deliveries).hasSize(1);
    Map<String, List<String>> headers = deliveries.get(0).getKey();
    byte[] body = deliveries.get(0).getValue();
    new CallbackVerifier(List.of(SECRET), Duration.ofMinutes(5))
        .verify(headers.get("Modelfn-signature").get(0), body, Instant.now());
    assertThat(headers.get("Modelfn-job-id")).containsExactly(id);
    assertThat(headers.get("Modelfn-delivery-attempt")).containsExactly("1");
    JsonNode cb = Json.parse(body);
    assertThat(cb.get("status").asText()).isEqualTo("succeeded");
    assertThat(cb.get("result").get("outputs")).isEqualTo(done.get("result").get("outputs"));
    assertThat(queue.messages).isEmpty();
  }

  @Test
  void keepsLargeRequestsInTheStoreAndTheMessageSmall() {
    build(64);
    String id = id(submitWithCallback(callbackUrl(), null));
    JsonNode message = Json.parse(queue.messages.get(0));
    assertThat(message.has("body_base64")).isFalse();
    assertThat(blobs.get("data", "jobs/" + id + "/input")).isPresent();
    worker.handle(queue.take());
    assertThat(status(id).get("status").asText()).isEqualTo("succeeded");
    assertThat(status(id).path("request").has("input_key")).as("storage keys stay internal").isFalse();
  }

  @Test
  void repeatedSubmitWithIdempotencyKeyReturnsTheSameJob() {
    HttpResponse first = submitWithCallback(callbackUrl(), "order-1");
    HttpResponse again = submitWithCallback(callbackUrl(), "order-1");
    assertThat(id(again)).isEqualTo(id(first));
    assertThat(again.headers()).containsEntry("idempotent-replayed", "true");
    assertThat(queue.messages).hasSize(1);

    HttpResponse other = submitWithCallback(null, "order-1");
    assertThat(other.status()).isEqualTo(422);
    assertThat(Json.parse(other.body()).get("type").asText()).endsWith("idempotency-key-reused");
    assertThat(id(submitWithCallback(callbackUrl(), "order-2"))).isNotEqualTo(id(first));
  }

  @Test
  void refusesForbiddenCallbackAndInvalidInputAtSubmit() {
    for (String url : List.of("https://169.254.169.254/latest/meta-data/", "https://10.0.0.5/hook",
        "http://93.184.216.34/hook")) {
      HttpResponse r = submitWithCallback(url, null);
      assertThat(r.status()).as(url).isEqualTo(400);
      JsonNode p = Json.parse(r.body());
      assertThat(p.get("pointer").asText()).isEqualTo("/parameters/callback_url");
    }
    HttpResponse bad = submitBody("{\"inputs\":[{\"name\":\"input\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1,2,3]}]}",
        null);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(queue.messages).isEmpty();
    assertThat(blobs.keys()).isEmpty();
  }

  @Test
  void retriesFailedCallbackWithBackoffThenMarksCallbackFailed() {
    receiverStatus.set(503);
    String id = id(submitWithCallback(callbackUrl(), null));
    worker.handle(queue.take());
    assertThat(queue.messages).hasSize(1);
    assertThat(queue.delays.get(0)).isEqualTo(1);
    JsonNode afterFirst = status(id);
    assertThat(afterFirst.get("status").asText()).isEqualTo("succeeded");
    assertThat(afterFirst.path("callback").path("last_error").asText()).startsWith("HTTP 503");
    assertThat(afterFirst.path("callback").hasNonNull("next_attempt_at")).isTrue();

    byte[] second = queue.messages.get(0);
    worker.handle(queue.take());
    worker.handle(second); // a duplicate delivery of the same message: the attempt is not made twice
    assertThat(deliveries).hasSize(2);
    assertThat(queue.messages).hasSize(1);
    assertThat(queue.delays.get(0)).isBetween(1, 2);
    worker.handle(queue.take());

    JsonNode failed = status(id);
    assertThat(failed.get("status").asText()).isEqualTo("callback_failed");
    assertThat(failed.get("outcome").asText()).isEqualTo("succeeded");
    assertThat(failed.path("callback").path("attempts").asInt()).isEqualTo(3);
    assertThat(failed.has("result")).isTrue();
    assertThat(deliveries).hasSize(3);
    assertThat(deliveries.get(2).getKey().get("Modelfn-delivery-attempt")).containsExactly("3");
    assertThat(queue.messages).isEmpty();
    assertThat(queue.deadLetters).singleElement().satisfies(d -> {
      assertThat(d.get("job_id").asText()).isEqualTo(id);
      assertThat(d.get("last_error").asText()).startsWith("HTTP 503");
    });
  }

  @Test
  void refusesCallbackWhoseHostResolvesToForbiddenAddressAtSendTime() {
    hooksAddress.set("127.0.0.1");
    String id = id(submitWithCallback(callbackUrl(), null)); // accepted: the name resolves to an allow-listed address
    hooksAddress.set("169.254.169.254"); // then the name is rebound
    worker.handle(queue.take());
    JsonNode s = status(id);
    assertThat(s.path("callback").path("last_error").asText()).startsWith("refused: ").contains("cloud metadata");
    assertThat(deliveries).isEmpty();
  }

  @Test
  void recordsFailedJobWithProblemAndReportsItInCallback() {
    String id = id(submitWithCallback(callbackUrl(), null));
    ObjectNode message = (ObjectNode) Json.parse(queue.take());
    message.put("body_base64", Base64.getEncoder().encodeToString(
        "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,16],\"datatype\":\"FP32\",\"data\":[1]}]}"
            .getBytes(StandardCharsets.UTF_8)));
    worker.handle(message.toString().getBytes(StandardCharsets.UTF_8));
    JsonNode s = status(id);
    assertThat(s.get("status").asText()).isEqualTo("failed");
    assertThat(s.get("error").get("status").asInt()).isEqualTo(400);
    assertThat(s.has("result")).isFalse();
    JsonNode cb = Json.parse(deliveries.get(0).getValue());
    assertThat(cb.get("status").asText()).isEqualTo("failed");
    assertThat(cb.get("error").get("detail").asText()).isNotEmpty();
  }

  @Test
  void runMessageDeliveredTwiceRunsAndCallsBackOnce() {
    String id = id(submitWithCallback(callbackUrl(), null));
    byte[] run = queue.messages.get(0);
    worker.handle(queue.take());
    String finished = status(id).get("finished_at").asText();
    worker.handle(run);
    assertThat(status(id).get("finished_at").asText()).isEqualTo(finished);
    assertThat(deliveries).hasSize(1);
  }

  @Test
  void answers404ForUnknownOrMalformedJobIds() {
    for (String id : List.of("0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9", "../../etc", "not-a-uuid")) {
      HttpResponse r = function.apply(new HttpRequest("GET", "/v2/jobs/" + id, Map.of(), Map.of(), null, "r"));
      assertThat(r.status()).as(id).isEqualTo(404);
    }
  }

  @Test
  void pollingJobWithoutCallbackSucceeds() {
    String id = id(submitWithCallback(null, null));
    worker.handle(queue.take());
    JsonNode s = status(id);
    assertThat(s.get("status").asText()).isEqualTo("succeeded");
    assertThat(s.has("callback")).isFalse();
    assertThat(deliveries).isEmpty();
  }

  @Test
  void backoffDoublesWithJitterAndStaysUnderTheCap() {
    for (int i = 0; i < 50; i++) {
      assertThat(worker.backoff(1).toSeconds()).isEqualTo(1);
      assertThat(worker.backoff(2).toSeconds()).isBetween(1L, 2L);
      assertThat(worker.backoff(3).toSeconds()).isBetween(2L, 4L);
      assertThat(worker.backoff(10).toSeconds()).isBetween(2L, 4L);
    }
  }
}

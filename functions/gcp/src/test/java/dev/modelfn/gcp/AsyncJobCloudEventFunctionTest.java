package dev.modelfn.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.pubsub.v1.PubsubMessage;
import com.sun.net.httpserver.HttpServer;
import dev.modelfn.callback.CallbackSigner;
import dev.modelfn.callback.CallbackVerifier;
import dev.modelfn.codec.Json;
import dev.modelfn.config.EnvVars;
import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
import dev.modelfn.testing.Fixtures;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Asynchronous jobs on Google Cloud: the HTTP function ({@link PredictHttpFunction}) queues a job
 * on the jobs topic, and {@link AsyncJobCloudEventFunction} runs it when that message comes back as
 * the Pub/Sub CloudEvent of {@code events/gcp/pubsub/job-message-published.*}, both under the
 * Functions Framework's invoker. Messages go through the Pub/Sub client library to {@link
 * FakePubSub}; jobs and results are kept in {@link FakeGcs}; callbacks go to a loopback receiver and
 * are checked with the project's {@link CallbackVerifier}.
 */
class AsyncJobCloudEventFunctionTest {
  private static final String PROJECT = "modelfn-demo";
  private static final String JOBS = "projects/" + PROJECT + "/topics/modelfn-jobs";
  private static final String DEAD = "projects/" + PROJECT + "/topics/modelfn-jobs-dead";
  private static final String BUCKET = "modelfn-data";
  private static final String SECRET = "a-callback-secret-of-32-bytes-ok";
  private static final MovableClock CLOCK = new MovableClock();

  private static FakePubSub pubsub;
  private static FakeGcs gcs;
  private static GcpPlatform platform;
  private static FunctionServer http;
  private static FunctionServer worker;
  private static HttpServer receiver;
  private static final ConcurrentLinkedQueue<Integer> answers = new ConcurrentLinkedQueue<>();
  private static final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

  /** A callback as the receiver got it. */
  record Delivery(Map<String, String> headers, byte[] body) {}

  @BeforeAll
  static void start() throws Exception {
    pubsub = new FakePubSub();
    gcs = new FakeGcs();
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext("/hooks/jobs", ex -> {
      Map<String, String> headers = new HashMap<>();
      ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
      deliveries.add(new Delivery(headers, ex.getRequestBody().readAllBytes()));
      Integer status = answers.poll();
      ex.sendResponseHeaders(status == null ? 204 : status, -1);
      ex.close();
    });
    receiver.start();
    Map<String, String> env = env();
    platform = new GcpPlatform(env);
    TestTargets.use(env, () -> platform, CLOCK);
    http = FunctionServer.start(TestTargets.PredictOnPlatform.class, "http");
    worker = FunctionServer.start(TestTargets.AsyncJob.class, "cloudevent");
  }

  private static Map<String, String> env() {
    return Fixtures.fraudEnv(GcpEnvVars.PROJECT, PROJECT, GcpEnvVars.PUBSUB_EMULATOR_HOST, pubsub.host(),
        GcpEnvVars.STORAGE_EMULATOR_HOST, gcs.host(), EnvVars.DATA_BUCKET, BUCKET, GcpEnvVars.JOBS_TOPIC,
        "modelfn-jobs", GcpEnvVars.JOBS_DEAD_LETTER_TOPIC, DEAD, EnvVars.CALLBACK_SECRET, SECRET,
        EnvVars.CALLBACK_ALLOW_CIDRS, "127.0.0.0/8", EnvVars.CALLBACK_MAX_ATTEMPTS, "2");
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {http, worker, platform::close, pubsub, gcs}) {
      if (c != null) {
        c.close();
      }
    }
    if (receiver != null) {
      receiver.stop(0);
    }
  }

  @AfterEach
  void clockBackToNow() {
    CLOCK.offset.set(Duration.ZERO);
    answers.clear();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"binary", "structured"})
  void runsAJobPostedToTheHttpFunctionAndServesTheSyncResultOnItsStatusRoute(String mode) throws Exception {
    String id = submit("");
    PubsubMessage run = onlyMessage(JOBS, m -> jobId(m).equals(id));
    assertThat(run.getAttributesMap()).containsEntry("kind", "job").doesNotContainKey(PubSubJobQueue.NOT_BEFORE);
    assertThat(Json.mapper().readTree(run.getData().toByteArray()).path("type").asText()).isEqualTo("run");
    assertThat(status(id).path("status").asText()).isEqualTo("queued");

    var delivered = worker.send(CloudEventFixtures.delivery(worker, "gcp/pubsub/job-message-published." + mode
        + ".json", run));
    assertThat(delivered.statusCode()).isEqualTo(200);

    JsonNode job = status(id);
    assertThat(job.path("status").asText()).isEqualTo("succeeded");
    var sync = http.send(HttpRequest.newBuilder(http.uri("/v2/models/fraud/infer"))
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(Fixtures.bytes("async/request.json"))));
    assertThat(sync.statusCode()).isEqualTo(200);
    ObjectNode result = (ObjectNode) job.path("result");
    ObjectNode expected = (ObjectNode) Json.mapper().readTree(sync.body());
    assertThat(result.remove("id").asText()).as("the response id of a job is its id").isEqualTo(id);
    expected.remove("id");
    assertThat(result).isEqualTo(expected);
    assertThat(gcs.object(BUCKET, "jobs/" + id + "/result.json")).as("the result kept in Cloud Storage").isNotNull();
  }

  @Test
  void refusesADelayedCallbackRetryBeforeItsTimeAndDeliversItSignedAfter() throws Exception {
    answers.add(503);
    String id = submit(callbackQuery());
    int before = deliveries.size();
    long sent = System.currentTimeMillis();
    var ran = worker.send(CloudEventFixtures.delivery(worker, "gcp/pubsub/job-message-published.binary.json",
        onlyMessage(JOBS, m -> jobId(m).equals(id))));
    assertThat(ran.statusCode()).isEqualTo(200);
    assertThat(deliveries).as("the first attempt, refused by the receiver").hasSize(before + 1);

    PubsubMessage retry = onlyMessage(JOBS, m -> jobId(m).equals(id) && type(m).equals("callback"));
    long notBefore = Long.parseLong(retry.getAttributesOrThrow(PubSubJobQueue.NOT_BEFORE));
    assertThat(notBefore).as("the backoff of the first retry: at least half of 10 s")
        .isGreaterThanOrEqualTo(sent + 5_000);

    var early = worker.send(CloudEventFixtures.delivery(worker, "gcp/pubsub/job-message-published.structured.json",
        retry));
    assertThat(early.statusCode()).as("refused: Pub/Sub delivers it again").isEqualTo(500);
    assertThat(deliveries).as("no attempt before its time").hasSize(before + 1);

    CLOCK.offset.set(Duration.ofMillis(notBefore - System.currentTimeMillis() + 1));
    var due = worker.send(CloudEventFixtures.delivery(worker, "gcp/pubsub/job-message-published.structured.json",
        retry));
    assertThat(due.statusCode()).isEqualTo(200);
    assertThat(deliveries).hasSize(before + 2);
    Delivery d = deliveries.get(before + 1);
    assertThat(d.headers()).containsEntry("modelfn-job-id", id).containsEntry("modelfn-delivery-attempt", "2");
    Instant signedAt = new CallbackVerifier(List.of(SECRET), Duration.ofMinutes(5))
        .verify(d.headers().get(CallbackSigner.HEADER.toLowerCase(java.util.Locale.ROOT)), d.body(), Instant.now());
    assertThat(signedAt).isBeforeOrEqualTo(Instant.now());
    JsonNode body = Json.mapper().readTree(d.body());
    assertThat(body.path("job_id").asText()).isEqualTo(id);
    assertThat(body.path("status").asText()).isEqualTo("succeeded");
    assertThat(body.path("result").path("outputs").isArray()).isTrue();
    assertThat(status(id).path("callback").path("delivered_at").asText()).isNotEmpty();
  }

  @Test
  void publishesACallbackThatFailedForGoodToTheDeadLetterTopic() throws Exception {
    answers.add(500);
    answers.add(500);
    String id = submit(callbackQuery());
    int dead = pubsub.messages(DEAD).size();
    worker.send(CloudEventFixtures.delivery(worker, "gcp/pubsub/job-message-published.binary.json",
        onlyMessage(JOBS, m -> jobId(m).equals(id))));
    PubsubMessage retry = onlyMessage(JOBS, m -> jobId(m).equals(id) && type(m).equals("callback"));
    CLOCK.offset.set(Duration.ofMinutes(15));
    var last = worker.send(CloudEventFixtures.delivery(worker, "gcp/pubsub/job-message-published.binary.json",
        retry));
    assertThat(last.statusCode()).isEqualTo(200);
    assertThat(pubsub.messages(DEAD)).hasSize(dead + 1);
    PubsubMessage letter = pubsub.messages(DEAD).get(dead);
    assertThat(letter.getAttributesMap()).containsEntry("kind", "callback_failed");
    JsonNode record = Json.mapper().readTree(letter.getData().toByteArray());
    assertThat(record.path("job_id").asText()).isEqualTo(id);
    assertThat(record.path("attempts").asInt()).isEqualTo(2);
    assertThat(status(id).path("status").asText()).isEqualTo("callback_failed");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"binary", "structured"})
  void acknowledgesAMessageThatIsNoJobWithAWarning(String mode) throws Exception {
    Logger logger = Logger.getLogger("dev.modelfn.gcp.AsyncJobCloudEventFunction");
    List<LogRecord> records = new CopyOnWriteArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord r) {
        records.add(r);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    logger.addHandler(capture);
    try {
      int published = pubsub.messages(JOBS).size();
      var resp = worker.send(CloudEventFixtures.request(worker, "gcp/pubsub/job-message-garbage." + mode + ".json"));
      assertThat(resp.statusCode()).as("acknowledged: delivering it again cannot help").isEqualTo(200);
      assertThat(records).anySatisfy(r -> {
        assertThat(r.getLevel()).isEqualTo(Level.WARNING);
        assertThat(r.getMessage()).isEqualTo("job message dropped: not a job message");
        assertThat(List.of(r.getParameters())).contains("13579246801358");
      });
      assertThat(pubsub.messages(JOBS)).hasSize(published);
    } finally {
      logger.removeHandler(capture);
    }
  }

  @Test
  void namesTheMissingVariableOfTheWorker() {
    Map<String, String> noTopic = new HashMap<>(env());
    noTopic.remove(GcpEnvVars.JOBS_TOPIC);
    assertConfigurationError(() -> new AsyncJobCloudEventFunction(noTopic, new GcpPlatform(noTopic)),
        GcpEnvVars.JOBS_TOPIC);
    Map<String, String> noBucket = new HashMap<>(env());
    noBucket.remove(EnvVars.DATA_BUCKET);
    assertConfigurationError(() -> new AsyncJobCloudEventFunction(noBucket, new GcpPlatform(noBucket)),
        EnvVars.DATA_BUCKET);
  }

  @Test
  void refusesAJobsTopicWithoutBucketAndTheAwsSettingsOfJobs() {
    Map<String, String> noBucket = new HashMap<>(env());
    noBucket.remove(EnvVars.DATA_BUCKET);
    assertConfigurationError(() -> new PredictHttpFunction(noBucket, new GcpPlatform(noBucket)), EnvVars.DATA_BUCKET);
    Map<String, String> sqs = new HashMap<>(env());
    sqs.remove(GcpEnvVars.JOBS_TOPIC);
    sqs.put(EnvVars.JOBS_QUEUE_URL, "https://sqs.eu-west-1.amazonaws.com/123456789012/modelfn-jobs");
    assertConfigurationError(() -> new PredictHttpFunction(sqs, new GcpPlatform(sqs)), GcpEnvVars.JOBS_TOPIC);
    Map<String, String> dlq = new HashMap<>(env());
    dlq.put(EnvVars.CALLBACK_DLQ_URL, "https://sqs.eu-west-1.amazonaws.com/123456789012/modelfn-callbacks");
    assertConfigurationError(() -> new AsyncJobCloudEventFunction(dlq, new GcpPlatform(dlq)),
        GcpEnvVars.JOBS_DEAD_LETTER_TOPIC);
    Map<String, String> sageMaker = new HashMap<>(env());
    sageMaker.put(EnvVars.SAGEMAKER_ASYNC_ENDPOINT, "fraud-async");
    assertConfigurationError(() -> new AsyncJobCloudEventFunction(sageMaker, new GcpPlatform(sageMaker)),
        EnvVars.SAGEMAKER_ASYNC_ENDPOINT);
  }

  private static void assertConfigurationError(org.assertj.core.api.ThrowableAssert.ThrowingCallable build,
      String variable) {
    assertThatThrownBy(build).isInstanceOfSatisfying(ModelfnException.class, e -> {
      assertThat(e.problem()).isEqualTo(Problem.CONFIGURATION_ERROR);
      assertThat(e.getMessage()).contains(variable);
    });
  }

  private static String callbackQuery() {
    return "?callback_url=http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks/jobs";
  }

  /** Posts the fixture request to the async route; the job id. */
  private static String submit(String query) throws Exception {
    HttpResponse<byte[]> resp = http.send(HttpRequest.newBuilder(http.uri("/v2/models/fraud/infer-async" + query))
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(Fixtures.bytes("async/request.json"))));
    assertThat(resp.statusCode()).as(new String(resp.body(), StandardCharsets.UTF_8)).isEqualTo(202);
    return Json.mapper().readTree(resp.body()).path("id").asText();
  }

  private static JsonNode status(String id) throws Exception {
    HttpResponse<byte[]> resp = http.send(HttpRequest.newBuilder(http.uri("/v2/jobs/" + id)).GET());
    assertThat(resp.statusCode()).as(new String(resp.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    return Json.mapper().readTree(resp.body());
  }

  private static PubsubMessage onlyMessage(String topic, Predicate<PubsubMessage> which) {
    List<PubsubMessage> found = pubsub.messages(topic).stream().filter(which).toList();
    assertThat(found).as("messages on " + topic).hasSize(1);
    return found.get(0);
  }

  private static String jobId(PubsubMessage m) {
    return Json.parse(m.getData().toByteArray()).path("job_id").asText();
  }

  private static String type(PubsubMessage m) {
    return Json.parse(m.getData().toByteArray()).path("type").asText();
  }

  /** The system clock, moved ahead by a test to reach a delayed message's time. */
  static final class MovableClock extends Clock {
    final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("UTC only");
    }

    @Override
    public Instant instant() {
      return Instant.now().plus(offset.get());
    }
  }
}

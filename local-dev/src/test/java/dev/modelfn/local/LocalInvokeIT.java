package dev.modelfn.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.local.cloud.CloudConfig;
import dev.modelfn.local.cloud.LocalCloud;
import dev.modelfn.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * {@code local-dev/invoke}: one invocation with an event file, as {@code sam local invoke}; every
 * function of {@code local-dev/cloud.json} with its sample event, against a local cloud that hosts
 * that file's resources (no functions or triggers of its own: each event is handled by the
 * invocation alone).
 */
class LocalInvokeIT {
  private static final Path HOME = Path.of(System.getProperty("modelfn.home", "..")).toAbsolutePath().normalize();
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static LocalCloud cloud;
  private static S3Client s3;
  private static SqsClient sqs;

  @BeforeAll
  static void startTheResourcesOfCloudJson() throws Exception {
    CloudConfig declared = CloudConfig.read(HOME.resolve("local-dev/cloud.json"));
    CloudConfig resources = new CloudConfig(declared.buckets(), declared.queues(), declared.streams(), List.of(),
        List.of());
    Path cache = HOME.resolve("local-dev/.cache");
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    // S3 and SQS are what these functions reach; the Kinesis event needs no Kinesis server
    cloud = new LocalCloud(new LocalCloud.Options("127.0.0.1", port, HOME, cache, Path.of("target/local-invoke-it"),
        null, Path.of(System.getProperty("java.home"), "bin", "java"), Set.of("s3", "sqs"), line -> { }), resources);
    cloud.start();
    s3 = cloud.s3Client();
    sqs = cloud.sqsClient();
  }

  @AfterAll
  static void stopTheCloud() {
    if (s3 != null) {
      s3.close();
    }
    if (sqs != null) {
      sqs.close();
    }
    if (cloud != null) {
      cloud.close();
    }
  }

  record Run(int exit, String stdout, String stderr) {}

  /** {@code local-dev/invoke ... --endpoint} the test's local cloud. */
  private static Run invokeOnCloud(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--endpoint", cloud.endpoint().toString()));
    return invoke(all.toArray(String[]::new));
  }

  private static List<Message> drain(String queue, int expected) {
    String url = cloud.queueUrl(queue);
    List<Message> got = new ArrayList<>();
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (got.size() < expected && System.nanoTime() < deadline) {
      for (Message m : sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
        got.add(m);
        sqs.deleteMessage(d -> d.queueUrl(url).receiptHandle(m.receiptHandle()));
      }
    }
    return got;
  }

  private static Run invoke(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(HOME.resolve("local-dev/invoke").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(HOME.toFile());
    pb.environment().put("MODELFN_SKIP_BUILD", "1");
    Process p = pb.start();
    var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (java.io.IOException e) {
        return e.toString();
      }
    });
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), out, err.get());
  }

  @Test
  void printsTheHandlersResponseToAFixtureEvent() throws Exception {
    Run r = invoke("modelfn-predict", "--event", "events/http/api-v2/model-metadata.json", "-e",
        "MODELFN_MAX_INSTANCES=8");
    assertThat(r.exit()).as(r.stderr()).isZero();
    JsonNode response = MAPPER.readTree(r.stdout());
    JsonNode expected = MAPPER.readTree(Fixtures.bytes("http/api-v2/model-metadata.expected.json"));
    assertThat(response.get("statusCode")).isEqualTo(expected.get("statusCode"));
    assertThat(MAPPER.readTree(response.get("body").asText())).isEqualTo(expected.get("body"));
    assertThat(r.stderr()).contains("modelfn-predict answered in");
  }

  @Test
  void batchScoresTheObjectItsSampleEventAnnounces() throws Exception {
    s3.putObject(p -> p.bucket("modelfn-data").key("incoming/fraud-sample.csv"),
        RequestBody.fromFile(Fixtures.path("batch/fraud-sample.csv")));
    Run r = invokeOnCloud("modelfn-batch", "--event", "events/batch/sqs-object-created.json");
    assertThat(r.exit()).as(r.stderr()).isZero();
    assertThat(MAPPER.readTree(r.stdout()).path("batchItemFailures").size()).as(r.stdout()).isZero();
    JsonNode manifest = MAPPER.readTree(s3.getObjectAsBytes(g -> g.bucket("modelfn-data")
        .key("manifests/fraud-sample.csv.json")).asByteArray());
    assertThat(manifest.path("status").asText()).isEqualTo("completed");
    assertThat(manifest.at("/rows/out").asInt()).isEqualTo(100);
  }

  @Test
  void streamScoresItsSampleKinesisEventAndSendsThePoisonRecordToItsQueue() throws Exception {
    Run r = invokeOnCloud("modelfn-stream", "--event", "events/stream/kinesis-records.json");
    assertThat(r.exit()).as(r.stderr()).isZero();
    assertThat(MAPPER.readTree(r.stdout()).path("batchItemFailures").size()).as(r.stdout()).isZero();
    assertThat(drain("modelfn-predictions", 2)).hasSize(2);
    assertThat(drain("modelfn-poison", 1)).hasSize(1);
  }

  @Test
  void asyncWorkerRunsAJobThatThePredictFunctionAccepted(@TempDir Path tmp) throws Exception {
    ObjectNode submit = (ObjectNode) MAPPER.readTree(Fixtures.bytes("async/infer-async.json"));
    ObjectNode body = (ObjectNode) MAPPER.readTree(submit.get("body").asText());
    body.remove("parameters"); // no callback
    submit.put("body", body.toString());
    ((ObjectNode) submit.get("headers")).remove("content-length");
    ((ObjectNode) submit.get("headers")).remove("idempotency-key");
    Path submitEvent = Files.write(tmp.resolve("infer-async.json"), MAPPER.writeValueAsBytes(submit));
    Run accepted = invokeOnCloud("modelfn-predict", "--event", submitEvent.toString());
    assertThat(accepted.exit()).as(accepted.stderr()).isZero();
    JsonNode answer = MAPPER.readTree(accepted.stdout());
    assertThat(answer.path("statusCode").asInt()).as(accepted.stdout()).isEqualTo(202);
    String id = MAPPER.readTree(answer.path("body").asText()).path("id").asText();

    List<Message> jobs = drain("modelfn-jobs", 1);
    assertThat(jobs).hasSize(1);
    ObjectNode event = (ObjectNode) MAPPER.readTree(Fixtures.bytes("async/sqs-job.json"));
    ((ObjectNode) event.get("Records").get(0)).put("body", jobs.get(0).body());
    Path jobEvent = Files.write(tmp.resolve("sqs-job.json"), MAPPER.writeValueAsBytes(event));
    Run worked = invokeOnCloud("modelfn-async", "--event", jobEvent.toString());
    assertThat(worked.exit()).as(worked.stderr()).isZero();
    assertThat(MAPPER.readTree(worked.stdout()).path("batchItemFailures").size()).as(worked.stdout()).isZero();
    JsonNode job = MAPPER.readTree(s3.getObjectAsBytes(g -> g.bucket("modelfn-data").key("jobs/" + id + "/job.json"))
        .asByteArray());
    assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("succeeded");
  }

  @Test
  void refusesUnknownFunctionsAndMissingEvents() throws Exception {
    Run unknown = invoke("no-such-fn", "--event", "events/http/api-v2/model-metadata.json");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.stderr()).contains("no function 'no-such-fn'");
    Run missing = invoke("modelfn-predict", "--event", "events/nope.json");
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.stderr()).contains("--event events/nope.json: cannot read it");
  }
}

package dev.modelfn.parity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.codec.Json;
import dev.modelfn.e2e.cloud.TestCloudExtension;
import dev.modelfn.local.cloud.CloudConfig;
import dev.modelfn.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * One batch object and one stream batch through every platform's deployable, as each is deployed
 * and triggered: the Lambda package's handlers and the Spring Lambda package under Spring Cloud
 * Function's {@code FunctionInvoker}, both on the local cloud's Lambda (S3, SQS), sent the events
 * AWS sends; and the Cloud Functions jar under the Functions Framework's invoker, sent the
 * CloudEvents Eventarc sends, on loopback Cloud Storage and Pub/Sub servers ({@link GcpSide}).
 * The outputs must agree: the predictions and rejects files byte for byte, the manifests but for
 * their clocks, claims and locations; each stream record's prediction and each poison record's
 * dead letter (reason and payload), and the records handed back for a retry. One async job, too,
 * through the Lambda worker and Spring's {@code asyncWorker} (the Cloud Functions worker has its
 * own tests in functions/gcp).
 */
class BatchStreamParityIT {
  private static final Path HOME = Fixtures.eventsDir().getParent();
  private static final String AWS_ZIP = "local-dev/target/functions/modelfn-aws-lambda.zip";
  private static final String SPRING_ZIP = "functions/spring/target/modelfn-spring-lambda.zip";
  private static final String INVOKER = "org.springframework.cloud.function.adapter.aws.FunctionInvoker::handleRequest";
  private static final String KEY = "incoming/fraud-parity.csv";

  @RegisterExtension
  static final TestCloudExtension CLOUD = new TestCloudExtension(BatchStreamParityIT::config);

  private static S3Client s3;
  private static SqsClient sqs;
  private static LambdaClient lambda;
  private static GcpSide gcp;

  static CloudConfig config() {
    String json = """
        {
          "buckets": [ { "name": "parity-lambda" }, { "name": "parity-spring" } ],
          "queues": [ { "name": "lambda-predictions" }, { "name": "lambda-poison" },
                      { "name": "spring-predictions" }, { "name": "spring-poison" }, { "name": "continuations" },
                      { "name": "lambda-jobs" }, { "name": "spring-jobs" } ],
          "functions": [
            { "name": "lambda-batch", "handler": "dev.modelfn.aws.BatchScoringHandler::handleRequest", "code": "%1$s",
              "environment": { %3$s, "MODELFN_BATCH_QUEUE_URL": "${queue:continuations}" },
              "memoryMb": 1024, "timeoutSeconds": 120 },
            { "name": "spring-batch", "handler": "%4$s", "code": "%2$s",
              "environment": { %3$s, "MODELFN_BATCH_QUEUE_URL": "${queue:continuations}",
                               "SPRING_CLOUD_FUNCTION_DEFINITION": "scoreObject" },
              "memoryMb": 1024, "timeoutSeconds": 120 },
            { "name": "lambda-stream", "handler": "dev.modelfn.aws.StreamInferenceHandler::handleRequest", "code": "%1$s",
              "environment": { %3$s, "MODELFN_SINK_QUEUE_URL": "${queue:lambda-predictions}",
                               "MODELFN_POISON_QUEUE_URL": "${queue:lambda-poison}" },
              "memoryMb": 1024, "timeoutSeconds": 60 },
            { "name": "spring-stream", "handler": "%4$s", "code": "%2$s",
              "environment": { %3$s, "MODELFN_SINK_QUEUE_URL": "${queue:spring-predictions}",
                               "MODELFN_POISON_QUEUE_URL": "${queue:spring-poison}",
                               "SPRING_CLOUD_FUNCTION_DEFINITION": "scoreRecords" },
              "memoryMb": 1024, "timeoutSeconds": 60 },
            { "name": "lambda-submit", "handler": "dev.modelfn.aws.PredictHttpHandler::handleRequest", "code": "%1$s",
              "environment": { %3$s, "MODELFN_DATA_BUCKET": "parity-lambda", "MODELFN_JOBS_QUEUE_URL": "${queue:lambda-jobs}" },
              "memoryMb": 1024, "timeoutSeconds": 60 },
            { "name": "lambda-async", "handler": "dev.modelfn.aws.AsyncJobHandler::handleRequest", "code": "%1$s",
              "environment": { %3$s, "MODELFN_DATA_BUCKET": "parity-lambda", "MODELFN_JOBS_QUEUE_URL": "${queue:lambda-jobs}" },
              "memoryMb": 1024, "timeoutSeconds": 60 },
            { "name": "spring-async", "handler": "%4$s", "code": "%2$s",
              "environment": { %3$s, "MODELFN_DATA_BUCKET": "parity-spring", "MODELFN_JOBS_QUEUE_URL": "${queue:spring-jobs}",
                               "SPRING_CLOUD_FUNCTION_DEFINITION": "asyncWorker" },
              "memoryMb": 1024, "timeoutSeconds": 60 }
          ]
        }""".formatted(AWS_ZIP, SPRING_ZIP, "\"MODELFN_MODEL_URI\": \"classpath:models/fraud/fraud.onnx\","
        + " \"MODELFN_MODEL_NAME\": \"fraud\"", INVOKER);
    return CloudConfig.parse(json, "BatchStreamParityIT");
  }

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(Files.isRegularFile(HOME.resolve(SPRING_ZIP)) && Files.isRegularFile(HOME.resolve(AWS_ZIP))
        && Files.isRegularFile(HOME.resolve("functions/gcp/target/deploy/modelfn-gcp.jar"))
        && Files.isRegularFile(HOME.resolve("local-dev/target/adapters/java-function-invoker.jar")),
        "the Lambda package, the Spring Lambda package, the Cloud Functions jar and local-dev's copy of the"
            + " Functions Framework's invoker are built by `./mvnw package` (local-dev, functions/spring,"
            + " functions/gcp) before this module's integration tests");
    s3 = CLOUD.cloud().s3();
    sqs = CLOUD.cloud().sqs();
    lambda = CLOUD.cloud().lambda();
    gcp = GcpSide.start(HOME);
  }

  @AfterAll
  static void stop() throws Exception {
    if (gcp != null) {
      gcp.close();
    }
    if (s3 != null) {
      s3.close();
      sqs.close();
      lambda.close();
    }
  }

  /** The sample file with rows a scorer must reject beside the ones it scores. */
  static byte[] batchInput() throws Exception {
    String csv = new String(Fixtures.bytes("batch/fraud-sample.csv"), StandardCharsets.UTF_8);
    String[] lines = csv.split("\n");
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < lines.length; i++) {
      b.append(lines[i]).append('\n');
      if (i == 10) {
        b.append("12.5,13,lots,4.5,1.3,3.564,5,8.8,12.72,0,1,0,0,0,0,61\n"); // not a number
      }
      if (i == 20) {
        b.append("12.5,13,0.2\n"); // too few fields
      }
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void oneBatchObjectGivesTheSameOutputsOnEveryPlatform() throws Exception {
    byte[] csv = batchInput();
    Map<String, BatchOutput> outputs = new LinkedHashMap<>();
    outputs.put("Lambda handler", lambdaBatch("lambda-batch", "parity-lambda", csv));
    outputs.put("Spring FunctionInvoker", lambdaBatch("spring-batch", "parity-spring", csv));
    outputs.put("Cloud Functions", gcp.scoreObject(KEY, csv));
    BatchOutput reference = outputs.get("Lambda handler");
    assertThat(reference.manifest().path("status").asText()).as(reference.manifest().toString()).isEqualTo("completed");
    assertThat(reference.manifest().path("rows").path("rejected").asInt()).isEqualTo(2);
    assertThat(reference.predictions().lines().count()).isEqualTo(101);
    outputs.forEach((platform, out) -> {
      assertThat(out.manifest()).as("%s: manifest", platform).isEqualTo(reference.manifest());
      assertThat(out.predictions()).as("%s: predictions", platform).isEqualTo(reference.predictions());
      assertThat(out.rejects()).as("%s: rejects", platform).isEqualTo(reference.rejects());
    });
  }

  @Test
  void oneStreamBatchGivesTheSamePredictionsAndDeadLettersOnEveryPlatform() throws Exception {
    List<byte[]> records = streamRecords();
    Map<String, StreamOutput> outputs = new LinkedHashMap<>();
    outputs.put("Lambda handler", lambdaStream("lambda-stream", "lambda-predictions", "lambda-poison", records));
    outputs.put("Spring FunctionInvoker", lambdaStream("spring-stream", "spring-predictions", "spring-poison", records));
    outputs.put("Cloud Functions", gcp.scoreRecords(records));
    StreamOutput reference = outputs.get("Lambda handler");
    assertThat(reference.retried()).isEmpty();
    assertThat(reference.deadLetters()).hasSize(2);
    assertThat(reference.predictions()).hasSize(records.size() - 2);
    outputs.forEach((platform, out) -> {
      assertThat(out.predictions()).as("%s: predictions by record", platform).isEqualTo(reference.predictions());
      assertThat(out.deadLetters()).as("%s: dead letters by record", platform).isEqualTo(reference.deadLetters());
      assertThat(out.retried()).as("%s: records handed back", platform).isEqualTo(reference.retried());
    });
  }

  /**
   * One async job through the Lambda worker and Spring's {@code asyncWorker}: submitted once (the
   * API Gateway fixture, without its callback), its record copied to the Spring side's bucket, and
   * the same SQS event of its message sent to both workers. Both finish it, with the same result.
   */
  @Test
  void oneAsyncJobGivesTheSameResultOnLambdaAndSpring() throws Exception {
    ObjectNode submit = (ObjectNode) Json.mapper().readTree(Fixtures.bytes("async/infer-async.json"));
    ObjectNode body = (ObjectNode) Json.mapper().readTree(submit.path("body").asText());
    ((ObjectNode) body.path("parameters")).remove("callback_url");
    submit.put("body", body.toString());
    ((ObjectNode) submit.path("headers")).remove(List.of("content-length", "idempotency-key"));
    JsonNode accepted = invoke("lambda-submit", submit);
    assertThat(accepted.path("statusCode").asInt()).as(accepted.toString()).isEqualTo(202);
    String id = Json.mapper().readTree(accepted.path("body").asText()).path("id").asText();
    String record = "jobs/" + id + "/job.json";
    s3.copyObject(c -> c.sourceBucket("parity-lambda").sourceKey(record).destinationBucket("parity-spring")
        .destinationKey(record));
    JsonNode message = drain("lambda-jobs", 1).get(0);
    ObjectNode event = (ObjectNode) Json.mapper().readTree(Fixtures.bytes("async/sqs-job.json"));
    ((ObjectNode) event.path("Records").get(0)).put("body", message.toString());

    Map<String, String> bucketOf = new LinkedHashMap<>();
    bucketOf.put("lambda-async", "parity-lambda");
    bucketOf.put("spring-async", "parity-spring");
    Map<String, String> results = new LinkedHashMap<>();
    for (var worker : bucketOf.entrySet()) {
      JsonNode answer = invoke(worker.getKey(), event);
      assertThat(answer.path("batchItemFailures").isArray()).as("%s: %s", worker.getKey(), answer).isTrue();
      assertThat(answer.path("batchItemFailures")).as("%s: %s", worker.getKey(), answer).isEmpty();
      JsonNode job = Json.mapper().readTree(text(worker.getValue(), record));
      assertThat(job.path("status").asText()).as("%s: %s", worker.getKey(), job).isEqualTo("succeeded");
      results.put(worker.getKey(), text(worker.getValue(), "jobs/" + id + "/result.json"));
    }
    assertThat(Json.mapper().readTree(results.get("lambda-async")).path("outputs")).as("the Lambda worker's result")
        .isNotEmpty();
    assertThat(results.get("spring-async")).as("Spring's asyncWorker's result").isEqualTo(results.get("lambda-async"));
  }

  // --- outputs, without what differs by nature (clocks, claims, ids, where the input was) ---

  /** A batch run's outputs: the manifest without its clocks, claim, lease and the input's location and ETag. */
  record BatchOutput(JsonNode manifest, String predictions, String rejects) {
    static BatchOutput of(byte[] manifest, String predictions, String rejects) throws java.io.IOException {
      ObjectNode m = (ObjectNode) Json.mapper().readTree(manifest);
      m.remove(List.of("claim", "leaseUntilEpochMs", "timings", "throughputRowsPerSecond", "jvm"));
      ((ObjectNode) m.path("input")).remove(List.of("bucket", "etag"));
      return new BatchOutput(m, predictions, rejects);
    }
  }

  /**
   * A stream batch's outputs, each keyed by the record's place in the batch: the prediction (model,
   * version and scores), the dead letter (reason, payload, model), and which records were handed
   * back for a retry.
   */
  record StreamOutput(Map<Integer, JsonNode> predictions, Map<Integer, JsonNode> deadLetters, List<Integer> retried) {}

  /** A sink message or dead letter without what names its source and time; its record's place from {@code place}. */
  static Map.Entry<Integer, JsonNode> keyed(JsonNode doc, java.util.function.Function<String, Integer> place) {
    ObjectNode o = doc.deepCopy();
    int at = place.apply(o.path("source_id").asText());
    o.remove(List.of("source_id", "source_position", "source_timestamp", "scored_at", "dead_lettered_at"));
    return Map.entry(at, o);
  }

  /** The stream records: the Kinesis fixture's (one poison), twenty rows of the sample as JSON, and one record that is not JSON. */
  static List<byte[]> streamRecords() throws Exception {
    List<byte[]> out = new ArrayList<>();
    for (JsonNode r : Json.mapper().readTree(Fixtures.bytes("stream/kinesis-records.json")).path("Records")) {
      out.add(Base64.getDecoder().decode(r.path("kinesis").path("data").asText()));
    }
    String[] lines = new String(Fixtures.bytes("batch/fraud-sample.csv"), StandardCharsets.UTF_8).split("\n");
    String[] names = lines[0].split(",");
    for (int i = 1; i <= 20; i++) {
      ObjectNode o = Json.mapper().createObjectNode();
      String[] v = lines[i].split(",");
      for (int c = 0; c < names.length; c++) {
        o.put(names[c], new java.math.BigDecimal(v[c]));
      }
      out.add(Json.mapper().writeValueAsBytes(o));
    }
    out.add("amount=12.5;hour=13".getBytes(StandardCharsets.UTF_8));
    return out;
  }

  // --- AWS Lambda: the Lambda package and the Spring Lambda package on the local cloud ---

  private static BatchOutput lambdaBatch(String function, String bucket, byte[] csv) throws Exception {
    s3.putObject(p -> p.bucket(bucket).key(KEY), software.amazon.awssdk.core.sync.RequestBody.fromBytes(csv));
    ObjectNode event = (ObjectNode) Json.mapper().readTree(Fixtures.bytes("batch/sqs-object-created.json"));
    ObjectNode record = (ObjectNode) event.path("Records").get(0);
    ObjectNode notification = (ObjectNode) Json.mapper().readTree(record.path("body").asText());
    ObjectNode s3Part = (ObjectNode) notification.path("Records").get(0).path("s3");
    ((ObjectNode) s3Part.path("bucket")).put("name", bucket).put("arn", "arn:aws:s3:::" + bucket);
    ((ObjectNode) s3Part.path("object")).put("key", KEY).put("size", csv.length);
    record.put("body", notification.toString());
    JsonNode answer = invoke(function, event);
    assertThat(answer.path("batchItemFailures")).as("%s: %s", function, answer).isEmpty();
    byte[] manifest = s3.getObjectAsBytes(g -> g.bucket(bucket).key("manifests/fraud-parity.csv.json")).asByteArray();
    return BatchOutput.of(manifest, text(bucket, "predictions/fraud-parity.csv"), text(bucket, rejectsKey(manifest)));
  }

  static String rejectsKey(byte[] manifest) throws java.io.IOException {
    return Json.mapper().readTree(manifest).path("rejects").asText();
  }

  private static String text(String bucket, String key) {
    try {
      return s3.getObjectAsBytes(g -> g.bucket(bucket).key(key)).asUtf8String();
    } catch (NoSuchKeyException e) {
      throw new AssertionError("no s3://" + bucket + "/" + key, e);
    }
  }

  private static StreamOutput lambdaStream(String function, String sinkQueue, String poisonQueue, List<byte[]> records)
      throws Exception {
    ObjectNode event = (ObjectNode) Json.mapper().readTree(Fixtures.bytes("stream/kinesis-records.json"));
    ArrayNode recs = (ArrayNode) event.path("Records");
    JsonNode template = recs.get(0);
    recs.removeAll();
    Map<String, Integer> places = new LinkedHashMap<>();
    for (int i = 0; i < records.size(); i++) {
      ObjectNode r = template.deepCopy();
      String seq = "4959012345678901234567890123456789012345678901234567" + String.format("%04d", i);
      ((ObjectNode) r.path("kinesis")).put("sequenceNumber", seq).put("partitionKey", "card-" + (4400 + i))
          .put("data", Base64.getEncoder().encodeToString(records.get(i)));
      r.put("eventID", "shardId-000000000000:" + seq);
      recs.add(r);
      places.put(seq, i);
    }
    JsonNode answer = invoke(function, event);
    List<Integer> retried = new ArrayList<>();
    for (JsonNode f : answer.path("batchItemFailures")) {
      retried.add(places.get(f.path("itemIdentifier").asText()));
    }
    Map<Integer, JsonNode> predictions = new java.util.TreeMap<>();
    for (JsonNode m : drain(sinkQueue, records.size() - 2)) {
      var e = keyed(m, places::get);
      predictions.put(e.getKey(), e.getValue());
    }
    Map<Integer, JsonNode> letters = new java.util.TreeMap<>();
    for (JsonNode m : drain(poisonQueue, 2)) {
      var e = keyed(m, places::get);
      letters.put(e.getKey(), e.getValue());
    }
    return new StreamOutput(predictions, letters, retried);
  }

  private static List<JsonNode> drain(String queue, int expected) throws Exception {
    String url = CLOUD.cloud().queueUrl(queue);
    List<JsonNode> got = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (got.size() < expected && System.nanoTime() < deadline) {
      for (Message m : sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
        got.add(Json.mapper().readTree(m.body()));
        sqs.deleteMessage(d -> d.queueUrl(url).receiptHandle(m.receiptHandle()));
      }
    }
    assertThat(got).as("messages on %s", queue).hasSize(expected);
    return got;
  }

  private static JsonNode invoke(String function, JsonNode event) throws Exception {
    var r = lambda.invoke(i -> i.functionName(function).payload(SdkBytes.fromUtf8String(event.toString())));
    assertThat(r.functionError()).as("%s: %s", function, r.payload().asUtf8String()).isNull();
    return Json.mapper().readTree(r.payload().asByteArray());
  }
}

package dev.modelfn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelfn.e2e.cloud.TestCloudExtension;
import dev.modelfn.local.cloud.CloudConfig;
import dev.modelfn.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * S3-triggered batch scoring end to end: a file put into the bucket is announced on the queue,
 * the batch function (the deployment zip) scores it, and predictions, manifest and rejects appear.
 */
class BatchScoringIT {
  private static final Path HOME = Path.of(System.getProperty("modelfn.home", "..")).toAbsolutePath().normalize();
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static final TestCloudExtension CLOUD = new TestCloudExtension(BatchScoringIT::config);

  private static S3Client s3;
  private static SqsClient sqs;

  static CloudConfig config() {
    String zip = "local-dev/target/functions/modelfn-aws-lambda.zip";
    String json = """
        {
          "buckets": [
            { "name": "batch-data", "notifications": [ { "prefix": "incoming/", "queue": "batch-objects" } ] },
            { "name": "batch-slow", "notifications": [ { "prefix": "incoming/", "queue": "slow-objects" } ] },
            { "name": "batch-direct" }
          ],
          "queues": [
            { "name": "batch-objects-dlq" },
            { "name": "batch-objects", "visibilityTimeoutSeconds": 120,
              "deadLetter": { "queue": "batch-objects-dlq", "maxReceiveCount": 3 } },
            { "name": "slow-objects", "visibilityTimeoutSeconds": 120 }
          ],
          "functions": [
            { "name": "batch", "handler": "dev.modelfn.aws.BatchScoringHandler::handleRequest", "code": "%1$s",
              "environment": { "MODELFN_MODEL_URI": "classpath:models/fraud/fraud.onnx", "MODELFN_MODEL_NAME": "fraud",
                               "MODELFN_BATCH_QUEUE_URL": "${queue:batch-objects}" },
              "memoryMb": 1024, "timeoutSeconds": 120 },
            { "name": "batch-cut", "handler": "dev.modelfn.aws.BatchScoringHandler::handleRequest", "code": "%1$s",
              "environment": { "MODELFN_MODEL_URI": "classpath:models/fraud/fraud.onnx", "MODELFN_MODEL_NAME": "fraud",
                               "MODELFN_BATCH_QUEUE_URL": "${queue:slow-objects}", "MODELFN_BATCH_ROWS": "10",
                               "MODELFN_BATCH_SAFETY_SECONDS": "60" },
              "memoryMb": 1024, "timeoutSeconds": 60 }
          ],
          "triggers": [
            { "function": "batch", "queue": "batch-objects", "batchSize": 1, "reportBatchItemFailures": true },
            { "function": "batch-cut", "queue": "slow-objects", "batchSize": 1, "reportBatchItemFailures": true }
          ]
        }""".formatted(zip);
    return CloudConfig.parse(json, "BatchScoringIT");
  }

  @BeforeAll
  static void clients() {
    s3 = CLOUD.cloud().s3();
    sqs = CLOUD.cloud().sqs();
  }

  @AfterAll
  static void close() {
    if (s3 != null) {
      s3.close();
      sqs.close();
    }
  }

  private static JsonNode awaitManifest(String bucket, String key, Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = JSON.readTree(s3.getObjectAsBytes(g -> g.bucket(bucket).key(key)).asByteArray());
        String status = last.path("status").asText();
        if (status.equals("completed") || status.equals("failed")) {
          return last;
        }
      } catch (NoSuchKeyException e) {
        // not yet
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        // read while S3Mock rewrote it (S3 replaces objects atomically, S3Mock's files do not): look again
      }
      Thread.sleep(250);
    }
    throw new AssertionError("no finished manifest " + key + " within " + limit + "; last seen: " + last);
  }

  private static String text(String bucket, String key) {
    return s3.getObjectAsBytes(g -> g.bucket(bucket).key(key)).asUtf8String();
  }

  private static void assertGolden(String csvPredictions) {
    JsonNode golden = JSON.valueToTree(null);
    try {
      golden = JSON.readTree(Fixtures.bytes("models/fraud/golden-predictions.json")).get("predictions");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    List<String> lines = csvPredictions.lines().toList();
    assertThat(lines.get(0)).isEqualTo("row,label,p_fraud,p_legit");
    assertThat(lines).hasSize(golden.size() + 1);
    for (int i = 0; i < golden.size(); i++) {
      String[] cells = lines.get(i + 1).split(",");
      assertThat(Long.parseLong(cells[0])).isEqualTo(golden.get(i).get("row").asLong());
      assertThat(cells[1]).isEqualTo(golden.get(i).at("/prediction/label").asText());
      assertThat(Float.parseFloat(cells[2])).isEqualTo((float) golden.get(i).at("/prediction/probabilities/fraud")
          .asDouble());
    }
  }

  @Test
  void aCsvDroppedIntoTheBucketIsScoredLikeTheGoldenPredictions() throws Exception {
    byte[] csv = Fixtures.bytes("batch/fraud-sample.csv");
    s3.putObject(p -> p.bucket("batch-data").key("incoming/2026/11/day one.csv"), RequestBody.fromBytes(csv));
    JsonNode m = awaitManifest("batch-data", "manifests/2026/11/day one.csv.json", Duration.ofSeconds(60));
    assertThat(m.get("status").asText()).isEqualTo("completed");
    assertThat(m.at("/rows/in").asInt()).isEqualTo(100);
    assertThat(m.at("/rows/rejected").asInt()).isZero();
    assertThat(m.at("/model/name").asText()).isEqualTo("fraud");
    assertGolden(text("batch-data", "predictions/2026/11/day one.csv"));
    assertThat(text("batch-data", "rejects/2026/11/day one.csv.jsonl")).isEmpty();
  }

  @Test
  void theSameEventDeliveredAgainAndConcurrentlyScoresOnce() throws Exception {
    byte[] csv = Fixtures.bytes("batch/fraud-sample.csv");
    s3.putObject(p -> p.bucket("batch-data").key("incoming/twice.csv"), RequestBody.fromBytes(csv));
    JsonNode first = awaitManifest("batch-data", "manifests/twice.csv.json", Duration.ofSeconds(60));
    String event = """
        {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","eventName":"ObjectCreated:Put",
          "s3":{"bucket":{"name":"batch-data"},"object":{"key":"incoming/twice.csv"}}}]}""";
    for (int i = 0; i < 3; i++) {
      sqs.sendMessage(r -> r.queueUrl(CLOUD.cloud().queueUrl("batch-objects")).messageBody(event));
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) { // the redeliveries drain from the queue
      var attrs = sqs.getQueueAttributes(g -> g.queueUrl(CLOUD.cloud().queueUrl("batch-objects"))
          .attributeNamesWithStrings("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"))
          .attributesAsStrings();
      if (attrs.values().stream().allMatch("0"::equals)) {
        break;
      }
      Thread.sleep(250);
    }
    JsonNode after = JSON.readTree(s3.getObjectAsBytes(g -> g.bucket("batch-data").key("manifests/twice.csv.json"))
        .asByteArray());
    assertThat(after).as("the manifest is untouched by the duplicates").isEqualTo(first);
  }

  @Test
  void malformedRowsGoToRejectsAndAnUnmappableHeaderFailsFast() throws Exception {
    String sample = new String(Fixtures.bytes("batch/fraud-sample.csv"), StandardCharsets.UTF_8);
    List<String> lines = new java.util.ArrayList<>(sample.lines().limit(6).toList());
    lines.set(2, lines.get(2).replaceFirst("^[^,]*", "n/a"));
    s3.putObject(p -> p.bucket("batch-data").key("incoming/bad-rows.csv"),
        RequestBody.fromString(String.join("\n", lines) + "\n"));
    s3.putObject(p -> p.bucket("batch-data").key("incoming/bad-header.csv"),
        RequestBody.fromString("amount,colour\n1,red\n"));
    JsonNode rows = awaitManifest("batch-data", "manifests/bad-rows.csv.json", Duration.ofSeconds(60));
    assertThat(rows.at("/rows/rejected").asInt()).isEqualTo(1);
    JsonNode reject = JSON.readTree(text("batch-data", "rejects/bad-rows.csv.jsonl").lines().findFirst().orElseThrow());
    assertThat(reject.get("row").asInt()).isEqualTo(2);
    assertThat(reject.get("line").asInt()).isEqualTo(3);
    assertThat(reject.get("reason").asText()).isEqualTo("/amount: expected a number, received 'n/a'");
    JsonNode header = awaitManifest("batch-data", "manifests/bad-header.csv.json", Duration.ofSeconds(60));
    assertThat(header.get("status").asText()).isEqualTo("failed");
    assertThat(header.get("error").asText()).contains("header");
  }

  @Test
  void directS3AndEventBridgeEventsWithEncodedKeysAndTheRecursionGuard() throws Exception {
    byte[] csv = Fixtures.bytes("batch/fraud-sample.csv");
    s3.putObject(p -> p.bucket("batch-direct").key("incoming/a+b c.csv"), RequestBody.fromBytes(csv));
    s3.putObject(p -> p.bucket("batch-direct").key("incoming/eb.csv"), RequestBody.fromBytes(csv));
    s3.putObject(p -> p.bucket("batch-direct").key("predictions/loop.csv"), RequestBody.fromBytes(csv));
    try (var lambda = CLOUD.cloud().lambda()) {
      JsonNode direct = invoke(lambda, """
          {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","eventName":"ObjectCreated:Put",
            "s3":{"bucket":{"name":"batch-direct"},"object":{"key":"incoming/a%2Bb+c.csv","size":1}}}]}""");
      assertThat(direct.at("/results/0/outcome").asText()).isEqualTo("COMPLETED");
      assertThat(direct.at("/results/0/key").asText()).isEqualTo("incoming/a+b c.csv");
      JsonNode eventBridge = invoke(lambda, """
          {"version":"0","detail-type":"Object Created","source":"aws.s3","region":"us-east-1",
           "detail":{"bucket":{"name":"batch-direct"},"object":{"key":"incoming/eb.csv","size":1}}}""");
      assertThat(eventBridge.at("/results/0/outcome").asText()).isEqualTo("COMPLETED");
      JsonNode guarded = invoke(lambda, """
          {"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put",
            "s3":{"bucket":{"name":"batch-direct"},"object":{"key":"predictions/loop.csv"}}}]}""");
      assertThat(guarded.at("/results/0/outcome").asText()).isEqualTo("REFUSED");
    }
    assertGolden(text("batch-direct", "predictions/a+b c.csv"));
    assertGolden(text("batch-direct", "predictions/eb.csv"));
    assertThat(s3.listObjectsV2(l -> l.bucket("batch-direct").prefix("predictions/predictions")).keyCount()).isZero();
  }

  private static JsonNode invoke(software.amazon.awssdk.services.lambda.LambdaClient lambda, String event)
      throws IOException {
    var r = lambda.invoke(i -> i.functionName("batch").payload(software.amazon.awssdk.core.SdkBytes
        .fromUtf8String(event)));
    assertThat(r.functionError()).as(r.payload().asUtf8String()).isNull();
    return JSON.readTree(r.payload().asByteArray());
  }

  @Test
  void aRunThatNearsItsTimeOutContinuesAndEndsWithTheSameOutput() throws Exception {
    byte[] csv = Fixtures.bytes("batch/fraud-sample.csv");
    s3.putObject(p -> p.bucket("batch-slow").key("incoming/slow.csv"), RequestBody.fromBytes(csv));
    JsonNode m = awaitManifest("batch-slow", "manifests/slow.csv.json", Duration.ofSeconds(120));
    assertThat(m.get("status").asText()).isEqualTo("completed");
    assertThat(m.at("/timings/invocations").asInt()).as("handed over at least once").isGreaterThan(1);
    assertGolden(text("batch-slow", "predictions/slow.csv"));
  }
}

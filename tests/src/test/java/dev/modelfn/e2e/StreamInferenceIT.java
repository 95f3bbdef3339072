package dev.modelfn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelfn.e2e.cloud.TestCloudExtension;
import dev.modelfn.local.cloud.CloudConfig;
import dev.modelfn.testing.Fixtures;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** Stream inference end to end: Kinesis and SQS FIFO records → the stream function → predictions and poison queues. */
class StreamInferenceIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static final TestCloudExtension CLOUD = new TestCloudExtension(StreamInferenceIT::config);

  private static SqsClient sqs;
  private static KinesisClient kinesis;
  private static String row;

  static CloudConfig config() {
    String json = """
        {
          "queues": [ { "name": "stream-predictions" }, { "name": "stream-poison" }, { "name": "flaky-predictions" },
                      { "name": "records.fifo", "visibilityTimeoutSeconds": 30 } ],
          "streams": [ { "name": "stream-in", "shards": 1 }, { "name": "flaky-in", "shards": 1 } ],
          "functions": [
            { "name": "stream", "handler": "dev.modelfn.aws.StreamInferenceHandler::handleRequest",
              "code": "local-dev/target/functions/modelfn-aws-lambda.zip",
              "environment": { "MODELFN_MODEL_URI": "classpath:models/fraud/fraud.onnx", "MODELFN_MODEL_NAME": "fraud",
                               "MODELFN_SINK_QUEUE_URL": "${queue:stream-predictions}",
                               "MODELFN_POISON_QUEUE_URL": "${queue:stream-poison}" },
              "memoryMb": 1024, "timeoutSeconds": 60 },
            { "name": "stream-flaky", "handler": "dev.modelfn.aws.StreamInferenceHandler::handleRequest",
              "code": "local-dev/target/functions/modelfn-aws-lambda.zip",
              "environment": { "MODELFN_MODEL_URI": "classpath:models/fraud/fraud.onnx", "MODELFN_MODEL_NAME": "fraud",
                               "MODELFN_SINK_QUEUE_URL": "${queue:flaky-predictions}",
                               "MODELFN_POISON_QUEUE_URL": "${queue:stream-poison}" },
              "memoryMb": 1024, "timeoutSeconds": 60 }
          ],
          "triggers": [
            { "function": "stream", "stream": "stream-in", "batchSize": 100, "startingPosition": "TRIM_HORIZON",
              "reportBatchItemFailures": true, "maximumRetryAttempts": 5, "bisectBatchOnFunctionError": true },
            { "function": "stream", "queue": "records.fifo", "batchSize": 10, "reportBatchItemFailures": true },
            { "function": "stream-flaky", "stream": "flaky-in", "batchSize": 100, "startingPosition": "TRIM_HORIZON",
              "reportBatchItemFailures": true, "maximumRetryAttempts": 50 }
          ]
        }""";
    return CloudConfig.parse(json, "StreamInferenceIT");
  }

  @BeforeAll
  static void clients() throws IOException {
    sqs = CLOUD.cloud().sqs();
    kinesis = CLOUD.cloud().kinesis();
    row = JSON.readTree(JSON.readTree(Fixtures.bytes("http/api-v2/predict-named-instances.json")).get("body").asText())
        .get("instances").get(0).toString();
  }

  @AfterAll
  static void close() {
    if (sqs != null) {
      sqs.close();
      kinesis.close();
    }
  }

  private static List<JsonNode> drain(String queue, int expected, Duration limit) throws Exception {
    List<JsonNode> got = new ArrayList<>();
    long deadline = System.nanoTime() + limit.toNanos();
    while (got.size() < expected && System.nanoTime() < deadline) {
      for (Message m : sqs.receiveMessage(r -> r.queueUrl(CLOUD.cloud().queueUrl(queue)).maxNumberOfMessages(10)
          .waitTimeSeconds(1)).messages()) {
        got.add(JSON.readTree(m.body()));
        sqs.deleteMessage(r -> r.queueUrl(CLOUD.cloud().queueUrl(queue)).receiptHandle(m.receiptHandle()));
      }
    }
    return got;
  }

  @Test
  void aPoisonRecordGoesToTheDeadLetterQueueAndTheShardGoesOn() throws Exception {
    List<String> sequence = new ArrayList<>();
    for (String payload : List.of(row, row, "{\"amount\": \"lots\"}", row, "not json at all")) {
      sequence.add(kinesis.putRecord(p -> p.streamName("stream-in").partitionKey("k")
          .data(SdkBytes.fromUtf8String(payload))).sequenceNumber());
    }
    List<JsonNode> predictions = drain("stream-predictions", 3, Duration.ofSeconds(60));
    assertThat(predictions).extracting(p -> p.get("source_id").asText())
        .containsExactlyInAnyOrder(sequence.get(0), sequence.get(1), sequence.get(3));
    assertThat(predictions.get(0).get("model_name").asText()).isEqualTo("fraud");
    assertThat(predictions.get(0).at("/prediction/label").asText()).isIn("fraud", "legit");
    List<JsonNode> poison = drain("stream-poison", 2, Duration.ofSeconds(30));
    assertThat(poison).extracting(p -> p.get("source_id").asText())
        .containsExactlyInAnyOrder(sequence.get(2), sequence.get(4));
    JsonNode letter = poison.stream().filter(p -> p.get("source_id").asText().equals(sequence.get(4))).findFirst()
        .orElseThrow();
    assertThat(letter.get("payload").asText()).isEqualTo("not json at all");
    assertThat(letter.get("source_position").asText()).startsWith("shardId-");
    assertThat(letter.get("model_version").asText()).isEqualTo("1");
    assertThat(letter.get("reason").asText()).contains("JSON");
    // the shard is not blocked: later records are scored
    String later = kinesis.putRecord(p -> p.streamName("stream-in").partitionKey("k")
        .data(SdkBytes.fromUtf8String(row))).sequenceNumber();
    assertThat(drain("stream-predictions", 1, Duration.ofSeconds(30))).extracting(p -> p.get("source_id").asText())
        .containsExactly(later);
  }

  @Test
  void whileTheSinkIsDownTheRecordsAreRetriedAndNoneIsLost() throws Exception {
    String sinkUrl = CLOUD.cloud().queueUrl("flaky-predictions");
    sqs.deleteQueue(d -> d.queueUrl(sinkUrl)); // the sink goes away
    List<String> sequence = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      sequence.add(kinesis.putRecord(p -> p.streamName("flaky-in").partitionKey("k")
          .data(SdkBytes.fromUtf8String(row))).sequenceNumber());
    }
    Thread.sleep(2_000); // the function fails the batch (all three records) and the shard retries it
    sqs.createQueue(c -> c.queueName("flaky-predictions")); // the sink is back
    List<JsonNode> predictions = drain("flaky-predictions", 3, Duration.ofSeconds(60));
    assertThat(predictions).extracting(p -> p.get("source_id").asText()).containsAll(sequence);
    assertThat(drain("stream-poison", 1, Duration.ofSeconds(1))).as("nothing was poison").isEmpty();
  }

  @Test
  void sqsFifoRecordsAreScoredAndPoisonIsSetAside() throws Exception {
    String url = CLOUD.cloud().queueUrl("records.fifo");
    List<String> ids = new ArrayList<>();
    for (String payload : List.of(row, "[1,2]", row)) {
      ids.add(sqs.sendMessage(r -> r.queueUrl(url).messageBody(payload).messageGroupId("g1")
          .messageDeduplicationId(java.util.UUID.randomUUID().toString())).messageId());
    }
    assertThat(drain("stream-predictions", 2, Duration.ofSeconds(60))).extracting(p -> p.get("source_id").asText())
        .containsExactlyInAnyOrder(ids.get(0), ids.get(2));
    List<JsonNode> poison = drain("stream-poison", 1, Duration.ofSeconds(30));
    assertThat(poison).extracting(p -> p.get("source_id").asText()).containsExactly(ids.get(1));
    assertThat(poison.get(0).get("message_group").asText()).isEqualTo("g1");
  }
}

package dev.modelfn.spring.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.aws.StreamInferenceHandler;
import dev.modelfn.codec.Json;
import dev.modelfn.core.stream.SourceRecord;
import dev.modelfn.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.cloud.function.adapter.aws.FunctionInvoker;

/**
 * The Kinesis and SQS FIFO events of {@code events/stream/} through {@code FunctionInvoker} with the
 * {@code scoreRecords} bean and through {@link StreamInferenceHandler}, both publishing to the same
 * loopback SQS: the same {@code batchItemFailures} when all goes well, when the sink refuses one
 * record's prediction, and when the poison queue is missing; and the same predictions and dead
 * letters on the queues (scoring times aside).
 */
class FunctionInvokerStreamEventsTest {
  private static final Map<String, String> AWS_PROPERTIES = Map.of("aws.region", "us-east-1", "aws.accessKeyId",
      "test", "aws.secretAccessKey", "test");

  private static FakeSqs sqs;
  private static FunctionInvoker invoker;
  private static StreamInferenceHandler handler;
  private static String sink;
  private static String poison;

  @BeforeAll
  static void start() throws Exception {
    AWS_PROPERTIES.forEach(System::setProperty);
    sqs = new FakeSqs();
    sink = sqs.queueUrl("predictions");
    poison = sqs.queueUrl("poison");
    Map<String, String> env = Fixtures.fraudEnv("AWS_ENDPOINT_URL", sqs.endpoint(), "MODELFN_SINK_QUEUE_URL", sink,
        "MODELFN_POISON_QUEUE_URL", poison);
    invoker = Invokers.start(LambdaFunctions.SCORE_RECORDS, env);
    handler = new StreamInferenceHandler(env);
  }

  @AfterAll
  static void stop() {
    sqs.close();
    AWS_PROPERTIES.keySet().forEach(System::clearProperty);
  }

  @ParameterizedTest
  @ValueSource(strings = {"stream/kinesis-records.json", "stream/sqs-fifo-records.json"})
  void reportsTheSameFailuresAndPublishesTheSameMessagesWhenAllGoesWell(String fixture) throws Exception {
    byte[] event = Fixtures.bytes(fixture);
    sqs.failures(Set.of(), Set.of());
    Outcome spring = viaSpring(event);
    Outcome lambda = viaHandler(event);

    assertThat(spring.answer()).isEqualTo(lambda.answer());
    assertThat(spring.answer().path("batchItemFailures")).isEmpty();
    assertThat(spring.predictions()).isEqualTo(lambda.predictions());
    assertThat(spring.deadLetters()).isEqualTo(lambda.deadLetters());
    // every record scored or dead-lettered
    assertThat(spring.predictions().size() + spring.deadLetters().size())
        .isEqualTo(StreamInferenceHandler.records(event).records().size());
  }

  @ParameterizedTest
  @ValueSource(strings = {"stream/kinesis-records.json", "stream/sqs-fifo-records.json"})
  void reportsTheSameFailuresWhenTheSinkRefusesOneRecord(String fixture) throws Exception {
    byte[] event = Fixtures.bytes(fixture);
    String first = firstRecordId(event);
    sqs.failures(Set.of("\"source_id\":\"" + first + "\""), Set.of());
    Outcome spring = viaSpring(event);
    Outcome lambda = viaHandler(event);

    assertThat(spring.answer()).isEqualTo(lambda.answer());
    assertThat(spring.answer().findValuesAsText("itemIdentifier")).contains(first);
  }

  @ParameterizedTest
  @ValueSource(strings = {"stream/kinesis-records.json", "stream/sqs-fifo-records.json"})
  void reportsTheSameFailuresWhenThePoisonQueueIsMissing(String fixture) throws Exception {
    byte[] event = Fixtures.bytes(fixture);
    sqs.failures(Set.of(), Set.of(poison));
    Outcome spring = viaSpring(event);
    Outcome lambda = viaHandler(event);

    assertThat(spring.answer()).isEqualTo(lambda.answer());
    assertThat(spring.answer().path("batchItemFailures")).isNotEmpty();
  }

  private record Outcome(JsonNode answer, List<JsonNode> predictions, List<JsonNode> deadLetters) {}

  private Outcome viaSpring(byte[] event) throws Exception {
    sqs.clear();
    JsonNode answer = Json.mapper().readTree(Invokers.invoke(invoker, event, "lambda-request-id"));
    return new Outcome(answer, untimed(sqs.received(sink)), untimed(sqs.received(poison)));
  }

  private Outcome viaHandler(byte[] event) throws Exception {
    sqs.clear();
    JsonNode answer = handler.handle(StreamInferenceHandler.records(event));
    return new Outcome(answer, untimed(sqs.received(sink)), untimed(sqs.received(poison)));
  }

  private static String firstRecordId(byte[] event) {
    List<SourceRecord> records = StreamInferenceHandler.records(event).records();
    return records.get(0).id();
  }

  /** The messages as JSON, without the members that say when (scored_at, failed_at, ...). */
  private static List<JsonNode> untimed(List<String> messages) {
    return messages.stream().map(m -> {
      JsonNode n = Json.parse(m.getBytes(StandardCharsets.UTF_8));
      if (n instanceof ObjectNode o) {
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
          if (it.next().endsWith("_at")) {
            it.remove();
          }
        }
      }
      return n;
    }).toList();
  }
}

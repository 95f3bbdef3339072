package dev.modelfn.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelfn.core.stream.ScoreRecordsFunction;
import dev.modelfn.core.stream.SourceRecord;
import dev.modelfn.errors.InvalidInputException;
import dev.modelfn.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Kinesis and SQS events, as Lambda delivers them, read into source records. */
class StreamEventRecordsTest {

  @Test
  void readsKinesisRecordsWithTheirDataDecoded() throws Exception {
    var tree = dev.modelfn.codec.Json.parse(Fixtures.bytes("stream/kinesis-records.json"));
    StreamInferenceHandler.Batch batch = StreamInferenceHandler.records(Fixtures.bytes("stream/kinesis-records.json"));
    assertThat(batch.ordering()).isEqualTo(ScoreRecordsFunction.Ordering.SHARD);
    assertThat(batch.records()).hasSize(3);
    for (int i = 0; i < 3; i++) {
      var r = tree.at("/Records/" + i);
      SourceRecord s = batch.records().get(i);
      assertThat(s.id()).isEqualTo(r.at("/kinesis/sequenceNumber").asText());
      assertThat(s.position()).isEqualTo(r.at("/eventID").asText());
      assertThat(s.payload()).isEqualTo(Base64.getDecoder().decode(r.at("/kinesis/data").asText()));
      assertThat(s.arrived()).contains(
          Instant.ofEpochMilli((long) (r.at("/kinesis/approximateArrivalTimestamp").asDouble() * 1000)));
      assertThat(s.group()).isEmpty();
    }
  }

  @Test
  void keepsKinesisDataThatIsNotBase64AsItIsForTheDeadLetterQueue() {
    String event = "{\"Records\":[{\"eventSource\":\"aws:kinesis\",\"eventID\":\"e\",\"kinesis\":"
        + "{\"sequenceNumber\":\"1\",\"data\":\"not base64!\",\"approximateArrivalTimestamp\":1.7e9}}]}";
    SourceRecord r = StreamInferenceHandler.records(event.getBytes(StandardCharsets.UTF_8)).records().get(0);
    assertThat(new String(r.payload(), StandardCharsets.UTF_8)).isEqualTo("not base64!");
    assertThat(r.id()).isEqualTo("1");
  }

  @Test
  void readsFifoQueueMessagesWithTheirGroupsAndOrdering() {
    StreamInferenceHandler.Batch batch = StreamInferenceHandler.records(Fixtures.bytes("stream/sqs-fifo-records.json"));
    assertThat(batch.ordering()).isEqualTo(ScoreRecordsFunction.Ordering.FIFO_GROUPS);
    assertThat(batch.records()).extracting(SourceRecord::id)
        .containsExactly("059f36b4-87a3-44ab-83d2-661975830a7d", "2e1424d4-f796-459a-8184-9c92662be6da");
    SourceRecord first = batch.records().get(0);
    assertThat(first.group()).isEqualTo(Optional.of("card-4411"));
    assertThat(new String(first.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"amount\":108.56,\"hour_of_day\":13}");
    assertThat(first.arrived()).contains(Instant.ofEpochMilli(1545082649183L));
    assertThat(first.position()).endsWith("fraud-records.fifo");
  }

  @Test
  void refusesMalformedEventsAndRecordsOfOtherSources() {
    assertThatThrownBy(() -> StreamInferenceHandler.records("{\"Records\":[".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("malformed JSON");
    assertThatThrownBy(() -> StreamInferenceHandler.records(
        "{\"Records\":[{\"eventSource\":\"aws:dynamodb\"}]}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("aws:dynamodb");
  }
}

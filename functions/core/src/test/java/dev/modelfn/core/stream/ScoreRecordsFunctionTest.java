package dev.modelfn.core.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelfn.codec.Json;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.model.ModelLoader;
import dev.modelfn.model.OnnxPredictor;
import dev.modelfn.telemetry.Metrics;
import dev.modelfn.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ScoreRecordsFunctionTest {
  private static OnnxPredictor fraud;
  private static String row;
  private static JsonNode golden;

  @BeforeAll
  static void load() {
    fraud = OnnxPredictor.load(ModelfnConfig.from(Fixtures.fraudEnv()), ModelLoader.local());
    JsonNode instances = Json.parse(Json.parse(Fixtures.bytes("http/api-v2/predict-named-instances.json"))
        .get("body").asText().getBytes(StandardCharsets.UTF_8)).get("instances");
    row = instances.get(0).toString();
  }

  @AfterAll
  static void close() {
    fraud.close();
  }

  /** A sink that refuses the ids it is told to, and keeps what it took. */
  private static final class Sink implements PredictionSink {
    final Set<String> refuse = new HashSet<>();
    final List<JsonNode> taken = new ArrayList<>();

    @Override
    public Set<String> publish(List<Item> items) {
      Set<String> failed = new HashSet<>();
      for (Item i : items) {
        if (refuse.contains(i.sourceId())) {
          failed.add(i.sourceId());
        } else {
          taken.add(Json.parse(i.json()));
        }
      }
      return failed;
    }
  }

  private static final class Letters implements DeadLetters {
    final Set<String> refuse = new HashSet<>();
    final List<JsonNode> sent = new ArrayList<>();

    @Override
    public Set<String> send(List<Letter> letters) {
      Set<String> failed = new HashSet<>();
      for (Letter l : letters) {
        if (refuse.contains(l.sourceId())) {
          failed.add(l.sourceId());
        } else {
          sent.add(Json.parse(l.json()));
        }
      }
      return failed;
    }
  }

  private static SourceRecord rec(String id, String group, String payload) {
    return new SourceRecord(id, "shardId-000000000000:" + id, Optional.ofNullable(group),
        payload.getBytes(StandardCharsets.UTF_8), Optional.of(Instant.now().minusSeconds(3)));
  }

  private static ScoreRecordsFunction fn(Sink sink, Letters letters) {
    return new ScoreRecordsFunction(fraud, sink, letters, Metrics.NONE);
  }

  @Test
  void poisonRecordsGoToTheDeadLettersAndTheRestIsScoredInOneBatch() {
    Sink sink = new Sink();
    Letters letters = new Letters();
    ScoreRecordsFunction.Result r = fn(sink, letters).apply(List.of(rec("1", null, row), rec("2", null, "{not json"),
        rec("3", null, row.replace("\"amount\"", "\"amt\"")), rec("4", null, row)), ScoreRecordsFunction.Ordering.SHARD);
    assertThat(r.retry()).isEmpty();
    assertThat(r.scored()).isEqualTo(2);
    assertThat(r.poisoned()).isEqualTo(2);
    assertThat(sink.taken).extracting(j -> j.get("source_id").asText()).containsExactly("1", "4");
    JsonNode p = sink.taken.get(0);
    assertThat(p.get("model_name").asText()).isEqualTo("fraud");
    assertThat(p.get("model_version").asText()).isEqualTo("1");
    assertThat(p.at("/prediction/label").asText()).isIn("fraud", "legit");
    assertThat(p.get("scored_at").asText()).isNotEmpty();
    assertThat(p.get("source_timestamp").asText()).isNotEmpty();
    assertThat(letters.sent).extracting(j -> j.get("source_id").asText()).containsExactly("2", "3");
    JsonNode bad = letters.sent.get(0);
    assertThat(bad.get("payload").asText()).isEqualTo("{not json");
    assertThat(bad.get("source_position").asText()).isEqualTo("shardId-000000000000:2");
    assertThat(bad.get("model_version").asText()).isEqualTo("1");
    assertThat(bad.get("reason").asText()).contains("valid JSON");
    assertThat(letters.sent.get(1).get("reason").asText()).contains("amount");
  }

  /** Ids of any text are written as JSON strings, and each prediction carries its own record's arrival time. */
  @Test
  void predictionsCarryTheirRecordsIdAndArrivalTimeExactly() {
    Sink sink = new Sink();
    List<String> ids = List.of("49680518021935774885814234121206960000000000000000000000", "quote\"d", "back\\slash",
        "tab\tnew\nline\u0001", "caf\u00e9", "snow\u2603", "del\u007f", "");
    List<SourceRecord> records = new ArrayList<>();
    List<Instant> arrivals = List.of(Instant.ofEpochMilli(1_795_500_000_123L), Instant.ofEpochMilli(1_795_500_000_000L),
        Instant.ofEpochSecond(1_795_500_000L, 123_456_000), Instant.ofEpochSecond(1_795_500_001L, 1),
        Instant.parse("1999-12-31T23:59:59.999Z"), Instant.parse("2000-02-29T00:00:00Z"),
        Instant.ofEpochMilli(1_795_500_000_124L), Instant.ofEpochMilli(1_795_500_000_124L));
    for (int i = 0; i < ids.size(); i++) {
      records.add(new SourceRecord(ids.get(i), "p", Optional.empty(), row.getBytes(StandardCharsets.UTF_8),
          Optional.of(arrivals.get(i))));
    }
    records.add(new SourceRecord("no-arrival", "p", Optional.empty(), row.getBytes(StandardCharsets.UTF_8),
        Optional.empty()));
    ScoreRecordsFunction.Result r = fn(sink, new Letters()).apply(records, ScoreRecordsFunction.Ordering.SHARD);
    assertThat(r.scored()).isEqualTo(records.size());
    for (int i = 0; i < ids.size(); i++) {
      assertThat(sink.taken.get(i).get("source_id").asText()).isEqualTo(ids.get(i));
      assertThat(sink.taken.get(i).get("source_timestamp").asText()).isEqualTo(arrivals.get(i).toString());
    }
    assertThat(sink.taken.get(ids.size()).has("source_timestamp")).isFalse();
    assertThat(Instant.parse(sink.taken.get(0).get("scored_at").asText())).isBeforeOrEqualTo(Instant.now());
  }

  @Test
  void onlyRecordsTheSinkRefusedAreRetried() {
    Sink sink = new Sink();
    sink.refuse.add("2");
    ScoreRecordsFunction.Result r = fn(sink, new Letters()).apply(List.of(rec("1", null, row), rec("2", null, row),
        rec("3", null, row)), ScoreRecordsFunction.Ordering.SHARD);
    assertThat(r.retry()).containsExactly("2");
    assertThat(r.scored()).isEqualTo(2);
  }

  @Test
  void fifoGroupsFailFromTheirFirstFailureOn() {
    Sink sink = new Sink();
    sink.refuse.add("a2");
    ScoreRecordsFunction.Result r = fn(sink, new Letters()).apply(List.of(rec("a1", "A", row), rec("b1", "B", row),
        rec("a2", "A", row), rec("b2", "B", row), rec("a3", "A", row)), ScoreRecordsFunction.Ordering.FIFO_GROUPS);
    assertThat(r.retry()).containsExactly("a2", "a3");
  }

  @Test
  void aPoisonRecordWhoseLetterCannotBeSentIsRetriedNotLost() {
    Letters letters = new Letters();
    letters.refuse.add("2");
    ScoreRecordsFunction.Result r = fn(new Sink(), letters).apply(List.of(rec("1", null, row), rec("2", null, "[1]")),
        ScoreRecordsFunction.Ordering.NONE);
    assertThat(r.retry()).containsExactly("2");
  }
}

package dev.modelfn.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.modelfn.codec.Json;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.core.batch.InMemoryBlobStore;
import dev.modelfn.core.batch.ScoreObjectFunction;
import dev.modelfn.core.stream.DeadLetters;
import dev.modelfn.core.stream.PredictionSink;
import dev.modelfn.core.stream.ScoreRecordsFunction;
import dev.modelfn.core.stream.SourceRecord;
import dev.modelfn.examples.corpus.CorpusGenerator;
import dev.modelfn.examples.corpus.CorpusModel;
import dev.modelfn.model.ModelLoader;
import dev.modelfn.model.OnnxPredictor;
import dev.modelfn.telemetry.JsonLogger;
import dev.modelfn.telemetry.Metrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The corpus classifiers scored by the batch function (CSV with a header, and JSON Lines of rows)
 * and by the stream function answer what ONNX Runtime answers for the same rows.
 */
class CorpusBatchAndStreamTest {
  private static final String BUCKET = "data";
  private static Path corpus;

  @BeforeAll
  static void generate() throws Exception {
    corpus = CorpusGenerator.write(Path.of("target/models/corpus"));
  }

  static Stream<CorpusModel> classifiers() {
    return CorpusModel.all().stream().filter(CorpusModel::classifier);
  }

  private static List<String> featureNames(CorpusModel m) {
    return IntStream.range(0, m.features()).mapToObj(j -> "f" + j).toList();
  }

  /** The model with feature names, as a user serving a CSV with a header configures it. */
  private static OnnxPredictor load(CorpusModel m) {
    Map<String, String> env = new HashMap<>();
    env.put("MODELFN_MODEL_URI", m.file(corpus).toUri().toString());
    env.put("MODELFN_MODEL_NAME", m.name());
    env.put("MODELFN_FEATURE_NAMES", String.join(",", featureNames(m)));
    env.put("MODELFN_METRICS_ENABLED", "false");
    return OnnxPredictor.load(ModelfnConfig.from(env), ModelLoader.local());
  }

  private static ScoreObjectFunction batch(OnnxPredictor p, InMemoryBlobStore store) {
    var settings = new ScoreObjectFunction.Settings("incoming/", "predictions/", "manifests/", "rejects/", 5,
        1 << 20, Duration.ofSeconds(30), Optional.empty());
    return new ScoreObjectFunction(p, store, body -> {
      throw new AssertionError("a run this small needs no continuation");
    }, settings, new JsonLogger("corpus-test", "ERROR"));
  }

  @ParameterizedTest(name = "{index}")
  @MethodSource("classifiers")
  void batchScoresCsvAndJsonLinesAsOnnxRuntimeDoes(CorpusModel m) throws Exception {
    float[][] rows = CorpusRows.of(m.features(), 12);
    OrtReference ort = OrtReference.run(m, m.file(corpus), rows);
    InMemoryBlobStore store = new InMemoryBlobStore(0);
    try (OnnxPredictor p = load(m)) {
      ScoreObjectFunction fn = batch(p, store);

      String csv = String.join(",", featureNames(m)) + "\n" + CorpusParityTest.csv(rows);
      store.put(BUCKET, "incoming/rows.csv", csv.getBytes(StandardCharsets.UTF_8), "text/csv");
      ScoreObjectFunction.Result r = fn.apply(ScoreObjectFunction.Request.of(BUCKET, "incoming/rows.csv"), () -> 600_000);
      assertThat(r.outcome()).as(r.detail()).isEqualTo(ScoreObjectFunction.Outcome.COMPLETED);
      assertThat(r.rowsOut()).isEqualTo(rows.length);
      List<String> lines = text(store, "predictions/rows.csv").lines().toList();
      List<String> header = new ArrayList<>(List.of("row", "label"));
      m.classes().forEach(c -> header.add("p_" + c));
      assertThat(lines.get(0)).isEqualTo(String.join(",", header));
      StringBuilder withoutRow = new StringBuilder();
      for (int i = 1; i < lines.size(); i++) {
        String line = lines.get(i);
        assertThat(line).startsWith((i) + ",");
        withoutRow.append(line.substring(line.indexOf(',') + 1)).append('\n');
      }
      CorpusParityTest.checkCsv(m, ort, withoutRow.toString());

      StringBuilder jsonl = new StringBuilder();
      for (float[] row : rows) {
        jsonl.append(Json.mapper().writeValueAsString(row)).append('\n');
      }
      store.put(BUCKET, "incoming/rows.jsonl", jsonl.toString().getBytes(StandardCharsets.UTF_8), "application/x-ndjson");
      r = fn.apply(ScoreObjectFunction.Request.of(BUCKET, "incoming/rows.jsonl"), () -> 600_000);
      assertThat(r.outcome()).as(r.detail()).isEqualTo(ScoreObjectFunction.Outcome.COMPLETED);
      ArrayNode predictions = JsonNodeFactory.instance.arrayNode();
      List<String> out = text(store, "predictions/rows.jsonl").lines().toList();
      for (int i = 0; i < out.size(); i++) {
        JsonNode line = Json.parse(out.get(i).getBytes(StandardCharsets.UTF_8));
        assertThat(line.get("row").asInt()).isEqualTo(i + 1);
        predictions.add(line.get("prediction"));
      }
      CorpusParityTest.checkRows(m, ort, predictions);
    }
  }

  @ParameterizedTest(name = "{index}")
  @MethodSource("classifiers")
  void streamScoresRecordsAsOnnxRuntimeDoes(CorpusModel m) throws Exception {
    float[][] rows = CorpusRows.of(m.features(), 12);
    OrtReference ort = OrtReference.run(m, m.file(corpus), rows);
    List<JsonNode> taken = new ArrayList<>();
    List<JsonNode> letters = new ArrayList<>();
    PredictionSink sink = items -> {
      items.forEach(i -> taken.add(Json.parse(i.json())));
      return Set.of();
    };
    DeadLetters dead = sent -> {
      sent.forEach(l -> letters.add(Json.parse(l.json())));
      return Set.of();
    };
    List<SourceRecord> records = new ArrayList<>();
    for (int i = 0; i < rows.length; i++) {
      records.add(new SourceRecord("r" + i, "shard-0:" + i, Optional.empty(),
          Json.mapper().writeValueAsBytes(rows[i]), Optional.empty()));
    }
    records.add(new SourceRecord("bad", "shard-0:bad", Optional.empty(), "[1, 2]".getBytes(StandardCharsets.UTF_8),
        Optional.empty()));
    try (OnnxPredictor p = load(m)) {
      ScoreRecordsFunction.Result r = new ScoreRecordsFunction(p, sink, dead, Metrics.NONE)
          .apply(records, ScoreRecordsFunction.Ordering.SHARD);
      assertThat(r.retry()).isEmpty();
      assertThat(r.scored()).isEqualTo(rows.length);
      assertThat(r.poisoned()).isEqualTo(1);
    }
    assertThat(letters).extracting(l -> l.get("source_id").asText()).containsExactly("bad");
    assertThat(taken).extracting(t -> t.get("source_id").asText())
        .containsExactlyElementsOf(IntStream.range(0, rows.length).mapToObj(i -> "r" + i).toList());
    assertThat(taken).allSatisfy(t -> assertThat(t.get("model_name").asText()).isEqualTo(m.name()));
    ArrayNode predictions = JsonNodeFactory.instance.arrayNode();
    taken.forEach(t -> predictions.add(t.get("prediction")));
    CorpusParityTest.checkRows(m, ort, predictions);
  }

  private static String text(InMemoryBlobStore store, String key) {
    byte[] b = store.get(BUCKET, key).map(dev.modelfn.core.storage.BlobStore.Blob::bytes).orElse(null);
    assertThat(b).as("%s in %s", key, store.keys()).isNotNull();
    return new String(b, StandardCharsets.UTF_8);
  }
}

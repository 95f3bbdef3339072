package dev.modelfn.core.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelfn.codec.Json;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.core.storage.BlobStore;
import dev.modelfn.model.ModelLoader;
import dev.modelfn.model.OnnxPredictor;
import dev.modelfn.telemetry.JsonLogger;
import dev.modelfn.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ScoreObjectFunctionTest {
  private static final String BUCKET = "data";
  private static OnnxPredictor fraud;
  private static String csv;
  private static JsonNode golden;

  @BeforeAll
  static void load() {
    fraud = OnnxPredictor.load(ModelfnConfig.from(Fixtures.fraudEnv()), ModelLoader.local());
    csv = Fixtures.text("batch/fraud-sample.csv");
    golden = Json.parse(Fixtures.bytes("models/fraud/golden-predictions.json")).get("predictions");
  }

  @AfterAll
  static void close() {
    fraud.close();
  }

  private record Setup(InMemoryBlobStore store, ConcurrentLinkedQueue<String> queue, ScoreObjectFunction fn) {}

  private static Setup setup(int batchRows, int partBytes) {
    InMemoryBlobStore store = new InMemoryBlobStore(partBytes);
    ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>();
    var settings = new ScoreObjectFunction.Settings("incoming/", "predictions/", "manifests/", "rejects/", batchRows,
        partBytes, Duration.ofSeconds(30), Optional.empty());
    return new Setup(store, queue, new ScoreObjectFunction(fraud, store, queue::add, settings,
        new JsonLogger("test", "ERROR")));
  }

  private static ScoreObjectFunction.Result run(Setup s, String key) {
    return s.fn().apply(ScoreObjectFunction.Request.of(BUCKET, key), () -> 600_000);
  }

  private static String text(Setup s, String key) {
    byte[] b = s.store().bytes(BUCKET, key);
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  private static JsonNode manifest(Setup s, String key) {
    return Json.parse(s.store().bytes(BUCKET, key));
  }

  @Test
  void scoresACsvLikeTheGoldenPredictions() {
    Setup s = setup(512, 8 * 1024 * 1024);
    s.store().put(BUCKET, "incoming/day1/sample.csv", csv.getBytes(StandardCharsets.UTF_8), "text/csv");
    ScoreObjectFunction.Result r = run(s, "incoming/day1/sample.csv");
    assertThat(r.outcome()).isEqualTo(ScoreObjectFunction.Outcome.COMPLETED);
    assertThat(r.rowsIn()).isEqualTo(golden.size());
    List<String> lines = text(s, "predictions/day1/sample.csv").lines().toList();
    assertThat(lines.get(0)).isEqualTo("row,label,p_fraud,p_legit");
    assertThat(lines).hasSize(golden.size() + 1);
    for (int i = 0; i < golden.size(); i++) {
      JsonNode g = golden.get(i);
      String[] cells = lines.get(i + 1).split(",");
      assertThat(Long.parseLong(cells[0])).isEqualTo(g.get("row").asLong());
      assertThat(cells[1]).isEqualTo(g.at("/prediction/label").asText());
      assertThat(Float.parseFloat(cells[2])).isEqualTo((float) g.at("/prediction/probabilities/fraud").asDouble());
    }
    JsonNode m = manifest(s, "manifests/day1/sample.csv.json");
    assertThat(m.get("status").asText()).isEqualTo("completed");
    assertThat(m.at("/rows/in").asLong()).isEqualTo(golden.size());
    assertThat(m.at("/rows/out").asLong()).isEqualTo(golden.size());
    assertThat(m.at("/rows/rejected").asLong()).isZero();
    assertThat(m.at("/model/name").asText()).isEqualTo("fraud");
    assertThat(m.at("/input/etag").asText()).isEqualTo(InMemoryBlobStore.etag(csv.getBytes(StandardCharsets.UTF_8)));
    assertThat(m.at("/throughputRowsPerSecond").asLong()).isPositive();
    assertThat(m.at("/timings/finishedAt").asText()).isNotEmpty();
    assertThat(text(s, "rejects/day1/sample.csv.jsonl")).isEmpty();
  }

  @Test
  void jsonLinesInGzipAnswerInJsonLinesWithTheGoldenPredictions() throws Exception {
    Setup s = setup(16, 8 * 1024 * 1024);
    List<String> header = List.of(csv.lines().findFirst().orElseThrow().split(","));
    StringBuilder jsonl = new StringBuilder();
    csv.lines().skip(1).forEach(line -> {
      String[] v = line.split(",");
      StringBuilder o = new StringBuilder("{");
      for (int i = 0; i < v.length; i++) {
        o.append(i == 0 ? "" : ",").append('"').append(header.get(i)).append("\":").append(v[i]);
      }
      jsonl.append(o).append("}\r\n");
    });
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(jsonl.toString().getBytes(StandardCharsets.UTF_8));
    }
    s.store().put(BUCKET, "incoming/rows.jsonl.gz", gz.toByteArray(), "application/gzip");
    assertThat(run(s, "incoming/rows.jsonl.gz").outcome()).isEqualTo(ScoreObjectFunction.Outcome.COMPLETED);
    List<String> lines = text(s, "predictions/rows.jsonl").lines().toList();
    assertThat(lines).hasSize(golden.size());
    for (int i = 0; i < golden.size(); i++) {
      assertThat(Json.parse(lines.get(i).getBytes(StandardCharsets.UTF_8))).isEqualTo(golden.get(i));
    }
  }

  @Test
  void malformedRowsGoToRejectsAndTheRestIsScored() {
    Setup s = setup(4, 8 * 1024 * 1024);
    List<String> lines = new ArrayList<>(csv.lines().limit(11).toList());
    lines.set(3, lines.get(3).replaceFirst("^[^,]*", "abc")); // row 3: amount not a number
    lines.set(6, "1,2,3"); // row 6: too few columns
    lines.add("\"unterminated,1,2"); // row 11: broken quoting (RFC 4180: the rest of the file is in the quotes)
    String body = String.join("\r\n", lines) + "\r\n";
    s.store().put(BUCKET, "incoming/bad.csv", ("\uFEFF" + body).getBytes(StandardCharsets.UTF_8), "text/csv");
    ScoreObjectFunction.Result r = run(s, "incoming/bad.csv");
    assertThat(r.outcome()).isEqualTo(ScoreObjectFunction.Outcome.COMPLETED);
    assertThat(r.rowsIn()).isEqualTo(11);
    assertThat(r.rejected()).isEqualTo(3);
    List<JsonNode> rejects = text(s, "rejects/bad.csv.jsonl").lines()
        .map(l -> Json.parse(l.getBytes(StandardCharsets.UTF_8))).toList();
    assertThat(rejects).extracting(j -> j.get("row").asLong()).containsExactly(3L, 6L, 11L);
    assertThat(rejects.get(0).get("line").asLong()).isEqualTo(4);
    assertThat(rejects.get(0).get("reason").asText()).isEqualTo("/amount: expected a number, received 'abc'");
    assertThat(rejects.get(1).get("raw").asText()).isEqualTo("1,2,3");
    assertThat(rejects.get(1).get("reason").asText()).contains("16 columns").contains("3 columns");
    assertThat(rejects.get(2).get("reason").asText()).contains("closing quote");
    List<String> out = text(s, "predictions/bad.csv").lines().toList();
    assertThat(out).hasSize(1 + 8);
    assertThat(out.stream().skip(1).map(l -> l.split(",")[0])).containsExactly("1", "2", "4", "5", "7", "8", "9",
        "10");
  }

  @Test
  void anUnmappableHeaderFailsFastWithTheReason() {
    Setup s = setup(512, 8 * 1024 * 1024);
    s.store().put(BUCKET, "incoming/wrong.csv", "amount,colour\n1,red\n".getBytes(StandardCharsets.UTF_8), "text/csv");
    ScoreObjectFunction.Result r = run(s, "incoming/wrong.csv");
    assertThat(r.outcome()).isEqualTo(ScoreObjectFunction.Outcome.FAILED);
    JsonNode m = manifest(s, "manifests/wrong.csv.json");
    assertThat(m.get("status").asText()).isEqualTo("failed");
    assertThat(m.get("error").asText()).contains("header").contains("missing [");
    assertThat(s.store().bytes(BUCKET, "predictions/wrong.csv")).isNull();
    assertThat(run(s, "incoming/wrong.csv").outcome()).as("a redelivery does not retry a failed file")
        .isEqualTo(ScoreObjectFunction.Outcome.DUPLICATE);
  }

  @Test
  void anEmptyFileGivesAnEmptyOutputAndACompleteManifest() {
    Setup s = setup(512, 8 * 1024 * 1024);
    s.store().put(BUCKET, "incoming/empty.csv", new byte[0], "text/csv");
    assertThat(run(s, "incoming/empty.csv").outcome()).isEqualTo(ScoreObjectFunction.Outcome.COMPLETED);
    assertThat(text(s, "predictions/empty.csv")).isEqualTo("row,label,p_fraud,p_legit\n");
    assertThat(text(s, "rejects/empty.csv.jsonl")).isEmpty();
    JsonNode m = manifest(s, "manifests/empty.csv.json");
    assertThat(m.get("status").asText()).isEqualTo("completed");
    assertThat(m.at("/rows/in").asLong()).isZero();
  }

  @Test
  void keysOutsideTheInputPrefixAreRefused() {
    Setup s = setup(512, 8 * 1024 * 1024);
    s.store().put(BUCKET, "predictions/x.csv", csv.getBytes(StandardCharsets.UTF_8), "text/csv");
    assertThat(run(s, "predictions/x.csv").outcome()).isEqualTo(ScoreObjectFunction.Outcome.REFUSED);
    assertThat(s.store().keys()).containsExactly(BUCKET + "/predictions/x.csv");
  }

  @Test
  void aRepeatedOrConcurrentDeliveryScoresOnce() throws Exception {
    Setup s = setup(8, 8 * 1024 * 1024);
    s.store().put(BUCKET, "incoming/twice.csv", csv.getBytes(StandardCharsets.UTF_8), "text/csv");
    List<CompletableFuture<ScoreObjectFunction.Result>> runs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      runs.add(CompletableFuture.supplyAsync(() -> run(s, "incoming/twice.csv")));
    }
    List<ScoreObjectFunction.Outcome> outcomes = runs.stream().map(CompletableFuture::join)
        .map(ScoreObjectFunction.Result::outcome).toList();
    assertThat(outcomes).filteredOn(o -> o == ScoreObjectFunction.Outcome.COMPLETED).hasSize(1);
    assertThat(outcomes).allMatch(o -> o == ScoreObjectFunction.Outcome.COMPLETED
        || o == ScoreObjectFunction.Outcome.IN_PROGRESS || o == ScoreObjectFunction.Outcome.DUPLICATE);
    assertThat(run(s, "incoming/twice.csv").outcome()).isEqualTo(ScoreObjectFunction.Outcome.DUPLICATE);
    // a new version of the input is scored again
    s.store().put(BUCKET, "incoming/twice.csv", csv.lines().limit(5).reduce("", (a, b) -> a + b + "\n")
        .getBytes(StandardCharsets.UTF_8), "text/csv");
    ScoreObjectFunction.Result again = run(s, "incoming/twice.csv");
    assertThat(again.outcome()).isEqualTo(ScoreObjectFunction.Outcome.COMPLETED);
    assertThat(again.rowsIn()).isEqualTo(4);
  }

  @Test
  void aForcedTimeOutContinuesAndTheOutputEqualsAnUninterruptedRun() {
    // many small parts and batches, rejects among the rows, so that checkpoints fall everywhere
    StringBuilder big = new StringBuilder(csv.lines().findFirst().orElseThrow()).append('\n');
    List<String> rows = csv.lines().skip(1).toList();
    for (int rep = 0; rep < 12; rep++) {
      for (int i = 0; i < rows.size(); i++) {
        big.append((i + rep) % 37 == 0 ? "x" + rows.get(i) : rows.get(i)).append('\n');
      }
    }
    byte[] input = big.toString().getBytes(StandardCharsets.UTF_8);
    for (String key : List.of("incoming/long.csv", "incoming/long.csv.gz")) {
      byte[] body = key.endsWith(".gz") ? gzip(input) : input;
      Setup whole = setup(7, 2048);
      whole.store().put(BUCKET, key, body, "text/csv");
      assertThat(run(whole, key).outcome()).isEqualTo(ScoreObjectFunction.Outcome.COMPLETED);

      Setup cut = setup(7, 2048);
      cut.store().put(BUCKET, key, body, "text/csv");
      AtomicInteger calls = new AtomicInteger();
      // the invocation "ends" after every 5 batches
      java.util.function.LongSupplier remaining = () -> calls.incrementAndGet() % 5 == 0 ? 1_000 : 600_000;
      ScoreObjectFunction.Result r = cut.fn().apply(ScoreObjectFunction.Request.of(BUCKET, key), remaining);
      int invocations = 1;
      while (r.outcome() == ScoreObjectFunction.Outcome.CONTINUED) {
        String message = cut.queue().poll();
        assertThat(message).isNotNull();
        ScoreObjectFunction.Request next = ScoreObjectFunction.continuation(message).orElseThrow();
        r = cut.fn().apply(next, remaining);
        invocations++;
        assertThat(invocations).isLessThan(500);
      }
      assertThat(r.outcome()).isEqualTo(ScoreObjectFunction.Outcome.COMPLETED);
      assertThat(invocations).as("continued at least once").isGreaterThan(5);
      String base = key.replace("incoming/", "").replace(".gz", "");
      String rel = key.replace("incoming/", "");
      assertThat(text(cut, "predictions/" + base)).isEqualTo(text(whole, "predictions/" + base));
      assertThat(text(cut, "rejects/" + rel + ".jsonl")).isEqualTo(text(whole, "rejects/" + rel + ".jsonl"));
      JsonNode m = manifest(cut, "manifests/" + rel + ".json");
      JsonNode w = manifest(whole, "manifests/" + rel + ".json");
      assertThat(m.get("rows")).isEqualTo(w.get("rows"));
      assertThat(m.at("/timings/invocations").asInt()).isEqualTo(invocations);
      assertThat(cut.store().openUploads()).isZero();
      assertThat(cut.store().keys()).as("no tails left behind").noneMatch(k -> k.contains("-tail"));
      // a stale continuation (delivered twice) does nothing
      assertThat(cut.fn().apply(ScoreObjectFunction.continuation(ScoreObjectFunction.continuationBody(BUCKET, key,
          "old")).orElseThrow(), () -> 600_000).outcome()).isEqualTo(ScoreObjectFunction.Outcome.STALE);
    }
  }

  private static byte[] gzip(byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(b);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }
}

package dev.modelfn.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.pubsub.v1.PubsubMessage;
import dev.modelfn.codec.Json;
import dev.modelfn.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ScoreObjectCloudEventFunction} under the Functions Framework's invoker, sent the Cloud
 * Storage finalized events of {@code events/gcp/storage/} (binary and structured content mode), on
 * {@link FakeGcs}: the object is scored into {@code predictions/}, {@code manifests/} and {@code
 * rejects/}; a second delivery does nothing; a run that nears its timeout hands over through a
 * Pub/Sub continuation ({@link FakePubSub}) and the continuations, delivered back as Pub/Sub
 * events, finish it with the same output.
 */
class ScoreObjectCloudEventFunctionTest {
  private static final String BUCKET = "modelfn-data"; // as in the fixtures
  private static final String KEY = "incoming/fraud-sample.csv";
  private static final String CONTINUATIONS = "projects/modelfn-demo/topics/modelfn-continuations";
  private static FakeGcs gcs;
  private static FakePubSub pubsub;
  private static FunctionServer server;
  private static FunctionServer hurried;
  private static FunctionServer smallParts;

  @BeforeAll
  static void start() throws Exception {
    gcs = new FakeGcs();
    pubsub = new FakePubSub();
    Map<String, String> env = Fixtures.fraudEnv(GcpEnvVars.PROJECT, "modelfn-demo",
        GcpEnvVars.STORAGE_EMULATOR_HOST, gcs.host(), GcpEnvVars.PUBSUB_EMULATOR_HOST, pubsub.host(),
        GcpEnvVars.CONTINUATION_TOPIC, "modelfn-continuations");
    TestTargets.use(env, () -> new GcpPlatform(env));
    server = FunctionServer.start(TestTargets.ScoreObject.class, "cloudevent");
    // a function whose every batch finds the timeout near: it hands over after each micro-batch
    Map<String, String> hurry = new HashMap<>(env);
    hurry.put(GcpEnvVars.TIMEOUT_SECONDS, "1");
    hurry.put("MODELFN_BATCH_SAFETY_SECONDS", "1");
    hurry.put("MODELFN_BATCH_ROWS", "30");
    hurry.put("MODELFN_INPUT_PREFIX", "slow/");
    TestTargets.use(hurry, () -> new GcpPlatform(hurry));
    hurried = FunctionServer.start(TestTargets.ScoreObject.class, "cloudevent");
    // outputs above 5 MiB go up in parts, composed at the end
    Map<String, String> parts = new HashMap<>(env);
    parts.put("MODELFN_BATCH_PART_MIB", "5");
    parts.put("MODELFN_BATCH_ROWS", "4096");
    parts.put("MODELFN_INPUT_PREFIX", "big/");
    TestTargets.use(parts, () -> new GcpPlatform(parts));
    smallParts = FunctionServer.start(TestTargets.ScoreObject.class, "cloudevent");
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {server, hurried, smallParts, gcs, pubsub}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @Test
  void scoresTheObjectOfAFinalizedEventOnceWhateverTheContentMode() throws Exception {
    gcs.put(BUCKET, KEY, Fixtures.bytes("batch/fraud-sample.csv"), "text/csv");

    var first = server.send(CloudEventFixtures.request(server, "gcp/storage/object-finalized.binary.json"));
    assertThat(first.statusCode()).isEqualTo(200);
    FakeGcs.StoredObject predictions = gcs.object(BUCKET, "predictions/fraud-sample.csv");
    assertThat(predictions).isNotNull();
    String[] lines = new String(predictions.bytes(), StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(101);
    assertThat(lines[0]).startsWith("row,label");
    assertThat(lines[1]).startsWith("1,");
    assertThat(lines[100]).startsWith("100,");
    JsonNode manifest = Json.mapper().readTree(gcs.object(BUCKET, "manifests/fraud-sample.csv.json").bytes());
    assertThat(manifest.path("status").asText()).isEqualTo("completed");
    assertThat(manifest.path("rows").path("out").asLong()).isEqualTo(100);
    assertThat(manifest.path("input").path("etag").asText()).isEqualTo(Long.toString(gcs.object(BUCKET, KEY).generation()));
    assertThat(gcs.object(BUCKET, "rejects/fraud-sample.csv.jsonl")).isNotNull();

    // the same object delivered again (at least once), now in structured content mode: nothing changes
    long generation = predictions.generation();
    var again = server.send(CloudEventFixtures.request(server, "gcp/storage/object-finalized.structured.json"));
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(gcs.object(BUCKET, "predictions/fraud-sample.csv").generation()).isEqualTo(generation);
  }

  @Test
  void handsOverThroughPubSubNearTheTimeoutAndFinishesWithTheSameOutput() throws Exception {
    byte[] csv = Fixtures.bytes("batch/fraud-sample.csv");
    gcs.put(BUCKET, "slow/fraud-sample-slow.csv", csv, "text/csv");
    JsonNode f = Json.mapper().readTree(Fixtures.text("gcp/storage/object-finalized.binary.json")
        .replace(KEY, "slow/fraud-sample-slow.csv"));
    var req = java.net.http.HttpRequest.newBuilder(hurried.uri("/"));
    f.path("headers").fields().forEachRemaining(h -> req.header(h.getKey(), h.getValue().asText()));
    req.POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(Json.mapper().writeValueAsBytes(f.path("body"))));
    assertThat(hurried.send(req).statusCode()).isEqualTo(200);
    assertThat(gcs.object(BUCKET, "predictions/fraud-sample-slow.csv")).as("not finished in one invocation").isNull();

    int delivered = 0;
    while (gcs.object(BUCKET, "predictions/fraud-sample-slow.csv") == null
        && delivered < pubsub.messages(CONTINUATIONS).size() && delivered < 10) {
      PubsubMessage m = pubsub.messages(CONTINUATIONS).get(delivered++);
      assertThat(m.getAttributesMap()).containsEntry("kind", "continuation");
      var resp = hurried.send(CloudEventFixtures.message(hurried, "c" + delivered, m.getData().toByteArray()));
      assertThat(resp.statusCode()).isEqualTo(200);
    }
    assertThat(delivered).as("continuations delivered").isGreaterThanOrEqualTo(2);
    JsonNode manifest = Json.mapper().readTree(gcs.object(BUCKET, "manifests/fraud-sample-slow.csv.json").bytes());
    assertThat(manifest.path("status").asText()).isEqualTo("completed");
    assertThat(manifest.path("rows").path("out").asLong()).isEqualTo(100);
    assertThat(gcs.names(BUCKET, "manifests/")).as("no tails left behind").allMatch(n -> n.endsWith(".json"));
    // the same bytes as an uninterrupted run over the same rows
    if (gcs.object(BUCKET, "predictions/fraud-sample.csv") == null) {
      gcs.put(BUCKET, KEY, csv, "text/csv");
      assertThat(server.send(CloudEventFixtures.request(server, "gcp/storage/object-finalized.structured.json"))
          .statusCode()).isEqualTo(200);
    }
    assertThat(new String(gcs.object(BUCKET, "predictions/fraud-sample-slow.csv").bytes(), StandardCharsets.UTF_8))
        .isEqualTo(new String(gcs.object(BUCKET, "predictions/fraud-sample.csv").bytes(), StandardCharsets.UTF_8));
  }

  @Test
  void writesAnOutputLargerThanAPartAsComposedParts() throws Exception {
    String[] sample = Fixtures.text("batch/fraud-sample.csv").split("\n");
    StringBuilder csv = new StringBuilder(sample[0]).append('\n');
    int rows = 200_000;
    for (int i = 0; i < rows; i++) {
      csv.append(sample[1 + i % (sample.length - 1)]).append('\n');
    }
    gcs.put(BUCKET, "big/many-rows.csv", csv.toString().getBytes(StandardCharsets.UTF_8), "text/csv");
    int composed = gcs.calls("compose");
    JsonNode f = Json.mapper().readTree(Fixtures.text("gcp/storage/object-finalized.structured.json")
        .replace(KEY, "big/many-rows.csv"));
    assertThat(smallParts.send(java.net.http.HttpRequest.newBuilder(smallParts.uri("/"))
        .header("content-type", "application/cloudevents+json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(Json.mapper().writeValueAsBytes(f))))
        .statusCode()).isEqualTo(200);

    FakeGcs.StoredObject out = gcs.object(BUCKET, "predictions/many-rows.csv");
    assertThat(out).isNotNull();
    assertThat(out.bytes().length).isGreaterThan(5 * 1024 * 1024);
    assertThat(out.contentType()).isEqualTo("text/csv");
    assertThat(gcs.calls("compose")).as("parts composed").isGreaterThan(composed);
    String text = new String(out.bytes(), StandardCharsets.UTF_8);
    assertThat(text).hasLineCount(rows + 1).startsWith("row,label").endsWith("\n");
    assertThat(text.substring(text.lastIndexOf('\n', text.length() - 2) + 1)).startsWith(rows + ",");
    assertThat(gcs.names(BUCKET, ".modelfn-uploads/")).as("no parts left").isEmpty();
  }
}

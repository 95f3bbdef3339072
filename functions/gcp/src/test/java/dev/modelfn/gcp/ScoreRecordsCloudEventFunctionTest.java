package dev.modelfn.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.pubsub.v1.PubsubMessage;
import dev.modelfn.codec.Json;
import dev.modelfn.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ScoreRecordsCloudEventFunction} under the Functions Framework's invoker, sent the Pub/Sub
 * CloudEvents of {@code events/gcp/pubsub/} in both content modes; predictions and dead letters go
 * through the Pub/Sub client library to {@link FakePubSub}.
 */
class ScoreRecordsCloudEventFunctionTest {
  private static final String PROJECT = "modelfn-demo";
  private static final String SINK = "projects/" + PROJECT + "/topics/predictions";
  private static final String DEAD = "projects/" + PROJECT + "/topics/poison";
  private static FakePubSub pubsub;
  private static FunctionServer server;
  private static FunctionServer refusingSink;
  private static GcpPlatform platform;
  private static GcpPlatform refusingPlatform;

  @BeforeAll
  static void start() throws Exception {
    pubsub = new FakePubSub();
    Map<String, String> env = Fixtures.fraudEnv(GcpEnvVars.PROJECT, PROJECT, GcpEnvVars.PUBSUB_EMULATOR_HOST,
        pubsub.host(), GcpEnvVars.SINK_TOPIC, "predictions", GcpEnvVars.DEAD_LETTER_TOPIC, DEAD);
    platform = new GcpPlatform(env);
    TestTargets.use(env, () -> platform);
    server = FunctionServer.start(TestTargets.ScoreRecords.class, "cloudevent");
    Map<String, String> refusing = new java.util.HashMap<>(env);
    refusing.put(GcpEnvVars.SINK_TOPIC, "refusing");
    pubsub.refuse("projects/" + PROJECT + "/topics/refusing");
    refusingPlatform = new GcpPlatform(refusing);
    TestTargets.use(refusing, () -> refusingPlatform);
    refusingSink = FunctionServer.start(TestTargets.ScoreRecords.class, "cloudevent");
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {server, refusingSink, platform::close, refusingPlatform::close,
        pubsub}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"binary", "structured"})
  void publishesThePredictionOfAMessage(String mode) throws Exception {
    int before = pubsub.messages(SINK).size();
    var resp = server.send(CloudEventFixtures.request(server, "gcp/pubsub/message-published." + mode + ".json"));
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(pubsub.messages(SINK)).hasSize(before + 1);
    PubsubMessage m = pubsub.messages(SINK).get(before);
    assertThat(m.getAttributesMap()).containsEntry("source_id", "11223344556677").containsEntry("kind", "prediction");
    JsonNode p = Json.mapper().readTree(m.getData().toByteArray());
    assertThat(p.path("source_id").asText()).isEqualTo("11223344556677");
    assertThat(p.path("model_name").asText()).isEqualTo("fraud");
    assertThat(p.path("source_timestamp").asText()).isEqualTo("2026-12-03T08:01:02.345Z");
    assertThat(p.path("prediction").path("label").asText()).isNotEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"binary", "structured"})
  void deadLettersAPoisonMessageAndAcknowledgesIt(String mode) throws Exception {
    int predictions = pubsub.messages(SINK).size();
    int before = pubsub.messages(DEAD).size();
    var resp = server.send(CloudEventFixtures.request(server, "gcp/pubsub/message-published-poison." + mode + ".json"));
    assertThat(resp.statusCode()).as("acknowledged: not delivered again").isEqualTo(200);
    assertThat(pubsub.messages(SINK)).hasSize(predictions);
    assertThat(pubsub.messages(DEAD)).hasSize(before + 1);
    JsonNode letter = Json.mapper().readTree(pubsub.messages(DEAD).get(before).getData().toByteArray());
    assertThat(letter.path("payload").asText()).isEqualTo("not json {");
    assertThat(letter.path("reason").asText()).isNotEmpty();
    assertThat(letter.path("source_id").asText()).isEqualTo("11223344556678");
    assertThat(letter.path("source_position").asText())
        .isEqualTo("projects/modelfn-demo/subscriptions/eventarc-europe-west1-modelfn-stream-123-sub-456");
    assertThat(letter.path("model_version").asText()).isEqualTo("1");
  }

  @org.junit.jupiter.api.Test
  void deadLettersAnEventWhoseDataIsNoPubSubMessageAndAcknowledgesIt() throws Exception {
    int before = pubsub.messages(DEAD).size();
    var e = Json.mapper().createObjectNode();
    e.put("specversion", "1.0").put("id", "broken-1").put("type", "google.cloud.pubsub.topic.v1.messagePublished")
        .put("source", "//pubsub.googleapis.com/projects/modelfn-demo/topics/modelfn-stream")
        .put("datacontenttype", "application/json").put("data", "not a message");
    var resp = server.send(java.net.http.HttpRequest.newBuilder(server.uri("/"))
        .header("content-type", "application/cloudevents+json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(Json.mapper().writeValueAsBytes(e))));
    assertThat(resp.statusCode()).as("acknowledged: delivering it again cannot help").isEqualTo(200);
    assertThat(pubsub.messages(DEAD)).hasSize(before + 1);
    JsonNode letter = Json.mapper().readTree(pubsub.messages(DEAD).get(before).getData().toByteArray());
    assertThat(letter.path("source_id").asText()).isEqualTo("broken-1");
    assertThat(letter.path("payload").asText()).contains("not a message");
    assertThat(letter.path("reason").asText()).isNotEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"binary"})
  void failsTheDeliveryWhenThePredictionIsNotPublished(String mode) throws Exception {
    var resp = refusingSink.send(CloudEventFixtures.request(refusingSink, "gcp/pubsub/message-published." + mode
        + ".json"));
    assertThat(resp.statusCode()).as("an error status: Pub/Sub delivers the message again").isEqualTo(500);
    assertThat(new String(resp.body(), StandardCharsets.UTF_8)).doesNotContain("Exception");
  }
}

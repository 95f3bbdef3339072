package dev.modelfn.parity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.pubsub.v1.PubsubMessage;
import dev.modelfn.codec.Json;
import dev.modelfn.gcp.FakeGcs;
import dev.modelfn.gcp.FakePubSub;
import dev.modelfn.local.platform.AdapterServer;
import dev.modelfn.testing.Fixtures;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The Google Cloud Functions side of {@link BatchStreamParityIT}: the deployable jar ({@code
 * functions/gcp/target/deploy/modelfn-gcp.jar}) under the Functions Framework's invoker, one JVM per
 * entry point as Cloud Functions runs them ({@code ScoreObjectCloudEventFunction}, {@code
 * ScoreRecordsCloudEventFunction}), on the loopback Cloud Storage and Pub/Sub servers of the
 * adapter's own tests ({@code STORAGE_EMULATOR_HOST}, {@code PUBSUB_EMULATOR_HOST}), sent the
 * CloudEvents of {@code events/gcp/} (binary content mode) as Eventarc sends them.
 */
final class GcpSide implements AutoCloseable {
  static final String BUCKET = "parity-gcp";
  private static final String PROJECT = "modelfn-demo";
  private static final String SINK = "projects/" + PROJECT + "/topics/parity-predictions";
  private static final String DEAD = "projects/" + PROJECT + "/topics/parity-poison";
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final FakeGcs gcs;
  private final FakePubSub pubsub;
  private final List<AdapterServer> servers = new ArrayList<>();
  private final URI batch;
  private final URI stream;

  private GcpSide(FakeGcs gcs, FakePubSub pubsub, URI batch, URI stream) {
    this.gcs = gcs;
    this.pubsub = pubsub;
    this.batch = batch;
    this.stream = stream;
  }

  /** Starts the servers and both entry points; throws (with the function's last lines) when one does not come up. */
  static GcpSide start(Path home) throws Exception {
    Path jar = home.resolve("functions/gcp/target/deploy/modelfn-gcp.jar");
    Path invoker = home.resolve("local-dev/target/adapters/java-function-invoker.jar");
    if (!Files.isRegularFile(jar) || !Files.isRegularFile(invoker)) {
      throw new IllegalStateException("no " + jar + " or " + invoker + ": `./mvnw package` builds them before this"
          + " module's integration tests");
    }
    GcpSide side = new GcpSide(new FakeGcs(), new FakePubSub(), null, null);
    try {
      Map<String, String> env = Fixtures.fraudEnv("MODELFN_GCP_PROJECT", PROJECT, "STORAGE_EMULATOR_HOST",
          side.gcs.host(), "PUBSUB_EMULATOR_HOST", side.pubsub.host(), "MODELFN_GCP_CONTINUATION_TOPIC",
          "parity-continuations", "MODELFN_GCP_SINK_TOPIC", "parity-predictions", "MODELFN_GCP_DEAD_LETTER_TOPIC",
          "parity-poison");
      URI batch = side.launch(jar, invoker, "dev.modelfn.gcp.ScoreObjectCloudEventFunction", env);
      URI stream = side.launch(jar, invoker, "dev.modelfn.gcp.ScoreRecordsCloudEventFunction", env);
      GcpSide ready = new GcpSide(side.gcs, side.pubsub, batch, stream);
      ready.servers.addAll(side.servers);
      return ready;
    } catch (Exception | AssertionError e) {
      side.close();
      throw e;
    }
  }

  private URI launch(Path jar, Path invoker, String target, Map<String, String> env) throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> output = new CopyOnWriteArrayList<>();
    AdapterServer server = AdapterServer.launch(AdapterServer.Kind.GCP, List.of(java.toString(), "-jar",
        invoker.toString(), "--classpath", jar.toString(), "--target", target, "--port", Integer.toString(port)),
        env, "127.0.0.1", port, output::add);
    servers.add(server);
    // a CloudEvents function answers no readiness route: it is up when the invoker listens
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (true) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return URI.create("http://127.0.0.1:" + port + "/");
      } catch (IOException notYet) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(target + " did not listen within 120 s:\n" + String.join("\n", output));
        }
        Thread.sleep(100);
      }
    }
  }

  /** Puts the file into the bucket and delivers its "finalized" event; the outputs as the manifest names them. */
  BatchStreamParityIT.BatchOutput scoreObject(String key, byte[] csv) throws Exception {
    gcs.put(BUCKET, key, csv, "text/csv");
    JsonNode fixture = Json.mapper().readTree(Fixtures.bytes("gcp/storage/object-finalized.binary.json"));
    ObjectNode body = fixture.path("body").deepCopy();
    FakeGcs.StoredObject stored = gcs.object(BUCKET, key);
    body.put("bucket", BUCKET).put("name", key).put("size", Integer.toString(csv.length))
        .put("generation", Long.toString(stored.generation())).put("id", BUCKET + "/" + key + "/" + stored.generation());
    HttpRequest.Builder request = HttpRequest.newBuilder(batch).timeout(Duration.ofSeconds(60));
    fixture.path("headers").fields().forEachRemaining(h -> request.header(h.getKey(), h.getValue().asText()));
    request.setHeader("ce-source", "//storage.googleapis.com/projects/_/buckets/" + BUCKET);
    request.setHeader("ce-subject", "objects/" + key);
    HttpResponse<String> answer = CLIENT.send(request.POST(HttpRequest.BodyPublishers.ofByteArray(
        Json.mapper().writeValueAsBytes(body))).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as("Cloud Functions batch: %s", answer.body()).isBetween(200, 299);
    String name = key.substring(key.lastIndexOf('/') + 1);
    byte[] manifest = bytes("manifests/" + name + ".json");
    return BatchStreamParityIT.BatchOutput.of(manifest, text("predictions/" + name),
        text(BatchStreamParityIT.rejectsKey(manifest)));
  }

  private byte[] bytes(String name) {
    FakeGcs.StoredObject o = gcs.object(BUCKET, name);
    assertThat(o).as("gs://%s/%s", BUCKET, name).isNotNull();
    return o.bytes();
  }

  private String text(String name) {
    return new String(bytes(name), StandardCharsets.UTF_8);
  }

  /**
   * Publishes each record as a message of the topic the stream function is subscribed to: one
   * delivery per message, as Eventarc pushes them; a delivery answered with an error would be
   * delivered again (the record is then "handed back").
   */
  BatchStreamParityIT.StreamOutput scoreRecords(List<byte[]> records) throws Exception {
    JsonNode fixture = Json.mapper().readTree(Fixtures.bytes("gcp/pubsub/message-published.binary.json"));
    Map<String, Integer> places = new HashMap<>();
    List<Integer> retried = new ArrayList<>();
    int sinkBefore = pubsub.messages(SINK).size();
    int deadBefore = pubsub.messages(DEAD).size();
    for (int i = 0; i < records.size(); i++) {
      String id = "parity-" + i;
      places.put(id, i);
      ObjectNode body = fixture.path("body").deepCopy();
      ((ObjectNode) body.path("message")).put("data", Base64.getEncoder().encodeToString(records.get(i)))
          .put("messageId", id).put("message_id", id);
      HttpRequest.Builder request = HttpRequest.newBuilder(stream).timeout(Duration.ofSeconds(60));
      fixture.path("headers").fields().forEachRemaining(h -> request.header(h.getKey(), h.getValue().asText()));
      request.setHeader("ce-id", id);
      HttpResponse<String> answer = CLIENT.send(request.POST(HttpRequest.BodyPublishers.ofByteArray(
          Json.mapper().writeValueAsBytes(body))).build(), HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() >= 300) {
        retried.add(i);
      }
    }
    Map<Integer, JsonNode> predictions = new TreeMap<>();
    for (JsonNode m : published(SINK, sinkBefore)) {
      var e = BatchStreamParityIT.keyed(m, places::get);
      predictions.put(e.getKey(), e.getValue());
    }
    Map<Integer, JsonNode> letters = new TreeMap<>();
    for (JsonNode m : published(DEAD, deadBefore)) {
      var e = BatchStreamParityIT.keyed(m, places::get);
      letters.put(e.getKey(), e.getValue());
    }
    return new BatchStreamParityIT.StreamOutput(predictions, letters, retried);
  }

  private List<JsonNode> published(String topic, int from) throws IOException {
    List<PubsubMessage> all = pubsub.messages(topic);
    List<JsonNode> out = new ArrayList<>();
    for (PubsubMessage m : all.subList(from, all.size())) {
      out.add(Json.mapper().readTree(m.getData().toByteArray()));
    }
    return out;
  }

  @Override
  public void close() throws Exception {
    servers.forEach(AdapterServer::close);
    pubsub.close();
    gcs.close();
  }
}

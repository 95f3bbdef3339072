package dev.modelfn.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.core.http.HttpRequest;
import dev.modelfn.core.http.HttpResponse;
import dev.modelfn.core.predict.PredictFunction;
import dev.modelfn.core.predict.PredictHttpFunction;
import dev.modelfn.edge.bundle.SigningKey;
import dev.modelfn.edge.cli.EdgeCli;
import dev.modelfn.edge.client.ChannelPointer;
import dev.modelfn.edge.client.EdgeClient;
import dev.modelfn.edge.client.EdgeException;
import dev.modelfn.edge.client.TrustedKeys;
import dev.modelfn.edge.publish.PublishException;
import dev.modelfn.edge.publish.Publisher;
import dev.modelfn.local.cloud.CloudConfig;
import dev.modelfn.local.cloud.LocalCloud;
import dev.modelfn.model.ModelLoader;
import dev.modelfn.model.OnnxPredictor;
import dev.modelfn.telemetry.Metrics;
import dev.modelfn.testing.Fixtures;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * End to end on the local cloud: bundles published to its S3 (through its edge endpoint), a CDN in
 * front of the bucket ({@link LocalCdn}, as CloudFront with Origin Access Control), and edge
 * clients updating from it: a staged rollout, tampering, expiry, downgrades, a failing health
 * check and an interrupted download.
 */
class EdgeChannelIT {
  static final String BUCKET = "modelfn-edge";
  static final ObjectMapper JSON = new ObjectMapper();
  static LocalCloud cloud;
  static S3Client s3;
  static LocalCdn cdn;
  static SigningKey key;
  static Path keyFile;
  static Path publicKeyFile;
  static Path work;

  @BeforeAll
  static void start() throws Exception {
    Path home = Path.of(System.getProperty("modelfn.home", "..")).toAbsolutePath().normalize();
    work = Files.createTempDirectory("edge-it");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    cloud = new LocalCloud(new LocalCloud.Options("127.0.0.1", port, home, home.resolve("local-dev/.cache"),
        work.resolve("cloud"), null, Path.of(System.getProperty("java.home"), "bin", "java"), Set.of("s3"),
        line -> System.out.println("[cloud] " + line)),
        new CloudConfig(List.of(new CloudConfig.Bucket(BUCKET, null, null)), null, null, null, null));
    cloud.start();
    s3 = cloud.s3Client();
    cdn = new LocalCdn(s3, BUCKET);
    SigningKey.KeyFiles files = SigningKey.generate(work.resolve("keys"), "edge");
    keyFile = files.privateKey();
    publicKeyFile = files.publicKey();
    key = SigningKey.read(keyFile);
  }

  @AfterAll
  static void stop() {
    if (cdn != null) {
      cdn.close();
    }
    if (s3 != null) {
      s3.close();
    }
    if (cloud != null) {
      cloud.close();
    }
  }

  static Publisher publisher() {
    return new Publisher(s3, BUCKET, key, key.trust(), cdn.invalidator(), Clock.systemUTC(), Duration.ofDays(7), 30);
  }

  static EdgeClient device(String name, String id, Clock clock) throws IOException {
    return EdgeClient.builder().cdn(cdn.uri()).name(name).deviceId(id).trustedKeys(key.trust())
        .directory(work.resolve("devices").resolve(name).resolve(id)).clock(clock).timeoutMillis(5_000).open();
  }

  static EdgeClient device(String name, String id) throws IOException {
    return device(name, id, Clock.systemUTC());
  }

  static Path bundle(String name, long version) throws Exception {
    return Bundles.tiny(Files.createDirectories(work.resolve("bundles").resolve(name)), name, version, key);
  }

  static ChannelPointer publish(String name, long version, double rollout) throws Exception {
    return publisher().publish(bundle(name, version), "stable", rollout, Publisher.Thresholds.DEFAULTS, false,
        (d, t) -> {});
  }

  static final float[][] ROW = {{1f, 2f, 3f, 4f}};

  @Test
  void movesOnlyTheDevicesInsideTheRolloutShare() throws Exception {
    String name = "staged";
    // the first version through the CLI, as a user types it
    System.setProperty("aws.accessKeyId", "test");
    System.setProperty("aws.secretAccessKey", "test");
    int exit = EdgeCli.run("publish", "--bundle", bundle(name, 1).toString(), "--bucket", BUCKET, "--key",
        keyFile.toString(), "--endpoint-url", cloud.endpoint().toString(), "--region", "us-east-1", "--rollout",
        "100");
    assertThat(exit).isZero();
    List<EdgeClient> devices = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      devices.add(device(name, "device-" + i));
    }
    for (EdgeClient d : devices) {
      assertThat(d.update().outcome()).isEqualTo(EdgeClient.Outcome.UPDATED);
      assertThat(d.version()).isEqualTo(1L);
    }
    Publisher p = publisher();
    p.publish(bundle(name, 2), "stable", 1, Publisher.Thresholds.DEFAULTS, false, (a, b) -> {});
    assertThat(p.promote(name, "stable").rolloutPercent()).isEqualTo(5.0);
    ChannelPointer at25 = p.promote(name, "stable");
    assertThat(at25.rolloutPercent()).isEqualTo(25.0);
    assertThat(at25.previous().version()).isEqualTo(1);
    int moved = 0;
    for (int i = 0; i < devices.size(); i++) {
      EdgeClient d = devices.get(i);
      d.update();
      boolean inside = ChannelPointer.rolloutBucket("device-" + i, name) < 25;
      assertThat(d.version()).as("device-%d", i).isEqualTo(inside ? 2L : 1L);
      moved += inside ? 1 : 0;
      assertThat(d.predict(ROW)[0]).hasSize(2);
    }
    assertThat(moved).isBetween(1, devices.size() - 1);
    assertThat(p.promote(name, "stable").rolloutPercent()).isEqualTo(100.0);
    for (EdgeClient d : devices) {
      d.update();
      assertThat(d.version()).isEqualTo(2L);
    }
    assertThatThrownBy(() -> p.promote(name, "stable")).isInstanceOf(PublishException.class)
        .hasMessageContaining("100 % already");
    ChannelPointer back = p.rollback(name, "stable");
    assertThat(back.current().version()).isEqualTo(1);
    assertThat(back.revoked()).containsExactly(2L);
    for (EdgeClient d : devices) {
      assertThat(d.update().outcome()).isEqualTo(EdgeClient.Outcome.UPDATED);
      assertThat(d.version()).isEqualTo(1L);
      d.close();
    }
    assertThat(cdn.invalidations).contains("/channels/staged/stable.json")
        .allMatch(path -> path.matches("/channels/[a-z]+/stable\\.json")); // pointers only, never models
    var head = s3.headObject(r -> r.bucket(BUCKET).key(at25.current().path()));
    assertThat(head.cacheControl()).isEqualTo(Publisher.IMMUTABLE);
    assertThat(at25.current().path()).startsWith("models/staged/2-" + at25.current().sha256() + "/");
  }

  @Test
  void refusesAVersionThatDoesNotGrow() throws Exception {
    String name = "monotonic";
    publish(name, 2, 100);
    assertThatThrownBy(() -> publish(name, 2, 100)).hasMessageContaining("versions only grow");
    assertThatThrownBy(() -> publish(name, 1, 100)).hasMessageContaining("versions only grow");
    assertThat(publish(name, 3, 100).current().version()).isEqualTo(3);
  }

  @Test
  void refusesATamperedModelByteAndKeepsTheOldModel() throws Exception {
    String name = "tampered";
    publish(name, 1, 100);
    try (EdgeClient d = device(name, "d1")) {
      d.update();
      ChannelPointer p = publish(name, 2, 100);
      cdn.alter(p.current().path(), b -> {
        b[b.length - 10] ^= 0x40; // a byte of the model
        return b;
      });
      EdgeClient.UpdateResult r = d.update();
      assertThat(r.outcome()).isEqualTo(EdgeClient.Outcome.REFUSED);
      assertThat(r.reason()).isEqualTo(EdgeException.Reason.BUNDLE_HASH);
      assertThat(d.version()).isEqualTo(1L);
      assertThat(d.predict(ROW)[0]).hasSize(2);
      cdn.heal();
      assertThat(d.update().outcome()).isEqualTo(EdgeClient.Outcome.UPDATED);
      assertThat(d.version()).isEqualTo(2L);
    } finally {
      cdn.heal();
    }
  }

  @Test
  void refusesATamperedPointer() throws Exception {
    String name = "pointer";
    publish(name, 1, 100);
    String key = Publisher.pointerKey(name, "stable");
    cdn.alter(key, b -> {
      try {
        ObjectNode env = (ObjectNode) JSON.readTree(b);
        ObjectNode payload = (ObjectNode) JSON.readTree(Base64.getDecoder().decode(env.get("payload").asText()));
        payload.put("rollout_percent", 50); // any change to the signed payload
        env.put("payload", Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(payload)));
        return JSON.writeValueAsBytes(env);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    try (EdgeClient d = device(name, "d1")) {
      EdgeClient.UpdateResult r = d.update();
      assertThat(r.outcome()).isEqualTo(EdgeClient.Outcome.REFUSED);
      assertThat(r.reason()).isEqualTo(EdgeException.Reason.POINTER_SIGNATURE);
      assertThat(d.version()).isNull();
    } finally {
      cdn.heal();
    }
  }

  @Test
  void refusesAnExpiredPointer() throws Exception {
    String name = "expired";
    publish(name, 1, 100);
    Clock eightDaysOn = Clock.offset(Clock.systemUTC(), Duration.ofDays(8));
    try (EdgeClient d = device(name, "d1", eightDaysOn)) {
      EdgeClient.UpdateResult r = d.update();
      assertThat(r.reason()).isEqualTo(EdgeException.Reason.POINTER_EXPIRED);
      assertThat(r.message()).contains("expired at");
      assertThat(d.version()).isNull();
    }
    publisher().refresh(name, "stable");
    try (EdgeClient d = device(name, "d2", Clock.offset(Clock.systemUTC(), Duration.ofDays(6)))) {
      assertThat(d.update().outcome()).isEqualTo(EdgeClient.Outcome.UPDATED);
    }
  }

  @Test
  void refusesADowngrade() throws Exception {
    String name = "downgrade";
    publish(name, 1, 100);
    byte[] oldPointer = s3.getObjectAsBytes(r -> r.bucket(BUCKET).key(Publisher.pointerKey(name, "stable")))
        .asByteArray();
    ChannelPointer v2 = publish(name, 2, 100);
    try (EdgeClient d = device(name, "d1")) {
      assertThat(d.update().outcome()).isEqualTo(EdgeClient.Outcome.UPDATED);
      assertThat(d.version()).isEqualTo(2L);
      // a replayed older pointer (validly signed, not expired)
      cdn.alter(Publisher.pointerKey(name, "stable"), b -> oldPointer);
      EdgeClient.UpdateResult replay = d.update();
      assertThat(replay.reason()).isEqualTo(EdgeException.Reason.POINTER_REPLAYED);
      cdn.heal();
      // a new pointer that names version 1 without revoking version 2
      ObjectNode p = JSON.createObjectNode().put("type", ChannelPointer.TYPE).put("name", name)
          .put("channel", "stable").put("sequence", v2.sequence() + 5).put("created", v2.created().toString())
          .put("expires", v2.expires().toString()).put("rollout_percent", 100);
      ChannelPointer v1 = ChannelPointer.parse(Base64.getDecoder().decode(JSON.readTree(oldPointer).get("payload")
          .asText()));
      p.putObject("current").put("version", 1).put("path", v1.current().path()).put("sha256", v1.current().sha256())
          .put("size", v1.current().size()).put("min_client_version", "1.0");
      p.putNull("previous");
      p.putArray("revoked");
      putPointer(name, JSON.writeValueAsBytes(p));
      EdgeClient.UpdateResult down = d.update();
      assertThat(down.outcome()).isEqualTo(EdgeClient.Outcome.REFUSED);
      assertThat(down.reason()).isEqualTo(EdgeException.Reason.DOWNGRADE);
      assertThat(d.version()).isEqualTo(2L);
    } finally {
      cdn.heal();
    }
  }

  static void putPointer(String name, byte[] payload) throws IOException {
    Map<String, String> sig = key.sign(TrustedKeys.POINTER_TYPE, payload);
    ObjectNode env = JSON.createObjectNode().put("payloadType", TrustedKeys.POINTER_TYPE)
        .put("payload", Base64.getEncoder().encodeToString(payload));
    env.putArray("signatures").addObject().put("keyid", sig.get("keyid")).put("sig", sig.get("sig"));
    s3.putObject(r -> r.bucket(BUCKET).key(Publisher.pointerKey(name, "stable")),
        RequestBody.fromBytes(JSON.writeValueAsBytes(env)));
  }

  @Test
  void fallsBackWhenTheGoldenCheckFails() throws Exception {
    String name = "golden";
    publish(name, 1, 100);
    try (EdgeClient d = device(name, "d1")) {
      d.update();
      Path bad = Bundles.withWrongGolden(bundle(name, 2), work, key);
      publisher().publish(bad, "stable", 100, Publisher.Thresholds.DEFAULTS, false, (a, b) -> {});
      EdgeClient.UpdateResult r = d.update();
      assertThat(r.outcome()).isEqualTo(EdgeClient.Outcome.FELL_BACK);
      assertThat(r.reason()).isEqualTo(EdgeException.Reason.HEALTH_CHECK);
      assertThat(r.message()).contains("golden case 0");
      assertThat(d.version()).isEqualTo(1L);
      assertThat(d.predict(ROW)[0]).hasSize(2);
      assertThat(d.update().outcome()).isEqualTo(EdgeClient.Outcome.UNCHANGED); // not downloaded again
      assertThat(d.telemetry().get("fallbacks")).isEqualTo(1L);
    }
    try (EdgeClient again = device(name, "d1")) { // a restart stays on the good version
      assertThat(again.version()).isEqualTo(1L);
    }
  }

  @Test
  void fallsBackOnStartWhenTheInstalledModelNoLongerLoads() throws Exception {
    String name = "corrupted";
    publish(name, 1, 100);
    try (EdgeClient d = device(name, "d1")) {
      d.update();
      publish(name, 2, 100);
      d.update();
      assertThat(d.version()).isEqualTo(2L);
      assertThat(d.previousVersion()).isEqualTo(1L);
    }
    Path model = work.resolve("devices").resolve(name).resolve("d1").resolve("versions/2/model.onnx");
    Files.write(model, new byte[] {1, 2, 3}); // storage corruption
    try (EdgeClient d = device(name, "d1")) {
      assertThat(d.version()).isEqualTo(1L);
      assertThat(d.predict(ROW)[0]).hasSize(2);
      assertThat(d.telemetry().get("fallbacks")).isEqualTo(1L);
      assertThat(d.update().outcome()).isEqualTo(EdgeClient.Outcome.UNCHANGED); // 2 is not tried again
    }
  }

  @Test
  void resumesAnInterruptedDownload() throws Exception {
    String name = "resume";
    ChannelPointer p = publish(name, 1, 100);
    cdn.cutNextAfter(p.current().path(), 1000);
    try (EdgeClient d = device(name, "d1")) {
      assertThatThrownBy(d::update).isInstanceOf(IOException.class);
      assertThat(d.version()).isNull();
      assertThat(d.update().outcome()).isEqualTo(EdgeClient.Outcome.UPDATED);
      assertThat(d.version()).isEqualTo(1L);
    }
    assertThat(cdn.requests).contains("GET " + p.current().path() + " bytes=1000-");
  }

  @Test
  void postsTelemetryToTheServingSidesRoute() throws Exception {
    String name = "telemetry";
    publish(name, 1, 100);
    // the serving side: the predict function's own route (a model served under the edge model's name)
    List<Map<String, String>> dimensions = new CopyOnWriteArrayList<>();
    List<Metrics.Entry> recorded = new CopyOnWriteArrayList<>();
    PredictHttpFunction serving = new PredictHttpFunction(new PredictFunction(OnnxPredictor.load(
        ModelfnConfig.from(Fixtures.fraudEnv("MODELFN_MODEL_NAME", name, "MODELFN_MODEL_VERSION", "7")), ModelLoader.local())),
        ModelfnConfig.from(Fixtures.fraudEnv("MODELFN_MODEL_NAME", name, "MODELFN_MODEL_VERSION", "7")), null, d -> {
          dimensions.add(d);
          return recorded::add;
        });
    List<String> bodies = new CopyOnWriteArrayList<>();
    HttpServer route = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    route.createContext("/v2/edge/telemetry", ex -> {
      try (ex) {
        byte[] body = ex.getRequestBody().readAllBytes();
        bodies.add(new String(body, StandardCharsets.UTF_8));
        HttpResponse answer = serving.apply(new HttpRequest(ex.getRequestMethod(), ex.getRequestURI().getPath(),
            Map.of("content-type", ex.getRequestHeaders().getFirst("content-type")), Map.of(), body, "edge-1"));
        ex.sendResponseHeaders(answer.status(), answer.body().length == 0 ? -1 : answer.body().length);
        ex.getResponseBody().write(answer.body());
      }
    });
    route.start();
    try (EdgeClient d = EdgeClient.builder().cdn(cdn.uri()).name(name).deviceId("d1").trustedKeys(key.trust())
        .directory(work.resolve("telemetry-device")).telemetry(java.net.URI.create("http://127.0.0.1:"
            + route.getAddress().getPort() + "/v2/edge/telemetry")).open()) {
      d.update();
      for (int i = 0; i < 20; i++) {
        d.predict(new float[][] {{i, 1, 2, 3}});
      }
      assertThat(d.postTelemetry()).isEqualTo(202);
    } finally {
      route.stop(0);
    }
    assertThat(bodies).hasSize(1);
    var doc = JSON.readTree(bodies.get(0));
    assertThat(doc.path("device").asText()).hasSize(16).doesNotContain("d1");
    long scored = 0;
    for (var c : doc.path("scores").path("counts")) {
      scored += c.asLong();
    }
    assertThat(scored).isEqualTo(20);
    // what the route made of it: the device's version as the metrics' ModelVersion
    assertThat(dimensions).contains(Metrics.modelDimensions(name, "1"));
    Metrics.Entry edge = recorded.stream().filter(e -> e.metrics().stream().anyMatch(m -> m.name().equals("EdgeReports")))
        .findFirst().orElseThrow();
    Map<String, Double> values = new java.util.HashMap<>();
    edge.metrics().forEach(m -> values.put(m.name(), m.value()));
    assertThat(values).containsEntry("EdgeInferences", 20.0).containsEntry("EdgeFallbacks", 0.0)
        .containsKeys("EdgeInferenceP50", "EdgeLoadP50", "EdgeScoreMean");
    assertThat(values.get("EdgeScoreMean")).isBetween(0.0, 1.0);
  }

  @Test
  void cliVerifiesAndInspectsWhatItBundled() throws Exception {
    Path b = bundle("cli", 1);
    assertThat(EdgeCli.run("verify", "--bundle", b.toString(), "--public-key", publicKeyFile.toString())).isZero();
    assertThat(EdgeCli.run("inspect", "--bundle", b.toString(), "--public-key", publicKeyFile.toString())).isZero();
    byte[] bytes = Files.readAllBytes(b);
    bytes[bytes.length / 2] ^= 1;
    Path bad = work.resolve("bad.bundle");
    Files.write(bad, bytes);
    assertThat(EdgeCli.run("verify", "--bundle", bad.toString(), "--public-key", publicKeyFile.toString())).isOne();
  }
}

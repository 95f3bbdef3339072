package dev.modelfn.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.modelfn.callback.CallbackSigner;
import dev.modelfn.callback.CallbackVerifier;
import dev.modelfn.codec.Json;
import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** The signing secret from the environment or from Secrets Manager (a local server speaking its JSON protocol). */
class CallbackSecretsTest {
  private static HttpServer server;
  private static final AtomicReference<String> secret = new AtomicReference<>("first-secret-0123456789");
  private static final List<JsonNode> requests = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      JsonNode body;
      try (InputStream in = exchange.getRequestBody()) {
        body = Json.parse(in.readAllBytes());
      }
      String target = exchange.getRequestHeaders().getFirst("x-amz-target");
      requests.add(body);
      byte[] out;
      int status;
      if ("secretsmanager.GetSecretValue".equals(target) && body.path("SecretId").asText().equals("modelfn/callback")) {
        status = 200;
        out = Json.mapper().writeValueAsBytes(Map.of("ARN", "arn:aws:secretsmanager:eu-west-1:000000000000:secret:"
            + "modelfn/callback-AbCdEf", "Name", "modelfn/callback", "SecretString", secret.get(), "VersionId", "v1"));
      } else {
        status = 400;
        out = ("{\"__type\":\"ResourceNotFoundException\",\"message\":\"Secrets Manager can't find the specified"
            + " secret.\"}").getBytes(StandardCharsets.UTF_8);
      }
      exchange.getResponseHeaders().add("content-type", "application/x-amz-json-1.1");
      exchange.sendResponseHeaders(status, out.length);
      exchange.getResponseBody().write(out);
      exchange.close();
    });
    server.start();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
  }

  private static Supplier<SecretsManagerClient> client() {
    return () -> SecretsManagerClient.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
        .region(Region.EU_WEST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClient(UrlConnectionHttpClient.create()).build();
  }

  /** A clock that moves only when told. */
  private static final class Manual extends Clock {
    Instant now = Instant.parse("2026-11-24T10:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private static void assertSignsWith(CallbackSigner signer, String expectedSecret) throws Exception {
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    Instant t = Instant.now();
    new CallbackVerifier(List.of(expectedSecret), Duration.ofMinutes(1)).verify(signer.sign(t.getEpochSecond(), body),
        body, t);
  }

  @Test
  void readsSecretFromSecretsManagerAndRefreshesAfterRotation() throws Exception {
    Manual clock = new Manual();
    requests.clear();
    secret.set("first-secret-0123456789");
    Supplier<CallbackSigner> signers = CallbackSecrets.from(Map.of("MODELFN_CALLBACK_SECRET_ARN", "modelfn/callback",
        "MODELFN_CALLBACK_SECRET", "ignored-when-an-arn-is-set"), client(), clock);
    assertSignsWith(signers.get(), "first-secret-0123456789");
    secret.set("second-secret-0123456789");
    clock.now = clock.now.plus(Duration.ofMinutes(1));
    assertSignsWith(signers.get(), "first-secret-0123456789");
    clock.now = clock.now.plus(CallbackSecrets.REFRESH);
    assertSignsWith(signers.get(), "second-secret-0123456789");
    assertThat(requests).as("read at start and once after the refresh interval").hasSize(2)
        .allMatch(r -> r.path("SecretId").asText().equals("modelfn/callback"));
  }

  @Test
  void namesTheSecretThatCannotBeRead() {
    assertThatThrownBy(() -> CallbackSecrets.from(Map.of("MODELFN_CALLBACK_SECRET_ARN", "modelfn/missing"), client(),
        Clock.systemUTC())).isInstanceOf(ModelfnException.class)
        .satisfies(e -> assertThat(((ModelfnException) e).problem()).isEqualTo(Problem.CONFIGURATION_ERROR))
        .hasMessageContaining("MODELFN_CALLBACK_SECRET_ARN: cannot read secret 'modelfn/missing'");
  }

  @Test
  void takesSecretFromEnvironmentOrNone() throws Exception {
    assertSignsWith(CallbackSecrets.from(Map.of("MODELFN_CALLBACK_SECRET", "env-secret-0123456789"), client(),
        Clock.systemUTC()).get(), "env-secret-0123456789");
    assertThat(CallbackSecrets.from(Map.of(), client(), Clock.systemUTC()).get()).isNull();
    assertThatThrownBy(() -> CallbackSecrets.from(Map.of("MODELFN_CALLBACK_SECRET", "short"), client(),
        Clock.systemUTC())).hasMessageContaining("MODELFN_CALLBACK_SECRET: callback signing secret has 5 bytes");
  }
}

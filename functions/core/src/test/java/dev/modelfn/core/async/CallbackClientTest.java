package dev.modelfn.core.async;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real deliveries to receivers on loopback: plain HTTP and TLS with a certificate made for the test. */
class CallbackClientTest {
  record Received(String path, Map<String, List<String>> headers, String body) {}

  private static final List<Received> received = new CopyOnWriteArrayList<>();
  private static HttpServer http;
  private static HttpsServer https;
  private static SSLContext trusting;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext("/", exchange -> {
      try (InputStream in = exchange.getRequestBody()) {
        received.add(new Received(exchange.getRequestURI().toString(), exchange.getRequestHeaders(),
            new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      }
      String p = exchange.getRequestURI().getPath();
      int status = p.startsWith("/fail") ? 500 : p.startsWith("/moved") ? 302 : 204;
      if (status == 302) {
        exchange.getResponseHeaders().add("location", "http://169.254.169.254/");
      }
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    http.start();

    Path ks = dir.resolve("receiver.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "receiver", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
        "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-keystore", ks.toString(), "-storetype",
        "PKCS12", "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
    String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(keytool.waitFor()).as("keytool: " + out).isZero();
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(ks)) {
      store.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, "changeit".toCharArray());
    SSLContext server = SSLContext.getInstance("TLS");
    server.init(kmf.getKeyManagers(), null, null);
    https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    https.setHttpsConfigurator(new HttpsConfigurator(server));
    https.createContext("/", exchange -> {
      try (InputStream in = exchange.getRequestBody()) {
        received.add(new Received("tls:" + exchange.getRequestURI(), exchange.getRequestHeaders(),
            new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      }
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    https.start();
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    trusting = SSLContext.getInstance("TLS");
    trusting.init(null, tmf.getTrustManagers(), null);
  }

  @AfterAll
  static void stop() {
    http.stop(0);
    https.stop(0);
  }

  private static CallbackClient client(String allow, SSLSocketFactory tls) {
    CallbackPolicy policy = new CallbackPolicy(allow, CallbackPolicyTest.names(Map.of("localhost", "127.0.0.1",
        "other.test", "127.0.0.1")));
    return new CallbackClient(policy, tls, Duration.ofSeconds(2), Duration.ofSeconds(2));
  }

  private static final byte[] BODY = "{\"job_id\":\"j\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void deliversBodyAndHeadersToAllowListedReceiver() {
    CallbackClient c = client("127.0.0.0/8", trusting.getSocketFactory());
    CallbackClient.Outcome o = c.post("http://localhost:" + http.getAddress().getPort() + "/hooks/a?k=v", BODY,
        Map.of("Modelfn-Signature", "t=1,v1=ab"));
    assertThat(o.delivered()).isTrue();
    assertThat(o.status()).isEqualTo(204);
    Received r = received.stream().filter(x -> x.path().equals("/hooks/a?k=v")).findFirst().orElseThrow();
    assertThat(r.body()).isEqualTo("{\"job_id\":\"j\"}");
    assertThat(r.headers().get("Modelfn-signature")).containsExactly("t=1,v1=ab");
    assertThat(r.headers().get("Content-type")).containsExactly("application/json");
  }

  @Test
  void reportsReceiverErrorsAndDoesNotFollowRedirects() {
    CallbackClient c = client("127.0.0.0/8", trusting.getSocketFactory());
    int port = http.getAddress().getPort();
    CallbackClient.Outcome failed = c.post("http://localhost:" + port + "/fail", BODY, Map.of());
    assertThat(failed.delivered()).isFalse();
    assertThat(failed.status()).isEqualTo(500);
    assertThat(failed.error()).startsWith("HTTP 500");
    CallbackClient.Outcome moved = c.post("http://localhost:" + port + "/moved", BODY, Map.of());
    assertThat(moved.delivered()).isFalse();
    assertThat(moved.error()).contains("302").contains("redirects are not followed");
  }

  @Test
  void reportsReceiverThatIsDown() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    CallbackClient.Outcome o = client("127.0.0.0/8", trusting.getSocketFactory())
        .post("http://localhost:" + closed + "/x", BODY, Map.of());
    assertThat(o.delivered()).isFalse();
    assertThat(o.error()).contains("cannot connect to 127.0.0.1:" + closed);
  }

  @Test
  void refusesLoopbackWhenNotAllowListedWithoutConnecting() {
    int before = received.size();
    CallbackClient.Outcome o = client("", trusting.getSocketFactory())
        .post("http://localhost:" + http.getAddress().getPort() + "/never", BODY, Map.of());
    assertThat(o.delivered()).isFalse();
    assertThat(o.error()).startsWith("refused: ").contains("loopback");
    assertThat(received).hasSize(before).noneMatch(r -> r.path().equals("/never"));
  }

  @Test
  void deliversOverTlsCheckingCertificateAndHostName() {
    int port = https.getAddress().getPort();
    CallbackClient c = client("127.0.0.0/8", trusting.getSocketFactory());
    CallbackClient.Outcome o = c.post("https://localhost:" + port + "/secure", BODY, Map.of());
    assertThat(o.delivered()).as(o.error()).isTrue();
    assertThat(received).anyMatch(r -> r.path().equals("tls:/secure"));

    CallbackClient.Outcome wrongName = c.post("https://other.test:" + port + "/secure", BODY, Map.of());
    assertThat(wrongName.delivered()).isFalse();
    assertThat(wrongName.error()).containsIgnoringCase("other.test");

    CallbackClient untrusting = client("127.0.0.0/8", (SSLSocketFactory) SSLSocketFactory.getDefault());
    CallbackClient.Outcome untrusted = untrusting.post("https://localhost:" + port + "/secure", BODY, Map.of());
    assertThat(untrusted.delivered()).isFalse();
    assertThat(untrusted.error()).contains("SSLHandshakeException");
  }
}

package dev.modelfn.gcp.bench;

import com.google.cloud.functions.invoker.runner.Invoker;
import dev.modelfn.testing.Fixtures;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Cold start of the Cloud Functions adapter against the plain Lambda handler, alternating fresh
 * JVMs on the same JDK with the same flags, measured from launching {@code java} to the first
 * answered OIP v2 request: the deployable jar under the Functions Framework's invoker, answering
 * over loopback HTTP as on Cloud Functions; and the Lambda handler built in a fresh JVM answering
 * the same request as an API Gateway v2 event ({@link PlainHandlerProbe}). Prints the medians side
 * by side.
 *
 * <p>Run (after {@code ./mvnw -q -pl functions/gcp package}): {@code java -cp <functions/gcp test
 * class path> dev.modelfn.gcp.bench.GcfColdStart [runs]}.
 */
public final class GcfColdStart {
  private GcfColdStart() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 9;
    Path root = Fixtures.eventsDir().getParent();
    Path jar = root.resolve("functions/gcp/target/deploy/modelfn-gcp.jar");
    String invoker = Path.of(Invoker.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    String java = ProcessHandle.current().info().command().orElse("java");
    Map<String, String> env = Fixtures.fraudEnv();
    byte[] event = Fixtures.bytes("http/api-v2/infer-oip.json");
    byte[] body = dev.modelfn.aws.internal.ApiGatewayEvents.decode(event, "cold").request().body();
    List<Long> gcf = new ArrayList<>();
    List<Long> plain = new ArrayList<>();
    for (int r = 0; r < runs + 1; r++) { // the first pair warms the page cache and is left out
      long g = gcfStart(java, invoker, jar, env, body);
      long p = plainStart(java, env);
      if (r > 0) {
        gcf.add(g);
        plain.add(p);
      }
    }
    long g = median(gcf);
    long p = median(plain);
    System.out.printf("cold start, java launch -> first answered OIP v2 request, median of %d (JDK %s)%n", runs,
        Runtime.version());
    System.out.printf("  plain Lambda handler (fresh JVM, one event)          %5d ms%n", p);
    System.out.printf("  Cloud Functions jar under the invoker (loopback HTTP) %5d ms   %.2fx%n", g, (double) g / p);
  }

  private static long gcfStart(String java, String invoker, Path jar, Map<String, String> env, byte[] body)
      throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    ProcessBuilder pb = new ProcessBuilder(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", invoker,
        "--classpath", jar.toString(), "--target", "dev.modelfn.gcp.PredictHttpFunction", "--port",
        Integer.toString(port)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().putAll(env);
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/models/fraud/infer"))
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    long t0 = System.nanoTime();
    Process p = pb.start();
    try {
      while (true) {
        try {
          HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() != 200) {
            throw new IllegalStateException("status " + r.statusCode() + ": " + r.body());
          }
          return (System.nanoTime() - t0) / 1_000_000;
        } catch (IOException e) {
          if (!p.isAlive()) {
            throw new IllegalStateException("the invoker exited with " + p.exitValue());
          }
          Thread.sleep(2);
        }
      }
    } finally {
      p.destroyForcibly().waitFor();
    }
  }

  private static long plainStart(String java, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
        System.getProperty("java.class.path"), PlainHandlerProbe.class.getName(),
        Fixtures.path("http/api-v2/infer-oip.json").toString()).redirectErrorStream(true);
    pb.environment().putAll(env);
    long t0 = System.nanoTime();
    Process p = pb.start();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.startsWith("ANSWERED")) {
          long ms = (System.nanoTime() - t0) / 1_000_000;
          if (!line.contains("\"statusCode\":200")) {
            throw new IllegalStateException(line);
          }
          return ms;
        }
      }
    } finally {
      p.destroyForcibly().waitFor();
    }
    throw new IllegalStateException("the plain handler did not answer");
  }

  private static long median(List<Long> xs) {
    long[] s = xs.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}

package dev.modelfn.spring.bench;

import dev.modelfn.model.NativeLibraries;
import dev.modelfn.testing.Fixtures;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Cold start of the Spring web application against the plain Lambda handler: fresh JVMs,
 * alternately, on the same JDK with the same flags, from launching {@code java} to the first
 * answered OIP v2 request. The web application answers over loopback HTTP, as in a container on
 * Cloud Run, ECS or Kubernetes, three ways: the runnable jar ({@code java -jar
 * target/modelfn-spring-*-app.jar}); the same jar extracted ({@code -Djarmode=tools ... extract},
 * Spring Boot's layout for containers: the application jar and {@code lib/}); and the extracted
 * layout with a class-data archive of a training run that stops once the context is refreshed
 * ({@code -Dspring.context.exit=onRefresh -XX:ArchiveClassesAtExit}). The plain handler ({@code
 * PredictHttpHandler} from the Lambda function jar) answers the same request as an API Gateway HTTP
 * API event ({@link ColdStartProbe}, as {@link SpringColdStart} runs it). The medians side by side, and the medians of the rounds'
 * ratios to the plain handler.
 *
 * <p>Arguments: {@code [runs]} (default 9). Run: {@code ./mvnw -q -pl functions/spring package
 * exec:java -DskipTests -Dexec.mainClass=dev.modelfn.spring.bench.SpringWebColdStart
 * -Dexec.classpathScope=test -Dexec.args=9}.
 */
public final class SpringWebColdStart {
  private SpringWebColdStart() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 9;
    Path module = SpringColdStart.moduleDir();
    Path app = module.resolve("target/modelfn-spring-0.1.0-SNAPSHOT-app.jar");
    if (!Files.isRegularFile(app)) {
      throw new IllegalStateException("no " + app + ": package the module first (./mvnw -pl functions/spring package)");
    }
    Files.createDirectories(module.resolve("target/bench"));
    Path probe = SpringColdStart.jar(module.resolve("target/test-classes"), "dev/modelfn/spring/bench/ColdStartProbe",
        module.resolve("target/bench/probe.jar"));
    String plainCp = SpringColdStart.functionJar(module) + File.pathSeparator + probe;
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path eventFile = Fixtures.path("http/api-v2/infer-oip.json");
    byte[] body = dev.modelfn.aws.internal.ApiGatewayEvents.decode(Files.readAllBytes(eventFile), "cold").request()
        .body();
    Map<String, String> env = new HashMap<>();
    env.put("MODELFN_MODEL_URI", Fixtures.fraudModelUri());
    env.put("MODELFN_METRICS_ENABLED", "false");
    env.put("MODELFN_LOG_LEVEL", "WARN");
    env.put("MODELFN_ORT_NATIVE_DIR", NativeLibraries.configure(Map.of()).orElseThrow().toString());

    Path extracted = module.resolve("target/bench/web");
    deleteTree(extracted);
    run(command(java, "-Djarmode=tools", "-jar", app.toString(), "extract", "--destination", extracted.toString()), env);
    Path extractedJar = extracted.resolve(app.getFileName());
    Path archive = module.resolve("target/bench/web.jsa");
    Files.deleteIfExists(archive);
    run(command(java, "-XX:ArchiveClassesAtExit=" + archive, "-Dspring.context.exit=onRefresh", "-jar",
        extractedJar.toString()), env);
    Map<String, List<String>> configs = new java.util.LinkedHashMap<>();
    configs.put("java -jar (the runnable jar)", List.of("-jar", app.toString()));
    configs.put("extracted", List.of("-jar", extractedJar.toString()));
    configs.put("extracted + CDS archive", List.of("-XX:SharedArchiveFile=" + archive, "-jar", extractedJar.toString()));

    Map<String, long[]> web = new java.util.LinkedHashMap<>();
    long[] plain = new long[runs];
    for (int r = -1; r < runs; r++) { // round -1 warms the page cache and is not counted
      long p = plainStart(java, plainCp, env, eventFile);
      if (r >= 0) {
        plain[r] = p;
      }
      for (var c : configs.entrySet()) {
        long w = webStart(java, c.getValue(), env, body);
        if (r >= 0) {
          web.computeIfAbsent(c.getKey(), k -> new long[runs])[r] = w;
        }
      }
    }
    System.out.printf("cold start, java launch -> first answered OIP v2 request, %d rounds, medians (JDK %s, %d cores)%n",
        runs, Runtime.version().feature(), Runtime.getRuntime().availableProcessors());
    System.out.printf("  %-52s %6d ms%n", "plain Lambda handler (fresh JVM, one API Gateway event)",
        SpringColdStart.median(plain));
    for (var e : web.entrySet()) {
      double[] ratios = new double[runs];
      for (int r = 0; r < runs; r++) {
        ratios[r] = (double) e.getValue()[r] / plain[r];
      }
      Arrays.sort(ratios);
      System.out.printf("  %-52s %6d ms   %.2fx%n", "Spring web application, " + e.getKey(),
          SpringColdStart.median(e.getValue()), ratios[runs / 2]);
    }
  }

  private static void run(List<String> cmd, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + out);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      try (var files = Files.walk(dir)) {
        for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(f);
        }
      }
    }
  }

  private static List<String> command(String java, String... rest) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.addAll(SpringColdStart.FLAGS);
    cmd.addAll(List.of(rest));
    return cmd;
  }

  private static long webStart(String java, List<String> launch, Map<String, String> env, byte[] body)
      throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    List<String> cmd = command(java, launch.toArray(String[]::new));
    cmd.add("--server.port=" + port);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().putAll(env);
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/models/fraud/infer"))
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    long t0 = System.nanoTime();
    Process p = pb.start();
    try {
      // wait for the port with plain connects, which cost the starting JVM next to nothing, then ask
      while (true) {
        try (java.net.Socket s = new java.net.Socket()) {
          s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 200);
          break;
        } catch (IOException e) {
          if (!p.isAlive()) {
            throw new IllegalStateException("the web application exited with " + p.exitValue());
          }
          Thread.sleep(5);
        }
      }
      HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("the web application answered " + r.statusCode() + ": " + r.body());
      }
      return (System.nanoTime() - t0) / 1_000_000;
    } finally {
      p.destroyForcibly().waitFor();
    }
  }

  /** The plain handler's cold start, to the end of its process (the probe halts once it has answered). */
  private static long plainStart(String java, String classPath, Map<String, String> env, Path event) throws Exception {
    SpringColdStart.Config plain = new SpringColdStart.Config("plain", Path.of(java), classPath,
        "dev.modelfn.aws.PredictHttpHandler", env, SpringColdStart.FLAGS, null);
    long t0 = System.nanoTime();
    SpringColdStart.run(plain, plain.flags(), event);
    return (System.nanoTime() - t0) / 1_000_000;
  }
}

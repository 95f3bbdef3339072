package dev.modelfn.local.platform;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The model served over HTTP by the Spring Boot application jar ({@code functions/spring}) or by
 * the Cloud Functions jar under the Functions Framework's invoker ({@code functions/gcp}), in its
 * own JVM on the given port, with the functions' environment: what {@code local-dev/up --platform}
 * runs instead of the Lambda package behind the local HTTP API.
 */
public final class AdapterServer implements AutoCloseable {
  /** The platforms {@code --platform} takes besides {@code lambda}. */
  public enum Kind {
    SPRING("spring", "spring-web", "functions/spring"),
    GCP("gcp", "cloud-functions", "functions/gcp");

    private final String option;
    private final String service;
    private final String module;

    Kind(String option, String service, String module) {
      this.option = option;
      this.service = service;
      this.module = module;
    }

    public static Optional<Kind> of(String option) {
      return Stream.of(values()).filter(k -> k.option.equals(option)).findFirst();
    }

    /** The name of the service in up's status table and log lines. */
    public String service() {
      return service;
    }

    /** How to build what this platform runs, for the message when it is missing. */
    public String buildCommand() {
      return "./mvnw -q -pl " + module + " -am package -DskipTests";
    }
  }

  private final Kind kind;
  private final Process process;
  private final String host;
  private final int port;

  private AdapterServer(Kind kind, Process process, String host, int port) {
    this.kind = kind;
    this.process = process;
    this.host = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
    this.port = port;
  }

  /**
   * The command line that serves {@code kind} on {@code port}, or empty when its artifacts are not
   * built under {@code home}.
   */
  public static Optional<List<String>> command(Kind kind, Path home, Path java, String host, int port) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(java.toString()));
    switch (kind) {
      case SPRING -> {
        Path target = home.resolve("functions/spring/target");
        Optional<Path> jar = Optional.empty();
        if (Files.isDirectory(target)) {
          try (Stream<Path> s = Files.list(target)) {
            jar = s.filter(p -> p.getFileName().toString().endsWith("-app.jar")).findFirst();
          }
        }
        if (jar.isEmpty()) {
          return Optional.empty();
        }
        cmd.addAll(List.of("-jar", jar.get().toString(), "--server.address=" + host, "--server.port=" + port));
      }
      case GCP -> {
        Path jar = home.resolve("functions/gcp/target/deploy/modelfn-gcp.jar");
        Path invoker = home.resolve("local-dev/target/adapters/java-function-invoker.jar");
        if (!Files.isRegularFile(jar) || !Files.isRegularFile(invoker)) {
          return Optional.empty();
        }
        // the invoker listens on every interface (it takes no address): local-dev says so when it starts
        cmd.addAll(List.of("-jar", invoker.toString(), "--classpath", jar.toString(), "--target",
            "dev.modelfn.gcp.PredictHttpFunction", "--port", Integer.toString(port)));
      }
      default -> throw new IllegalArgumentException(kind.toString());
    }
    return Optional.of(cmd);
  }

  /**
   * Starts {@code command} with {@code env}, its output line by line to {@code log}; {@link
   * #awaitReady} then waits for it. Register what stops it before waiting, so that an interrupted
   * start leaves no process behind.
   */
  public static AdapterServer launch(Kind kind, List<String> command, Map<String, String> env, String host, int port,
      Consumer<String> log) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    AdapterServer s = new AdapterServer(kind, pb.start(), host, port);
    Thread pump = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(s.process.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          log.accept(line);
        }
      } catch (IOException e) {
        // the process ended
      }
    }, kind.service() + "-log");
    pump.setDaemon(true);
    pump.start();
    return s;
  }

  /** The base URI the server answers at. */
  public URI uri(String pathAndQuery) {
    return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + pathAndQuery);
  }

  public Kind kind() {
    return kind;
  }

  public long pid() {
    return process.pid();
  }

  /** Waits until {@code GET /v2/health/ready} answers 200; stops the process and throws when it does not. */
  public void awaitReady(Duration timeout) throws InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    URI ready = uri("/v2/health/ready");
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(kind.service() + " exited with status " + process.exitValue()
            + " before it was ready (its log lines above say why)");
      }
      try {
        if (client.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    close();
    throw new IllegalStateException(kind.service() + " was not ready within " + timeout.toSeconds() + " s");
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}

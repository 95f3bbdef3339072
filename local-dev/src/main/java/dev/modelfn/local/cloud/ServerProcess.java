package dev.modelfn.local.cloud;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One server of the local cloud in its own process: started with its output in a log file, ready
 * when its port accepts connections, stopped with SIGTERM (then killed, with any children, if it
 * does not exit in time).
 */
final class ServerProcess implements AutoCloseable {
  /**
   * @param name short name for messages and the log file ({@code s3}, {@code sqs}, ...)
   * @param port the port that accepts connections once the server is ready (on 127.0.0.1)
   */
  record Spec(String name, List<String> command, Map<String, String> env, Path workDir, Path log, int port,
      Duration startTimeout) {
    Spec {
      command = List.copyOf(command);
      env = Map.copyOf(env);
    }
  }

  private final Spec spec;
  private Process process;
  private Duration startDuration = Duration.ZERO;

  ServerProcess(Spec spec) {
    this.spec = spec;
  }

  Spec spec() {
    return spec;
  }

  /**
   * Starts the process and waits until its port accepts connections.
   *
   * @throws ServerStartException when it exits early or is not ready in time, with the end of its log
   */
  void start() {
    long t0 = System.nanoTime();
    try {
      Files.createDirectories(spec.log().getParent());
      Files.deleteIfExists(spec.log());
      ProcessBuilder pb = new ProcessBuilder(spec.command()).directory(spec.workDir().toFile())
          .redirectErrorStream(true).redirectOutput(spec.log().toFile());
      pb.environment().putAll(spec.env());
      process = pb.start();
    } catch (IOException e) {
      throw new ServerStartException(spec.name() + " did not start: " + e.getMessage() + " (command: "
          + String.join(" ", spec.command()) + ")");
    }
    long deadline = t0 + spec.startTimeout().toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new ServerStartException(spec.name() + " exited with status " + process.exitValue()
            + " while starting; the end of its log (" + spec.log() + "):\n" + tail(spec.log(), 15));
      }
      if (accepts(spec.port())) {
        break;
      }
      if (System.nanoTime() > deadline) {
        close();
        throw new ServerStartException(spec.name() + " was not listening on port " + spec.port() + " after "
            + spec.startTimeout().toSeconds() + " s; the end of its log (" + spec.log() + "):\n" + tail(spec.log(), 15));
      }
      sleep(50);
    }
    startDuration = Duration.ofNanos(System.nanoTime() - t0);
  }

  Duration startDuration() {
    return startDuration;
  }

  Optional<Long> pid() {
    return process == null ? Optional.empty() : Optional.of(process.pid());
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static String tail(Path log, int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | java.io.UncheckedIOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServerStartException("interrupted while waiting for a server to start");
    }
  }

  /** SIGTERM, then after five seconds SIGKILL for the process and anything it started. */
  @Override
  public void close() {
    Process p = process;
    if (p == null || !p.isAlive()) {
      return;
    }
    List<ProcessHandle> children = p.descendants().toList();
    p.destroy();
    try {
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    children.forEach(ProcessHandle::destroyForcibly);
  }
}

package dev.modelfn.local.lambda;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The Lambda Runtime API (version 2018-06-01) for one execution environment, on loopback: the
 * runtime polls {@code GET /runtime/invocation/next}, answers with {@code POST .../response} or
 * {@code .../error}, and reports a failed initialisation with {@code POST /runtime/init/error}.
 * See https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html.
 */
final class RuntimeApiServer implements AutoCloseable {
  private static final String PREFIX = "/2018-06-01/runtime/";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** An invocation handed to the runtime, completed by its answer. */
  static final class Pending {
    final String requestId;
    final byte[] payload;
    final long deadlineMs;
    final CompletableFuture<InvocationResult> result = new CompletableFuture<>();
    volatile long deliveredNanos;

    Pending(String requestId, byte[] payload, long deadlineMs) {
      this.requestId = requestId;
      this.payload = payload;
      this.deadlineMs = deadlineMs;
    }
  }

  static {
    // Without TCP_NODELAY the JDK server's header and body segments meet delayed ACKs: ~40 ms a call.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final String functionArn;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Map<String, Pending> inFlight = new ConcurrentHashMap<>();
  private final CompletableFuture<Void> initialised = new CompletableFuture<>();
  private volatile boolean closed;

  RuntimeApiServer(String functionArn) throws IOException {
    this.functionArn = functionArn;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "lambda-runtime-api");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext(PREFIX, this::handle);
    server.start();
  }

  /** {@code host:port}, the value of {@code AWS_LAMBDA_RUNTIME_API}. */
  String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** Completes when the runtime first asks for work (init done) or fails when it reports an init error. */
  CompletableFuture<Void> initialised() {
    return initialised;
  }

  Pending submit(byte[] payload, long deadlineMs) {
    Pending p = new Pending(requestId(), payload, deadlineMs);
    queue.add(p);
    return p;
  }

  /** Fails what was handed to the runtime and not answered (the runtime is gone). */
  void failInFlight(String errorType, String message) {
    for (Pending p : inFlight.values()) {
      p.result.complete(error(p, errorType, message));
    }
    inFlight.clear();
  }

  static InvocationResult error(Pending p, String errorType, String message) {
    String body = "{\"errorMessage\":" + jsonString(message) + ",\"errorType\":" + jsonString(errorType) + "}";
    long nanos = p.deliveredNanos == 0 ? 0 : System.nanoTime() - p.deliveredNanos;
    return new InvocationResult(p.requestId, body.getBytes(StandardCharsets.UTF_8), "Unhandled",
        java.time.Duration.ofNanos(nanos));
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath().substring(PREFIX.length());
      String method = ex.getRequestMethod();
      if (method.equals("GET") && path.equals("invocation/next")) {
        next(ex);
      } else if (method.equals("POST") && path.startsWith("invocation/") && path.endsWith("/response")) {
        answer(ex, path.substring("invocation/".length(), path.length() - "/response".length()), false);
      } else if (method.equals("POST") && path.startsWith("invocation/") && path.endsWith("/error")) {
        answer(ex, path.substring("invocation/".length(), path.length() - "/error".length()), true);
      } else if (method.equals("POST") && path.equals("init/error")) {
        byte[] body = readBody(ex.getRequestBody());
        initialised.completeExceptionally(new FunctionInitException(new String(body, StandardCharsets.UTF_8)));
        send(ex, 202, "{\"status\":\"OK\"}");
      } else {
        send(ex, 404, "{\"errorMessage\":\"unknown Runtime API path " + method + " " + path
            + "\",\"errorType\":\"InvalidRequest\"}");
      }
    }
  }

  private void next(HttpExchange ex) throws IOException {
    initialised.complete(null);
    Pending p = null;
    try {
      while (!closed && p == null) {
        p = queue.poll(200, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (p == null) {
      send(ex, 500, "{\"errorMessage\":\"the execution environment is shutting down\",\"errorType\":\"Shutdown\"}");
      return;
    }
    inFlight.put(p.requestId, p);
    p.deliveredNanos = System.nanoTime();
    var h = ex.getResponseHeaders();
    h.set("Content-Type", "application/json");
    h.set("Lambda-Runtime-Aws-Request-Id", p.requestId);
    h.set("Lambda-Runtime-Deadline-Ms", Long.toString(p.deadlineMs));
    h.set("Lambda-Runtime-Invoked-Function-Arn", functionArn);
    h.set("Lambda-Runtime-Trace-Id", traceId());
    ex.sendResponseHeaders(200, p.payload.length == 0 ? -1 : p.payload.length);
    ex.getResponseBody().write(p.payload);
  }

  private void answer(HttpExchange ex, String requestId, boolean error) throws IOException {
    byte[] body = readBody(ex.getRequestBody());
    Pending p = inFlight.remove(requestId);
    if (p == null) {
      send(ex, 400, "{\"errorMessage\":\"no invocation " + jsonEscape(requestId)
          + " is in flight\",\"errorType\":\"InvalidRequestID\"}");
      return;
    }
    java.time.Duration took = java.time.Duration.ofNanos(System.nanoTime() - p.deliveredNanos);
    p.result.complete(new InvocationResult(p.requestId, body, error ? "Unhandled" : null, took));
    send(ex, 202, "{\"status\":\"OK\"}");
  }

  private static byte[] readBody(InputStream in) throws IOException {
    return in.readAllBytes();
  }

  private static void send(HttpExchange ex, int status, String json) throws IOException {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
  }

  static String requestId() {
    return java.util.UUID.randomUUID().toString();
  }

  private static String traceId() {
    byte[] b = new byte[20];
    RANDOM.nextBytes(b);
    String hex = HexFormat.of().formatHex(b);
    return "Root=1-" + Long.toHexString(System.currentTimeMillis() / 1000) + "-" + hex.substring(0, 24) + ";Parent="
        + hex.substring(24, 40) + ";Sampled=0";
  }

  static String jsonString(String s) {
    return "\"" + jsonEscape(s) + "\"";
  }

  private static String jsonEscape(String s) {
    return new String(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(s));
  }

  @Override
  public void close() {
    closed = true;
    server.stop(0);
    executor.shutdownNow();
    for (Pending p : queue) {
      p.result.complete(error(p, "Runtime.Shutdown", "the function was stopped before the invocation ran"));
    }
    queue.clear();
    failInFlight("Runtime.Shutdown", "the function was stopped while the invocation ran");
  }
}

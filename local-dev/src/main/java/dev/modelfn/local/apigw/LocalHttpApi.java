package dev.modelfn.local.apigw;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.modelfn.local.lambda.InvocationResult;
import dev.modelfn.local.lambda.LocalLambdaFunction;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * An HTTP API with one {@code $default} route integrated with a Lambda function (payload 2.0). As
 * on API Gateway: bodies over 10 MB get 413, a function error (including its timeout) or an invalid
 * response gets 502 {@code {"message":"Internal Server Error"}}; every response carries
 * {@code apigw-requestid}.
 */
public final class LocalHttpApi implements AutoCloseable {
  /** API Gateway's payload limit for HTTP APIs. */
  public static final int MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

  static {
    // Without TCP_NODELAY the JDK server's header and body segments meet delayed ACKs: ~40 ms a call.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final LocalLambdaFunction function;
  private final String apiId;
  private final Consumer<String> accessLog;

  /**
   * Binds the port; requests are accepted after {@link #start()}.
   *
   * @throws PortInUseException when the address is taken
   */
  public LocalHttpApi(String host, int port, LocalLambdaFunction function, Consumer<String> accessLog)
      throws IOException {
    this.function = function;
    this.apiId = "local" + port;
    this.accessLog = accessLog;
    try {
      this.server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), port), 64);
    } catch (BindException e) {
      throw new PortInUseException(host, port);
    }
    this.executor = Executors.newFixedThreadPool(8, r -> {
      Thread t = new Thread(r, "http-api");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  public void start() {
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      long t0 = System.nanoTime();
      String requestId = HttpApiEvents.newRequestId();
      ex.getResponseHeaders().set("apigw-requestid", requestId);
      byte[] body = readLimited(ex.getRequestBody());
      HttpApiEvents.Response resp;
      if (body == null) {
        resp = message(413, "Request Entity Too Large");
      } else {
        var uri = ex.getRequestURI();
        HttpApiEvents.Request req = new HttpApiEvents.Request(ex.getRequestMethod(), uri.getRawPath(),
            uri.getRawQuery(), ex.getRequestHeaders(), body, ex.getRemoteAddress().getAddress().getHostAddress(),
            ex.getProtocol());
        resp = invoke(HttpApiEvents.event(req, apiId, requestId, Instant.now()));
      }
      resp.headers().forEach((k, v) -> {
        if (!k.equalsIgnoreCase("content-length") && !k.equalsIgnoreCase("transfer-encoding")) {
          ex.getResponseHeaders().put(k, v);
        }
      });
      boolean noBody = ex.getRequestMethod().equals("HEAD") || resp.body().length == 0 || resp.status() == 204
          || resp.status() == 304;
      ex.sendResponseHeaders(resp.status(), noBody ? -1 : resp.body().length);
      if (!noBody) {
        ex.getResponseBody().write(resp.body());
      }
      accessLog.accept(String.format("%s %s %d %.1f ms %s", ex.getRequestMethod(), ex.getRequestURI(), resp.status(),
          (System.nanoTime() - t0) / 1e6, requestId));
    }
  }

  private HttpApiEvents.Response invoke(byte[] event) {
    InvocationResult r = function.invoke(event);
    if (r.failed()) {
      accessLog.accept("function " + function.spec().name() + " failed: " + r.payloadText());
      return message(502, "Internal Server Error");
    }
    try {
      return HttpApiEvents.response(r.payload());
    } catch (IllegalArgumentException e) {
      accessLog.accept("function " + function.spec().name() + " returned an invalid response: " + e.getMessage());
      return message(502, "Internal Server Error");
    }
  }

  private static HttpApiEvents.Response message(int status, String text) {
    return new HttpApiEvents.Response(status, Map.of("content-type", List.of("application/json")),
        ("{\"message\":\"" + text + "\"}").getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] readLimited(InputStream in) throws IOException {
    byte[] b = in.readNBytes(MAX_PAYLOAD_BYTES + 1);
    if (b.length > MAX_PAYLOAD_BYTES) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return null;
    }
    return b;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}

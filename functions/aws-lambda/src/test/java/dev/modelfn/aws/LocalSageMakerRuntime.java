package dev.modelfn.aws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.modelfn.core.http.HttpRequest;
import dev.modelfn.core.http.HttpResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A SageMaker Runtime endpoint on loopback: {@code POST /endpoints/{name}/invocations} forwards
 * the body to a container function ({@code POST /invocations}) and answers as SageMaker does: the
 * container's 2xx body as is; a container error as HTTP 424 {@code ModelError} with {@code
 * OriginalStatusCode} and {@code OriginalMessage}; unknown endpoints as 400 {@code
 * ValidationError}. {@link #unavailable(boolean)} makes it answer 503 {@code ServiceUnavailable}.
 */
final class LocalSageMakerRuntime implements AutoCloseable {
  private final HttpServer server;
  private final String endpoint;
  private final Function<HttpRequest, HttpResponse> container;
  private final AtomicInteger calls = new AtomicInteger();
  private volatile boolean unavailable;

  LocalSageMakerRuntime(String endpoint, Function<HttpRequest, HttpResponse> container) throws IOException {
    this.endpoint = endpoint;
    this.container = container;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/endpoints/", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  int calls() {
    return calls.get();
  }

  void unavailable(boolean value) {
    unavailable = value;
  }

  private void handle(HttpExchange ex) throws IOException {
    calls.incrementAndGet();
    byte[] body = ex.getRequestBody().readAllBytes();
    String path = ex.getRequestURI().getPath();
    boolean signed = ex.getRequestHeaders().getFirst("Authorization") != null
        && ex.getRequestHeaders().getFirst("Authorization").startsWith("AWS4-HMAC-SHA256");
    if (!signed) {
      send(ex, 403, "MissingAuthenticationToken", "{\"message\":\"Missing Authentication Token\"}");
    } else if (unavailable) {
      send(ex, 503, "ServiceUnavailable", "{\"message\":\"Service is unavailable\"}");
    } else if (!ex.getRequestMethod().equals("POST") || !path.equals("/endpoints/" + endpoint + "/invocations")) {
      send(ex, 400, "ValidationError", "{\"message\":\"Endpoint " + path + " not found.\"}");
    } else {
      Map<String, String> headers = new HashMap<>();
      headers.put("content-type", ex.getRequestHeaders().getFirst("Content-Type"));
      headers.put("accept", ex.getRequestHeaders().getFirst("Accept"));
      HttpResponse r = container.apply(new HttpRequest("POST", "/invocations", headers, Map.of(), body, "sm-1"));
      if (r.status() >= 400) {
        String msg = r.bodyText().replace("\\", "\\\\").replace("\"", "\\\"");
        send(ex, 424, "ModelError", "{\"ErrorCode\":\"CLIENT_ERROR_FROM_MODEL\",\"Message\":\"Received client error ("
            + r.status() + ") from primary\",\"OriginalMessage\":\"" + msg + "\",\"OriginalStatusCode\":" + r.status()
            + "}");
      } else {
        ex.getResponseHeaders().add("Content-Type", r.headers().getOrDefault("content-type", "application/json"));
        ex.getResponseHeaders().add("x-Amzn-Invoked-Production-Variant", "AllTraffic");
        ex.sendResponseHeaders(200, r.body().length);
        try (OutputStream out = ex.getResponseBody()) {
          out.write(r.body());
        }
      }
    }
  }

  private static void send(HttpExchange ex, int status, String type, String json) throws IOException {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.getResponseHeaders().add("x-amzn-ErrorType", type + ":http://internal.amazon.com/coral/com.amazon.sagemaker/");
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

package dev.modelfn.gcp.bench;

import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import dev.modelfn.aws.PredictHttpHandler;
import dev.modelfn.gcp.PredictHttpFunction;
import dev.modelfn.telemetry.Logs;
import dev.modelfn.testing.Fixtures;
import dev.modelfn.testing.WarmPaths;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The warm cost of the Google Cloud Functions adapter, side by side in one run: the fraud model's
 * OIP v2 request through {@link PredictHttpFunction#service} (the Functions Framework's request and
 * response objects, here in memory: what the adapter does between the framework and the core
 * function), through the Lambda handler (the same request as an API Gateway v2 event), and the raw
 * {@code session.run} on the same row, alternating in blocks. Prints p50 of each and each
 * adapter's p50 over the raw call.
 *
 * <p>Run: {@code java -cp <functions/gcp test class path> dev.modelfn.gcp.bench.GcfWarmPath [rounds]}.
 */
public final class GcfWarmPath {
  private GcfWarmPath() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    int block = 200;
    Logs.setSink(new PrintStream(OutputStream.nullOutputStream()));
    Map<String, String> env = Fixtures.fraudEnv("MODELFN_METRICS_ENABLED", "true");
    PredictHttpFunction gcf = new PredictHttpFunction(env);
    PredictHttpHandler lambda = new PredictHttpHandler(env);
    byte[] event = Fixtures.bytes("http/api-v2/infer-oip.json");
    byte[] body = dev.modelfn.aws.internal.ApiGatewayEvents.decode(event, "bench").request().body();
    try (WarmPaths.RawFraud raw = new WarmPaths.RawFraud(WarmPaths.fraudRow())) {
      Map<String, Runnable> paths = new LinkedHashMap<>();
      paths.put("raw session.run", raw);
      paths.put("Lambda handler", () -> lambda.handle(event, "bench"));
      paths.put("Cloud Functions", () -> {
        try {
          FakeResponse resp = new FakeResponse();
          gcf.service(new FakeRequest("POST", "/v2/models/fraud/infer", Map.of("content-type", "application/json",
              "function-execution-id", "bench"), body), resp);
          if (resp.status != 200) {
            throw new IllegalStateException("status " + resp.status);
          }
        } catch (java.io.IOException e) {
          throw new IllegalStateException(e);
        }
      });
      WarmPaths.printSideBySide("warm path, fraud (OIP v2 JSON)", paths, rounds, block, 20_000, System.out);
    }
  }

  /** The Functions Framework's request, in memory. */
  private record FakeRequest(String method, String path, Map<String, String> headers, byte[] body)
      implements HttpRequest {
    @Override
    public String getMethod() {
      return method;
    }

    @Override
    public String getUri() {
      return "http://localhost" + path;
    }

    @Override
    public String getPath() {
      return path;
    }

    @Override
    public Optional<String> getQuery() {
      return Optional.empty();
    }

    @Override
    public Map<String, List<String>> getQueryParameters() {
      return Map.of();
    }

    @Override
    public Map<String, HttpPart> getParts() {
      return Map.of();
    }

    @Override
    public Optional<String> getContentType() {
      return Optional.ofNullable(headers.get("content-type"));
    }

    @Override
    public long getContentLength() {
      return body.length;
    }

    @Override
    public Optional<String> getCharacterEncoding() {
      return Optional.of("UTF-8");
    }

    @Override
    public InputStream getInputStream() {
      return new ByteArrayInputStream(body);
    }

    @Override
    public BufferedReader getReader() {
      return new BufferedReader(new java.io.InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
    }

    @Override
    public Map<String, List<String>> getHeaders() {
      Map<String, List<String>> h = new LinkedHashMap<>();
      headers.forEach((k, v) -> h.put(k, List.of(v)));
      return h;
    }
  }

  /** The Functions Framework's response, in memory. */
  private static final class FakeResponse implements HttpResponse {
    int status = 200;
    String contentType;
    final Map<String, List<String>> headers = new LinkedHashMap<>();
    final ByteArrayOutputStream body = new ByteArrayOutputStream(256);

    @Override
    public void setStatusCode(int code) {
      status = code;
    }

    @Override
    public void setStatusCode(int code, String message) {
      status = code;
    }

    @Override
    public void setContentType(String contentType) {
      this.contentType = contentType;
    }

    @Override
    public Optional<String> getContentType() {
      return Optional.ofNullable(contentType);
    }

    @Override
    public void appendHeader(String header, String value) {
      headers.computeIfAbsent(header, k -> new ArrayList<>()).add(value);
    }

    @Override
    public Map<String, List<String>> getHeaders() {
      return headers;
    }

    @Override
    public OutputStream getOutputStream() {
      return body;
    }

    @Override
    public BufferedWriter getWriter() {
      return new BufferedWriter(new java.io.OutputStreamWriter(body, StandardCharsets.UTF_8));
    }
  }
}

package dev.modelfn.gcp.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import dev.modelfn.aws.PredictHttpHandler;
import dev.modelfn.gcp.PredictHttpFunction;
import dev.modelfn.telemetry.Logs;
import dev.modelfn.testing.Fixtures;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
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
    var decoded = dev.modelfn.aws.internal.ApiGatewayEvents.decode(event, "bench").request();
    byte[] body = decoded.body();
    float[] row = new float[16];
    var in = dev.modelfn.codec.Json.parse(body).path("inputs").get(0).path("data");
    var flat = in.get(0).isArray() ? in.get(0) : in;
    for (int i = 0; i < 16; i++) {
      row[i] = (float) flat.get(i).asDouble();
    }
    OrtEnvironment ortEnv = OrtEnvironment.getEnvironment();
    try (OrtSession raw = ortEnv.createSession(Fixtures.path("models/fraud/fraud.onnx").toString(),
        new OrtSession.SessionOptions())) {
      Runnable rawCall = () -> {
        try (OnnxTensor t = OnnxTensor.createTensor(ortEnv, new float[][] {row});
            OrtSession.Result r = raw.run(Map.of("input", t))) {
          r.get(0).getValue();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      };
      Runnable gcfCall = () -> {
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
      };
      Runnable lambdaCall = () -> lambda.handle(event, "bench");
      List<Runnable> calls = List.of(rawCall, lambdaCall, gcfCall);
      for (int i = 0; i < 20_000; i++) {
        calls.forEach(Runnable::run);
      }
      List<List<Long>> times = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
      for (int r = 0; r < rounds; r++) {
        for (int c = 0; c < calls.size(); c++) {
          for (int i = 0; i < block; i++) {
            long t0 = System.nanoTime();
            calls.get(c).run();
            times.get(c).add(System.nanoTime() - t0);
          }
        }
      }
      double rawP50 = p50(times.get(0));
      double lambdaP50 = p50(times.get(1));
      double gcfP50 = p50(times.get(2));
      System.out.printf("warm path, fraud (OIP v2 JSON), %d rounds x %d calls each, alternating; microseconds%n", rounds,
          block);
      System.out.printf("  raw session.run p50 %8.1f%n", rawP50);
      System.out.printf("  Lambda handler  p50 %8.1f   over raw %+7.1f (%.2fx)%n", lambdaP50, lambdaP50 - rawP50,
          lambdaP50 / rawP50);
      System.out.printf("  Cloud Functions p50 %8.1f   over raw %+7.1f (%.2fx)%n", gcfP50, gcfP50 - rawP50,
          gcfP50 / rawP50);
    }
  }

  private static double p50(List<Long> ns) {
    long[] s = ns.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(s);
    return s[s.length / 2] / 1000.0;
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

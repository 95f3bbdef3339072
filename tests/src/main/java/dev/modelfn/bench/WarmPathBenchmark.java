package dev.modelfn.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.modelfn.aws.PredictHttpHandler;
import dev.modelfn.local.apigw.HttpApiEvents;
import dev.modelfn.model.OnnxRuntimeEnvironment;
import dev.modelfn.telemetry.Logs;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The warm cost of serving: the full {@link PredictHttpHandler} path (API Gateway HTTP API event
 * bytes in, response event bytes out: event decoding, OIP v2 validation, one {@code session.run},
 * response and EMF encoding) against the fastest raw ONNX Runtime call on the same row (the row
 * written into a reused direct buffer, a tensor over it, {@code session.run}, output read, tensors
 * closed), alternating in blocks in one JVM. Prints p50/p99 and the p50 ratio per model.
 *
 * <p>Arguments: {@code home=<project dir> mlp=<mlp.onnx> rounds=<n> block=<calls> warmup=<calls>
 * cases=fraud-json,mlp-json,mlp-binary}.
 */
public final class WarmPathBenchmark {
  private WarmPathBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, List<String>> a = Args.parse(args);
    Path home = Path.of(Args.one(a, "home", ".")).toAbsolutePath().normalize();
    Path mlp = Path.of(Args.one(a, "mlp", home.resolve("tests/target/models/mlp/mlp.onnx").toString()));
    int rounds = Integer.parseInt(Args.one(a, "rounds", "30"));
    int block = Integer.parseInt(Args.one(a, "block", "200"));
    int warmup = Integer.parseInt(Args.one(a, "warmup", "20000"));
    String cases = Args.one(a, "cases", "fraud-json,mlp-json,mlp-binary");
    PrintStream out = System.out;
    // EMF lines are formatted as on Lambda, then dropped instead of filling the terminal.
    Logs.setSink(new PrintStream(OutputStream.nullOutputStream()));

    out.printf("warm path: %d rounds x %d calls each, alternating; times in microseconds%n", rounds, block);
    out.printf("%-13s %10s %10s %12s %12s %10s%n", "model (body)", "raw p50", "raw p99", "handler p50",
        "handler p99", "p50 ratio");
    Path fraud = home.resolve("events/models/fraud/fraud.onnx");
    for (Object[] m : List.of(new Object[] {"fraud", fraud, false}, new Object[] {"mlp", mlp, false},
        new Object[] {"mlp", mlp, true})) {
      boolean binary = (boolean) m[2];
      if (!List.of(cases.split(",")).contains(m[0] + (binary ? "-binary" : "-json"))) {
        continue;
      }
      Result r = measure((String) m[0], (Path) m[1], binary, rounds, block, warmup);
      out.printf("%-13s %10.1f %10.1f %12.1f %12.1f %9.2fx%n", m[0] + (binary ? " (binary)" : " (json)"), r.rawP50,
          r.rawP99, r.handlerP50, r.handlerP99, r.handlerP50 / r.rawP50);
    }
  }

  record Result(double rawP50, double rawP99, double handlerP50, double handlerP99) {}

  /**
   * Measures one model: the raw call and the handler alternate in blocks on the same row.
   *
   * @param binary send the row as OIP v2 binary tensor data (little-endian after a JSON header,
   *     base64 in the event as API Gateway delivers binary bodies) instead of JSON numbers
   */
  static Result measure(String name, Path model, boolean binary, int rounds, int block, int warmup) throws Exception {
    if (!Files.isRegularFile(model)) {
      throw new IllegalArgumentException(model + " does not exist; build it with ./mvnw -pl tests -am process-classes");
    }
    PredictHttpHandler handler = new PredictHttpHandler(Map.of("MODELFN_MODEL_URI", model.toUri().toString(),
        "MODELFN_MODEL_NAME", name, "MODELFN_LOG_LEVEL", "WARN"));
    var input = handler.function().metadata().signature().inputs().get(0);
    int width = (int) input.shape().get(1).longValue();
    float[] row = new float[width];
    SplittableRandom rng = new SplittableRandom(7);
    for (int i = 0; i < width; i++) {
      row[i] = (float) (rng.nextDouble() * 10);
    }
    byte[] event = binary ? binaryEvent(name, input.name(), row) : event(name, input.name(), row);

    OrtEnvironment env = OnnxRuntimeEnvironment.get();
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      so.setIntraOpNumThreads(1);
      so.setInterOpNumThreads(1);
      so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      try (OrtSession session = env.createSession(model.toString(), so)) {
        String in = input.name();
        long[] shape = {1, width};
        FloatBuffer direct = java.nio.ByteBuffer.allocateDirect(width * Float.BYTES)
            .order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
        String check = new String(handler.handle(event, "bench"), StandardCharsets.UTF_8);
        if (!check.contains("\"statusCode\":200")) {
          throw new IllegalStateException("the handler did not answer the benchmark event: " + check);
        }
        long[] raw = new long[rounds * block];
        long[] full = new long[rounds * block];
        float sink = 0;
        for (int i = 0; i < warmup; i++) { // both paths compiled by C2 before anything is recorded
          sink += rawRun(env, session, in, row, direct, shape);
          sink += handler.handle(event, "bench").length;
        }
        for (int r = 0; r < rounds; r++) {
          for (int i = 0; i < block; i++) {
            long t0 = System.nanoTime();
            sink += rawRun(env, session, in, row, direct, shape);
            long t1 = System.nanoTime();
            if (r >= 0) {
              raw[r * block + i] = t1 - t0;
            }
          }
          for (int i = 0; i < block; i++) {
            long t0 = System.nanoTime();
            byte[] resp = handler.handle(event, "bench");
            long t1 = System.nanoTime();
            sink += resp.length;
            if (r >= 0) {
              full[r * block + i] = t1 - t0;
            }
          }
        }
        if (sink == 42) {
          System.out.print("");
        }
        return new Result(pct(raw, 50), pct(raw, 99), pct(full, 50), pct(full, 99));
      }
    }
  }

  /**
   * The best raw ONNX Runtime call for one row: the row put into a reused direct buffer (read in
   * place; a heap buffer costs ONNX Runtime an allocation and an element-wise copy), its outputs read.
   */
  private static float rawRun(OrtEnvironment env, OrtSession session, String input, float[] row, FloatBuffer direct,
      long[] shape) throws OrtException {
    direct.clear();
    direct.put(row).flip();
    try (OnnxTensor t = OnnxTensor.createTensor(env, direct, shape);
        OrtSession.Result result = session.run(Map.of(input, t))) {
      float[][] out = (float[][]) result.get(0).getValue();
      return out[0][0];
    }
  }

  private static byte[] event(String model, String input, float[] row) {
    StringBuilder body = new StringBuilder("{\"inputs\":[{\"name\":\"").append(input)
        .append("\",\"shape\":[1,").append(row.length).append("],\"datatype\":\"FP32\",\"data\":[");
    for (int i = 0; i < row.length; i++) {
      body.append(i == 0 ? "" : ",").append(row[i]);
    }
    body.append("]}]}");
    HttpApiEvents.Request req = new HttpApiEvents.Request("POST", "/v2/models/" + model + "/infer", "",
        Map.of("content-type", List.of("application/json"), "host", List.of("abc123.execute-api.us-east-1.amazonaws.com"),
            "user-agent", List.of("bench")), body.toString().getBytes(StandardCharsets.UTF_8), "203.0.113.10",
        "HTTP/1.1");
    return HttpApiEvents.event(req, "abc123", HttpApiEvents.newRequestId(), Instant.now());
  }

  private static byte[] binaryEvent(String model, String input, float[] row) {
    byte[] header = ("{\"inputs\":[{\"name\":\"" + input + "\",\"shape\":[1," + row.length
        + "],\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":" + row.length * Float.BYTES + "}}]}")
        .getBytes(StandardCharsets.UTF_8);
    java.nio.ByteBuffer body = java.nio.ByteBuffer.allocate(header.length + row.length * Float.BYTES)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN).put(header);
    for (float f : row) {
      body.putFloat(f);
    }
    HttpApiEvents.Request req = new HttpApiEvents.Request("POST", "/v2/models/" + model + "/infer", "",
        Map.of("content-type", List.of("application/octet-stream"), "inference-header-content-length",
            List.of(Integer.toString(header.length)), "host", List.of("abc123.execute-api.us-east-1.amazonaws.com"),
            "user-agent", List.of("bench")), body.array(), "203.0.113.10", "HTTP/1.1");
    return HttpApiEvents.event(req, "abc123", HttpApiEvents.newRequestId(), Instant.now());
  }

  static double pct(long[] xs, int p) {
    long[] s = xs.clone();
    Arrays.sort(s);
    return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)] / 1000.0;
  }
}

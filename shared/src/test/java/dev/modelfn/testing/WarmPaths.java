package dev.modelfn.testing;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.modelfn.codec.Json;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the adapters' warm-path benchmarks share: the {@code fraud} row of {@code
 * events/http/api-v2/infer-oip.json}, the raw {@code session.run} on it, and the alternating
 * measurement that prints each path's p50 beside the raw call's.
 */
public final class WarmPaths {
  private WarmPaths() {}

  /** The 16 features of the OIP v2 request in {@code events/http/api-v2/infer-oip.json}. */
  public static float[] fraudRow() {
    var event = Json.parse(Fixtures.bytes("http/api-v2/infer-oip.json"));
    var data = Json.parse(event.path("body").asText().getBytes(StandardCharsets.UTF_8)).path("inputs").get(0)
        .path("data");
    var flat = data.get(0).isArray() ? data.get(0) : data;
    float[] row = new float[flat.size()];
    for (int i = 0; i < row.length; i++) {
      row[i] = (float) flat.get(i).asDouble();
    }
    return row;
  }

  /** The raw call: a tensor made from the row, {@code session.run} on the fraud model, the output read. */
  public static final class RawFraud implements Runnable, AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final float[][] row;

    public RawFraud(float[] row) throws Exception {
      this.session = env.createSession(Fixtures.path("models/fraud/fraud.onnx").toString(),
          new OrtSession.SessionOptions());
      this.row = new float[][] {row};
    }

    @Override
    public void run() {
      try (OnnxTensor t = OnnxTensor.createTensor(env, row); OrtSession.Result r = session.run(Map.of("input", t))) {
        r.get(0).getValue();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void close() throws Exception {
      session.close();
    }
  }

  /**
   * Runs each path {@code warmup} times, then {@code rounds} rounds of {@code block} calls of each in
   * turn, and prints each p50 in microseconds; the first path is the raw call the others are
   * compared with.
   */
  public static void printSideBySide(String title, Map<String, Runnable> paths, int rounds, int block, int warmup,
      PrintStream out) {
    List<Runnable> calls = new ArrayList<>(paths.values());
    for (int i = 0; i < warmup; i++) {
      calls.forEach(Runnable::run);
    }
    List<long[]> times = new ArrayList<>();
    calls.forEach(c -> times.add(new long[rounds * block]));
    for (int r = 0; r < rounds; r++) {
      for (int c = 0; c < calls.size(); c++) {
        for (int i = 0; i < block; i++) {
          long t0 = System.nanoTime();
          calls.get(c).run();
          times.get(c)[r * block + i] = System.nanoTime() - t0;
        }
      }
    }
    out.printf("%s, %d rounds x %d calls each, alternating; microseconds%n", title, rounds, block);
    Map<String, Double> p50 = new LinkedHashMap<>();
    int c = 0;
    for (String name : paths.keySet()) {
      long[] s = times.get(c++);
      Arrays.sort(s);
      p50.put(name, s[s.length / 2] / 1000.0);
    }
    double raw = p50.values().iterator().next();
    int width = paths.keySet().stream().mapToInt(String::length).max().orElse(10);
    p50.forEach((name, v) -> out.printf("  %-" + width + "s p50 %8.1f%s%n", name, v,
        v == raw ? "" : String.format("   over raw %+7.1f (%.2fx)", v - raw, v / raw)));
  }
}

package dev.modelfn.edge.quantize;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Runs a calibration set through the fp32 model and records the range of each activation tensor
 * that {@link StaticQdqQuantizer} quantizes: the plain min/max, or percentiles (which ignore rare
 * outliers that would otherwise stretch the scale). Percentiles come from a bounded uniform sample
 * of each tensor's values.
 */
public final class Calibrator {
  private static final int SAMPLE = 1 << 20;
  private static final int BATCH = 256;

  /** How ranges are taken. */
  public enum Method { MINMAX, PERCENTILE }

  private Calibrator() {}

  /**
   * @param percentile for {@link Method#PERCENTILE}: the upper percentile (e.g. 99.99); the lower is 100 - it
   */
  public static Map<String, StaticQdqQuantizer.Range> calibrate(OnnxMl.ModelProto model, float[][] rows,
      Method method, double percentile, Progress progress) throws OrtException {
    List<String> tensors = StaticQdqQuantizer.calibrationTensors(model);
    OnnxMl.ModelProto augmented = StaticQdqQuantizer.withOutputs(model, tensors);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Map<String, Stats> stats = new LinkedHashMap<>();
    tensors.forEach(t -> stats.put(t, new Stats()));
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT); // keep every tensor observable
      try (OrtSession s = env.createSession(augmented.toByteArray(), o)) {
        String input = s.getInputNames().iterator().next();
        for (int start = 0; start < rows.length; start += BATCH) {
          float[][] batch = Arrays.copyOfRange(rows, start, Math.min(rows.length, start + BATCH));
          try (OnnxTensor t = OnnxTensor.createTensor(env, batch);
              OrtSession.Result r = s.run(Map.of(input, t), new java.util.HashSet<>(tensors))) {
            for (String name : tensors) {
              OnnxValue v = r.get(name).orElseThrow();
              FloatBuffer fb = ((OnnxTensor) v).getFloatBuffer();
              stats.get(name).add(fb);
            }
          }
          progress.update(Math.min(rows.length, start + BATCH), rows.length);
        }
      }
    }
    Map<String, StaticQdqQuantizer.Range> ranges = new LinkedHashMap<>();
    stats.forEach((k, v) -> ranges.put(k, method == Method.MINMAX ? new StaticQdqQuantizer.Range(v.min, v.max)
        : v.percentiles(percentile)));
    return ranges;
  }

  private static final class Stats {
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    final float[] sample = new float[SAMPLE];
    long seen;
    final SplittableRandom rng = new SplittableRandom(7);

    void add(FloatBuffer fb) {
      while (fb.hasRemaining()) {
        float v = fb.get();
        min = Math.min(min, v);
        max = Math.max(max, v);
        if (seen < SAMPLE) {
          sample[(int) seen] = v;
        } else {
          long j = rng.nextLong(seen + 1);
          if (j < SAMPLE) {
            sample[(int) j] = v;
          }
        }
        seen++;
      }
    }

    StaticQdqQuantizer.Range percentiles(double p) {
      int n = (int) Math.min(seen, SAMPLE);
      if (n == 0) {
        return new StaticQdqQuantizer.Range(0, 0);
      }
      float[] s = Arrays.copyOf(sample, n);
      Arrays.sort(s);
      int hi = (int) Math.min(n - 1, Math.ceil(p / 100 * n) - 1);
      int lo = (int) Math.max(0, Math.floor((100 - p) / 100 * n));
      return new StaticQdqQuantizer.Range(s[lo], s[Math.max(lo, hi)]);
    }
  }
}

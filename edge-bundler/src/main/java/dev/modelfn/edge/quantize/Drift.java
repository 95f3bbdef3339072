package dev.modelfn.edge.quantize;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.Arrays;
import java.util.Map;

/**
 * A candidate model (optimized, quantized) measured against the fp32 original on a hold-out set:
 * size ratio, p50 single-row latency ratio, top-1 agreement, the largest absolute difference of an
 * output value, and for a binary classifier (two outputs) the change in AUC.
 *
 * @param p50LatencyRatio candidate p50 / fp32 p50 (below 1 is faster)
 * @param aucDelta candidate AUC - fp32 AUC, against the set's labels or else the fp32 model's
 *     decisions; null when the model is not a binary classifier
 */
public record Drift(int rows, double sizeRatio, double fp32P50Micros, double candidateP50Micros,
    double p50LatencyRatio, double top1Agreement, double maxAbsProbabilityDiff, Double aucDelta) {

  /** Runs every hold-out row through both models, one row per call, timing each call. */
  public static Drift measure(byte[] fp32, byte[] candidate, Rows holdout, Progress progress)
      throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      o.setIntraOpNumThreads(1); // a device's view, and fair on a shared machine
      try (OrtSession a = env.createSession(fp32, o); OrtSession b = env.createSession(candidate, o)) {
        String in = a.getInputNames().iterator().next();
        float[][] x = holdout.features();
        int n = x.length;
        for (int w = 0; w < Math.min(50, n); w++) {
          run(env, a, in, new float[][] {x[w]});
          run(env, b, in, new float[][] {x[w]});
        }
        // one row per call, as a device runs it (dynamic quantization's ranges are per call),
        // the two models interleaved so that both see the same machine state
        long agree = 0;
        double maxDiff = 0;
        float[][] pa = new float[n][];
        float[][] pb = new float[n][];
        long[] ta = new long[n];
        long[] tb = new long[n];
        for (int i = 0; i < n; i++) {
          float[][] row = {x[i]};
          long t0 = System.nanoTime();
          float[] ya = run(env, a, in, row)[0];
          long t1 = System.nanoTime();
          float[] yb = run(env, b, in, row)[0];
          long t2 = System.nanoTime();
          ta[i] = t1 - t0;
          tb[i] = t2 - t1;
          pa[i] = ya;
          pb[i] = yb;
          agree += argmax(ya) == argmax(yb) ? 1 : 0;
          for (int c = 0; c < ya.length; c++) {
            maxDiff = Math.max(maxDiff, Math.abs(ya[c] - yb[c]));
          }
          if (i % 250 == 249 || i == n - 1) {
            progress.update(i + 1, n);
          }
        }
        double p50a = median(ta) / 1e3;
        double p50b = median(tb) / 1e3;
        Double auc = null;
        if (n > 0 && pa[0].length == 2) {
          int[] labels = holdout.labels();
          if (labels == null) {
            labels = new int[n];
            for (int i = 0; i < n; i++) {
              labels[i] = argmax(pa[i]);
            }
          }
          auc = auc(pb, labels) - auc(pa, labels);
        }
        return new Drift(n, (double) candidate.length / fp32.length, p50a, p50b, n == 0 ? 1 : p50b / p50a,
            n == 0 ? 1 : (double) agree / n, maxDiff, auc);
      }
    }
  }

  static float[][] run(OrtEnvironment env, OrtSession s, String in, float[][] rows) throws OrtException {
    try (OnnxTensor t = OnnxTensor.createTensor(env, rows); OrtSession.Result r = s.run(Map.of(in, t))) {
      return (float[][]) r.get(0).getValue();
    }
  }

  static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  private static double median(long[] v) {
    if (v.length == 0) {
      return 0;
    }
    long[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  /** AUC of column 1 against labels (1 positive), by ranks with ties averaged; NaN with one class only. */
  static double auc(float[][] p, int[] labels) {
    int n = p.length;
    Integer[] idx = new Integer[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, (i, j) -> Float.compare(p[i][1], p[j][1]));
    double rankSumPos = 0;
    long pos = 0;
    int i = 0;
    while (i < n) {
      int j = i;
      while (j + 1 < n && p[idx[j + 1]][1] == p[idx[i]][1]) {
        j++;
      }
      double rank = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        if (labels[idx[k]] == 1) {
          rankSumPos += rank;
          pos++;
        }
      }
      i = j + 1;
    }
    long neg = n - pos;
    if (pos == 0 || neg == 0) {
      return Double.NaN;
    }
    return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
  }
}

package dev.modelfn.edge.client;

import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a device reports ({@code modelfn-edge-telemetry/1}, docs/edge.md): the version in use, load
 * and inference latency percentiles, and a histogram of the top prediction score, over one period.
 * Latencies are kept in a bounded reservoir, scores in ten fixed bins, so memory stays constant.
 */
public final class Telemetry {
  public static final String SCHEMA = "modelfn-edge-telemetry/1";
  private static final int RESERVOIR = 4096;
  private static final int BINS = 10;

  private final Clock clock;
  private final Sample load = new Sample();
  private final Sample inference = new Sample();
  private final long[] scoreBins = new long[BINS];
  private final Map<String, Long> refusals = new LinkedHashMap<>();
  private long fallbacks;
  private Instant periodStart;

  Telemetry(Clock clock) {
    this.clock = clock;
    this.periodStart = clock.instant();
  }

  private static final class Sample {
    final double[] values = new double[RESERVOIR];
    long count;
    long seed = 0x9E3779B97F4A7C15L;

    void add(double v) {
      if (count < RESERVOIR) {
        values[(int) count] = v;
      } else {
        seed ^= seed << 13;
        seed ^= seed >>> 7;
        seed ^= seed << 17;
        long j = Math.floorMod(seed, count + 1);
        if (j < RESERVOIR) {
          values[(int) j] = v;
        }
      }
      count++;
    }

    Map<String, Object> summary() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("count", count);
      int n = (int) Math.min(count, RESERVOIR);
      double[] s = Arrays.copyOf(values, n);
      Arrays.sort(s);
      for (double q : new double[] {50, 90, 99}) {
        m.put("p" + (int) q, n == 0 ? null : round(s[(int) Math.min(n - 1, Math.ceil(q / 100 * n) - 1)]));
      }
      m.put("max", n == 0 ? null : round(s[n - 1]));
      return m;
    }

    void clear() {
      count = 0;
    }
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  synchronized void load(double millis) {
    load.add(millis);
  }

  synchronized void inference(double millis, float[][] outputs) {
    inference.add(millis);
    for (float[] row : outputs) {
      float top = Float.NEGATIVE_INFINITY;
      for (float v : row) {
        top = Math.max(top, v);
      }
      int bin = (int) Math.floor(Math.max(0, Math.min(0.999999, top)) * BINS);
      scoreBins[bin]++;
    }
  }

  synchronized void refused(EdgeException.Reason reason) {
    refusals.merge(reason.name(), 1L, Long::sum);
  }

  synchronized void fellBack() {
    fallbacks++;
  }

  /** The telemetry document for the period so far. */
  synchronized Map<String, Object> document(String model, String channel, String device, Long version,
      Long previousVersion, String clientVersion) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("schema", SCHEMA);
    d.put("model", model);
    d.put("channel", channel);
    d.put("device", device);
    d.put("client_version", clientVersion);
    d.put("version", version);
    d.put("previous_version", previousVersion);
    d.put("period", Map.of("start", periodStart.toString(), "end", clock.instant().toString()));
    d.put("load_ms", load.summary());
    d.put("inference_ms", inference.summary());
    Map<String, Object> scores = new LinkedHashMap<>();
    Double[] bounds = new Double[BINS + 1];
    for (int i = 0; i <= BINS; i++) {
      bounds[i] = i / (double) BINS;
    }
    scores.put("statistic", "top_score");
    scores.put("bounds", List.of(bounds));
    Long[] counts = new Long[BINS];
    for (int i = 0; i < BINS; i++) {
      counts[i] = scoreBins[i];
    }
    scores.put("counts", List.of(counts));
    d.put("scores", scores);
    d.put("fallbacks", fallbacks);
    d.put("refusals", new LinkedHashMap<>(refusals));
    return d;
  }

  synchronized void reset() {
    load.clear();
    inference.clear();
    Arrays.fill(scoreBins, 0);
    refusals.clear();
    fallbacks = 0;
    periodStart = clock.instant();
  }

  /** POSTs a document as JSON; returns the HTTP status. */
  static int post(URI uri, String json, int timeoutMillis) throws IOException {
    HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
    try {
      c.setRequestMethod("POST");
      c.setConnectTimeout(timeoutMillis);
      c.setReadTimeout(timeoutMillis);
      c.setDoOutput(true);
      byte[] body = json.getBytes(StandardCharsets.UTF_8);
      c.setFixedLengthStreamingMode(body.length);
      c.setRequestProperty("Content-Type", "application/json");
      try (OutputStream out = c.getOutputStream()) {
        out.write(body);
      }
      int status = c.getResponseCode();
      (status < 400 ? c.getInputStream() : c.getErrorStream()).readAllBytes();
      return status;
    } finally {
      c.disconnect();
    }
  }
}

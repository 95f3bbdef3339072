package dev.modelfn.core.edge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelfn.codec.Json;
import dev.modelfn.errors.InvalidInputException;
import dev.modelfn.telemetry.Metrics;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A device's telemetry report ({@value #SCHEMA}, docs/edge.md): the model version in use, load and
 * inference latency percentiles, a histogram of the prediction scores, fallbacks and refusals over
 * one period. {@link #read} checks every field and names the first bad one by its JSON pointer;
 * {@link #record} turns a report into metrics with the dimensions of the server-side model's
 * ({@code Model}, {@code ModelVersion}), so that a dashboard shows the devices' figures of a version
 * beside the endpoint's.
 */
public final class EdgeTelemetry {
  public static final String SCHEMA = "modelfn-edge-telemetry/1";
  /** More bins than this are refused: the histogram is a summary, not raw data. */
  static final int MAX_BINS = 100;
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern DEVICE = Pattern.compile("[0-9a-f]{16}");
  private static final double MAX_COUNT = 1e12;

  private EdgeTelemetry() {}

  /** A latency summary in milliseconds; the percentiles are absent when {@code count} is 0. */
  public record Latency(long count, double p50, double p90, double p99, double max) {}

  /** A histogram of one score statistic: {@code counts[i]} scores fell in [{@code bounds[i]}, {@code bounds[i+1]}). */
  public record Histogram(String statistic, double[] bounds, long[] counts) {
    /** The mean of the scores, taking each bin's middle; NaN when the histogram is empty. */
    public double mean() {
      double sum = 0;
      long n = 0;
      for (int i = 0; i < counts.length; i++) {
        sum += counts[i] * (bounds[i] + bounds[i + 1]) / 2;
        n += counts[i];
      }
      return n == 0 ? Double.NaN : sum / n;
    }

    public long total() {
      long n = 0;
      for (long c : counts) {
        n += c;
      }
      return n;
    }
  }

  /** One report, as read and checked. */
  public record Report(String model, String channel, String device, String clientVersion, long version,
      Long previousVersion, Instant periodStart, Instant periodEnd, Latency load, Latency inference,
      Histogram scores, long fallbacks, Map<String, Long> refusals) {

    public long refusalCount() {
      return refusals.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** Reads a report; every problem is an {@link InvalidInputException} naming the field. */
  public static Report read(JsonNode doc) {
    if (!doc.isObject()) {
      throw new InvalidInputException("", "a telemetry object (" + SCHEMA + ")", Json.describe(doc));
    }
    String schema = text(doc, "schema", null);
    if (!SCHEMA.equals(schema)) {
      throw new InvalidInputException("/schema", "\"" + SCHEMA + "\"", Json.describe(doc.path("schema")));
    }
    String model = text(doc, "model", TOKEN);
    String channel = text(doc, "channel", TOKEN);
    String device = text(doc, "device", DEVICE);
    String clientVersion = text(doc, "client_version", TOKEN);
    long version = count(doc.get("version"), "/version", 1);
    JsonNode prev = doc.get("previous_version");
    Long previous = prev == null || prev.isNull() ? null : count(prev, "/previous_version", 1);
    JsonNode period = object(doc, "period");
    Instant start = instant(period, "/period/start");
    Instant end = instant(period, "/period/end");
    if (end.isBefore(start)) {
      throw new InvalidInputException("/period/end", "an instant not before /period/start (" + start + ")", end.toString());
    }
    Latency load = latency(object(doc, "load_ms"), "/load_ms");
    Latency inference = latency(object(doc, "inference_ms"), "/inference_ms");
    Histogram scores = histogram(object(doc, "scores"));
    long fallbacks = count(doc.get("fallbacks"), "/fallbacks", 0);
    Map<String, Long> refusals = new LinkedHashMap<>();
    JsonNode r = doc.get("refusals");
    if (r != null && !r.isNull()) {
      if (!r.isObject()) {
        throw new InvalidInputException("/refusals", "an object of counts by reason", Json.describe(r));
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = r.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String pointer = "/refusals/" + e.getKey().replace("~", "~0").replace("/", "~1");
        if (!TOKEN.matcher(e.getKey()).matches() || refusals.size() >= 32) {
          throw new InvalidInputException(pointer, "at most 32 reasons, each a name such as POINTER_EXPIRED", e.getKey());
        }
        refusals.put(e.getKey(), count(e.getValue(), pointer, 0));
      }
    }
    return new Report(model, channel, device, clientVersion, version, previous, start, end, load, inference, scores,
        fallbacks, Map.copyOf(refusals));
  }

  /**
   * Records a report as one metrics entry: {@code EdgeReports}, {@code EdgeInferences}, the inference
   * and load percentiles, {@code EdgeScoreMean}, {@code EdgeFallbacks} and {@code EdgeRefusals};
   * the channel, device, period and the histogram itself go with it as properties.
   */
  public static void record(Report r, Metrics.Factory metrics) {
    Metrics.Entry e = metrics.forDimensions(Metrics.modelDimensions(r.model(), Long.toString(r.version()))).entry()
        .metric("EdgeReports", 1, "Count")
        .metric("EdgeInferences", r.inference().count(), "Count");
    if (r.inference().count() > 0) {
      e.metric("EdgeInferenceP50", r.inference().p50(), "Milliseconds")
          .metric("EdgeInferenceP90", r.inference().p90(), "Milliseconds")
          .metric("EdgeInferenceP99", r.inference().p99(), "Milliseconds");
    }
    if (r.load().count() > 0) {
      e.metric("EdgeLoadP50", r.load().p50(), "Milliseconds");
    }
    double mean = r.scores().mean();
    if (!Double.isNaN(mean)) {
      e.metric("EdgeScoreMean", mean, "None");
    }
    e.metric("EdgeFallbacks", r.fallbacks(), "Count")
        .metric("EdgeRefusals", r.refusalCount(), "Count")
        .property("channel", r.channel())
        .property("device", r.device())
        .property("client_version", r.clientVersion())
        .property("previous_version", r.previousVersion())
        .property("period_start", r.periodStart().toString())
        .property("period_end", r.periodEnd().toString())
        .property("score_statistic", r.scores().statistic())
        .property("score_bounds", java.util.Arrays.stream(r.scores().bounds()).boxed().toList())
        .property("score_counts", java.util.Arrays.stream(r.scores().counts()).boxed().toList())
        .property("refusals", r.refusals().isEmpty() ? null : r.refusals().toString())
        .emit();
  }

  private static String text(JsonNode doc, String field, Pattern shape) {
    JsonNode v = doc.get(field);
    if (v == null || !v.isTextual() || (shape != null && !shape.matcher(v.asText()).matches())) {
      String expected = shape == DEVICE ? "16 lower-case hex digits (the device's hashed id)"
          : shape == TOKEN ? "a name of 1 to 64 letters, digits, '.', '_' or '-'" : "a string";
      throw new InvalidInputException("/" + field, expected, Json.describe(v));
    }
    return v.asText();
  }

  private static JsonNode object(JsonNode doc, String field) {
    JsonNode v = doc.get(field);
    if (v == null || !v.isObject()) {
      throw new InvalidInputException("/" + field, "an object", Json.describe(v));
    }
    return v;
  }

  private static long count(JsonNode v, String pointer, long min) {
    if (v == null || !v.isIntegralNumber() || v.asDouble() < min || v.asDouble() > MAX_COUNT) {
      throw new InvalidInputException(pointer, "an integer from " + min + " to 10^12", Json.describe(v));
    }
    return v.asLong();
  }

  private static double millis(JsonNode summary, String pointer) {
    JsonNode v = summary.get(pointer.substring(pointer.lastIndexOf('/') + 1));
    if (v == null || !v.isNumber() || !Double.isFinite(v.asDouble()) || v.asDouble() < 0 || v.asDouble() > 8.64e7) {
      throw new InvalidInputException(pointer, "milliseconds, a number from 0 to 86400000", Json.describe(v));
    }
    return v.asDouble();
  }

  private static Instant instant(JsonNode period, String pointer) {
    JsonNode v = period.get(pointer.substring(pointer.lastIndexOf('/') + 1));
    try {
      if (v != null && v.isTextual()) {
        return Instant.parse(v.asText());
      }
    } catch (DateTimeParseException e) {
      // reported below
    }
    throw new InvalidInputException(pointer, "an ISO-8601 instant such as 2026-12-03T10:00:00Z", Json.describe(v));
  }

  private static Latency latency(JsonNode s, String at) {
    long count = count(s.get("count"), at + "/count", 0);
    if (count == 0) {
      return new Latency(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    double p50 = millis(s, at + "/p50");
    double p90 = millis(s, at + "/p90");
    double p99 = millis(s, at + "/p99");
    double max = millis(s, at + "/max");
    if (p90 < p50 || p99 < p90 || max < p99) {
      throw new InvalidInputException(at, "percentiles in order: p50 <= p90 <= p99 <= max",
          p50 + ", " + p90 + ", " + p99 + ", " + max);
    }
    return new Latency(count, p50, p90, p99, max);
  }

  private static Histogram histogram(JsonNode s) {
    String statistic = text(s, "statistic", TOKEN);
    JsonNode b = s.get("bounds");
    JsonNode c = s.get("counts");
    if (b == null || !b.isArray() || b.size() < 2 || b.size() > MAX_BINS + 1) {
      throw new InvalidInputException("/scores/bounds", "an array of 2 to " + (MAX_BINS + 1) + " increasing numbers",
          Json.describe(b));
    }
    if (c == null || !c.isArray() || c.size() != b.size() - 1) {
      throw new InvalidInputException("/scores/counts", "an array of " + (b.size() - 1) + " counts (one per bin)",
          Json.describe(c));
    }
    double[] bounds = new double[b.size()];
    for (int i = 0; i < bounds.length; i++) {
      JsonNode v = b.get(i);
      if (!v.isNumber() || !Double.isFinite(v.asDouble()) || (i > 0 && v.asDouble() <= bounds[i - 1])) {
        throw new InvalidInputException("/scores/bounds/" + i, "a finite number above the bound before it",
            Json.describe(v));
      }
      bounds[i] = v.asDouble();
    }
    long[] counts = new long[c.size()];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = count(c.get(i), "/scores/counts/" + i, 0);
    }
    return new Histogram(statistic, bounds, counts);
  }
}

package dev.modelfn.telemetry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metrics port: a function records what a request or batch cost and produced as one {@link
 * Entry}; each platform brings the implementation that turns entries into its metrics (CloudWatch
 * Embedded Metric Format on AWS Lambda). An implementation is made per model, with the dimensions
 * it puts on every metric (for example {@code Model} and {@code ModelVersion}).
 */
public interface Metrics {
  /** Records one entry. Never throws: metrics must not fail a request. */
  void record(Entry entry);

  /** Starts an entry; {@link Entry#emit()} records it here. */
  default Entry entry() {
    return new Entry(this);
  }

  /** Metrics that record nothing (tests, functions with metrics turned off). */
  Metrics NONE = entry -> {};

  /** Makes the metrics of one model: {@code dimensions} in the order they nest. */
  @FunctionalInterface
  interface Factory {
    Metrics forDimensions(Map<String, String> dimensions);

    /** A factory of {@link #NONE}. */
    Factory NONE = dimensions -> Metrics.NONE;
  }

  /** The dimensions modelfn puts on the metrics of a model: {@code Model}, then {@code ModelVersion}. */
  static Map<String, String> modelDimensions(String model, String version) {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("Model", model);
    d.put("ModelVersion", version);
    return Collections.unmodifiableMap(d);
  }

  /** One measurement: a value in a CloudWatch-style unit ({@code Milliseconds}, {@code Count}, {@code None}). */
  record Metric(String name, double value, String unit) {}

  /** Metrics with units plus searchable properties, recorded together. */
  final class Entry {
    private final Metrics target;
    private final List<Metric> metrics = new ArrayList<>(6);
    private final Map<String, Object> properties = new LinkedHashMap<>();

    Entry(Metrics target) {
      this.target = target;
    }

    /** Adds a metric; {@code unit} is a unit such as {@code Milliseconds}, {@code Count} or {@code None}. */
    public Entry metric(String name, double value, String unit) {
      metrics.add(new Metric(name, value, unit));
      return this;
    }

    /** Adds a duration, given in nanoseconds, as milliseconds to the microsecond ({@code 73456} → 0.073). */
    public Entry millis(String name, long nanos) {
      long micros = (Math.abs(nanos) + 500) / 1000;
      return metric(name, (nanos < 0 ? -micros : micros) / 1000.0, "Milliseconds");
    }

    /** Adds a property: recorded with the metrics, searchable, not a dimension. Null values are left out. */
    public Entry property(String name, Object value) {
      if (value != null) {
        properties.put(name, value);
      }
      return this;
    }

    public List<Metric> metrics() {
      return Collections.unmodifiableList(metrics);
    }

    public Map<String, Object> properties() {
      return Collections.unmodifiableMap(properties);
    }

    /** Records the entry with the metrics it was started from. */
    public void emit() {
      target.record(this);
    }
  }
}

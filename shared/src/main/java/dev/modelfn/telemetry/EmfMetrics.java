package dev.modelfn.telemetry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CloudWatch Embedded Metric Format writer: each {@link Entry} becomes one JSON line on standard
 * output, which CloudWatch turns into metrics with no API call.
 * See https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html.
 */
public final class EmfMetrics {
  private final String namespace;
  private final boolean enabled;
  private final Map<String, String> dimensions;
  /** {@code ,"Model":"fraud","ModelVersion":"1"}: the same on every document. */
  private final String dimensionValues;
  /** The {@code _aws} declaration after the timestamp, per list of metric names and units. */
  private final Map<String, String> declarations = new ConcurrentHashMap<>();

  /**
   * @param dimensions dimension names and values put on every metric (for example {@code Model}
   *     and {@code ModelVersion}); metrics are emitted for each prefix of this list as a dimension
   *     set, so they can be read per model and per model version
   */
  public EmfMetrics(String namespace, boolean enabled, Map<String, String> dimensions) {
    this.namespace = namespace;
    this.enabled = enabled;
    this.dimensions = new LinkedHashMap<>(dimensions);
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, String> d : this.dimensions.entrySet()) {
      b.append(',');
      JsonText.string(b, d.getKey());
      b.append(':');
      JsonText.string(b, d.getValue());
    }
    this.dimensionValues = b.toString();
  }

  public Entry entry() {
    return new Entry();
  }

  private String declaration(List<String[]> metrics) {
    StringBuilder key = new StringBuilder(64);
    for (String[] m : metrics) {
      key.append(m[0]).append('/').append(m[1]).append(';');
    }
    return declarations.computeIfAbsent(key.toString(), k -> {
      StringBuilder b = new StringBuilder(256);
      b.append(",\"CloudWatchMetrics\":[{\"Namespace\":");
      JsonText.string(b, namespace);
      b.append(",\"Dimensions\":[");
      List<String> names = new ArrayList<>(dimensions.keySet());
      for (int n = 1; n <= names.size(); n++) {
        b.append(n > 1 ? ",[" : "[");
        for (int i = 0; i < n; i++) {
          if (i > 0) {
            b.append(',');
          }
          JsonText.string(b, names.get(i));
        }
        b.append(']');
      }
      b.append("],\"Metrics\":[");
      for (int i = 0; i < metrics.size(); i++) {
        b.append(i > 0 ? ",{\"Name\":" : "{\"Name\":");
        JsonText.string(b, metrics.get(i)[0]);
        b.append(",\"Unit\":");
        JsonText.string(b, metrics.get(i)[1]);
        b.append('}');
      }
      b.append("]}]}");
      return b.toString();
    });
  }

  /** One EMF document: metrics with units plus searchable properties. */
  public final class Entry {
    private final List<String[]> metrics = new ArrayList<>(6);
    /** A Double, or a Long of nanoseconds written as milliseconds. */
    private final List<Object> values = new ArrayList<>(6);
    private final List<Object[]> properties = new ArrayList<>(4);

    /** Adds a metric; {@code unit} is a CloudWatch unit such as {@code Milliseconds} or {@code Count}. */
    public Entry metric(String name, double value, String unit) {
      metrics.add(new String[] {name, unit});
      values.add(value);
      return this;
    }

    /**
     * Adds a duration in milliseconds, given in nanoseconds and written with microsecond precision
     * ({@code 0.073}): cheaper to format than a double on the request path, and as precise as
     * CloudWatch is useful.
     */
    public Entry millis(String name, long nanos) {
      metrics.add(new String[] {name, "Milliseconds"});
      values.add(nanos);
      return this;
    }

    /** Adds a property: logged with the metrics, searchable in Logs Insights, not a dimension. */
    public Entry property(String name, Object value) {
      if (value != null) {
        properties.add(new Object[] {name, value});
      }
      return this;
    }

    /** Writes the document as one line (hand-built: it runs on every request). */
    public void emit() {
      if (!enabled) {
        return;
      }
      StringBuilder b = new StringBuilder(512);
      b.append("{\"_aws\":{\"Timestamp\":").append(System.currentTimeMillis()).append(declaration(metrics))
          .append(dimensionValues);
      for (int i = 0; i < metrics.size(); i++) {
        b.append(',');
        JsonText.string(b, metrics.get(i)[0]);
        b.append(':');
        if (values.get(i) instanceof Long nanos) {
          JsonText.millis(b, nanos);
        } else {
          JsonText.number(b, (Double) values.get(i));
        }
      }
      for (Object[] p : properties) {
        b.append(',');
        JsonText.string(b, (String) p[0]);
        b.append(':');
        if (p[1] instanceof Integer || p[1] instanceof Long) {
          b.append(((Number) p[1]).longValue());
        } else if (p[1] instanceof Number num) {
          JsonText.number(b, num.doubleValue());
        } else {
          JsonText.string(b, String.valueOf(p[1]));
        }
      }
      b.append('}').append('\n');
      // as bytes in one write: no character encoder between the line and the stream
      byte[] line = b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      JsonLogger.sink().write(line, 0, line.length);
    }
  }
}

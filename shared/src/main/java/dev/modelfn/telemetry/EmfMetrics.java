package dev.modelfn.telemetry;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.modelfn.codec.Json;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CloudWatch Embedded Metric Format writer: each {@link Entry} becomes one JSON line on standard
 * output, which CloudWatch turns into metrics with no API call.
 * See https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html.
 */
public final class EmfMetrics {
  private final String namespace;
  private final boolean enabled;
  private final Map<String, String> dimensions;

  /**
   * @param dimensions dimension names and values put on every metric (for example {@code Model}
   *     and {@code ModelVersion}); metrics are emitted for each prefix of this list as a dimension
   *     set, so they can be read per model and per model version
   */
  public EmfMetrics(String namespace, boolean enabled, Map<String, String> dimensions) {
    this.namespace = namespace;
    this.enabled = enabled;
    this.dimensions = new LinkedHashMap<>(dimensions);
  }

  public Entry entry() {
    return new Entry();
  }

  /** One EMF document: metrics with units plus searchable properties. */
  public final class Entry {
    private final List<String[]> metrics = new ArrayList<>(6);
    private final List<Object> values = new ArrayList<>(6);
    private final List<Object[]> properties = new ArrayList<>(4);

    /** Adds a metric; {@code unit} is a CloudWatch unit such as {@code Milliseconds} or {@code Count}. */
    public Entry metric(String name, double value, String unit) {
      metrics.add(new String[] {name, unit});
      values.add(value);
      return this;
    }

    /** Adds a property: logged with the metrics, searchable in Logs Insights, not a dimension. */
    public Entry property(String name, Object value) {
      if (value != null) {
        properties.add(new Object[] {name, value});
      }
      return this;
    }

    public void emit() {
      if (!enabled) {
        return;
      }
      StringWriter w = new StringWriter(384);
      try (JsonGenerator g = Json.FACTORY.createGenerator(w)) {
        g.writeStartObject();
        g.writeObjectFieldStart("_aws");
        g.writeNumberField("Timestamp", System.currentTimeMillis());
        g.writeArrayFieldStart("CloudWatchMetrics");
        g.writeStartObject();
        g.writeStringField("Namespace", namespace);
        g.writeArrayFieldStart("Dimensions");
        List<String> names = new ArrayList<>(dimensions.keySet());
        for (int n = 1; n <= names.size(); n++) {
          g.writeStartArray();
          for (int k = 0; k < n; k++) {
            g.writeString(names.get(k));
          }
          g.writeEndArray();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("Metrics");
        for (String[] m : metrics) {
          g.writeStartObject();
          g.writeStringField("Name", m[0]);
          g.writeStringField("Unit", m[1]);
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndArray();
        g.writeEndObject();
        for (Map.Entry<String, String> d : dimensions.entrySet()) {
          g.writeStringField(d.getKey(), d.getValue());
        }
        for (int i = 0; i < metrics.size(); i++) {
          g.writeNumberField(metrics.get(i)[0], (Double) values.get(i));
        }
        for (Object[] p : properties) {
          g.writeFieldName((String) p[0]);
          if (p[1] instanceof Number num) {
            g.writeNumber(num.doubleValue());
          } else {
            g.writeString(String.valueOf(p[1]));
          }
        }
        g.writeEndObject();
      } catch (IOException e) {
        return;
      }
      JsonLogger.sink().println(w);
    }
  }
}

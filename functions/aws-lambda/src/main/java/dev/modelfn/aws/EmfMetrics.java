package dev.modelfn.aws;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.modelfn.codec.Json;
import dev.modelfn.telemetry.Logs;
import dev.modelfn.telemetry.Metrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metrics port on AWS: CloudWatch Embedded Metric Format. Each entry becomes one JSON line on
 * standard output, which CloudWatch Logs turns into metrics with no API call. Metrics are declared
 * for each prefix of the dimensions, so they can be read per model and per model version.
 * See https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html.
 */
public final class EmfMetrics implements Metrics {
  private final String namespace;
  private final boolean enabled;
  private final Map<String, String> dimensions;

  /**
   * @param dimensions dimension names and values put on every metric, in the order they nest
   */
  public EmfMetrics(String namespace, boolean enabled, Map<String, String> dimensions) {
    this.namespace = namespace;
    this.enabled = enabled;
    this.dimensions = new LinkedHashMap<>(dimensions);
  }

  /** The factory the handlers give the functions: one {@link EmfMetrics} per model. */
  public static Metrics.Factory factory(String namespace, boolean enabled) {
    return dimensions -> new EmfMetrics(namespace, enabled, dimensions);
  }

  @Override
  public void record(Metrics.Entry entry) {
    if (!enabled) {
      return;
    }
    byte[] line = line(entry, System.currentTimeMillis());
    Logs.sink().write(line, 0, line.length);
  }

  /** The entry's EMF document as one line, with its newline. */
  byte[] line(Metrics.Entry entry, long timestamp) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeObjectFieldStart("_aws");
      g.writeNumberField("Timestamp", timestamp);
      g.writeArrayFieldStart("CloudWatchMetrics");
      g.writeStartObject();
      g.writeStringField("Namespace", namespace);
      g.writeArrayFieldStart("Dimensions");
      List<String> names = new ArrayList<>(dimensions.keySet());
      for (int n = 1; n <= names.size(); n++) {
        g.writeStartArray();
        for (int i = 0; i < n; i++) {
          g.writeString(names.get(i));
        }
        g.writeEndArray();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("Metrics");
      for (Metrics.Metric m : entry.metrics()) {
        g.writeStartObject();
        g.writeStringField("Name", m.name());
        g.writeStringField("Unit", m.unit());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndArray();
      g.writeEndObject();
      for (Map.Entry<String, String> d : dimensions.entrySet()) {
        g.writeStringField(d.getKey(), d.getValue());
      }
      for (Metrics.Metric m : entry.metrics()) {
        g.writeFieldName(m.name());
        writeNumber(g, m.value());
      }
      for (Map.Entry<String, Object> p : entry.properties().entrySet()) {
        g.writeFieldName(p.getKey());
        writeProperty(g, p.getValue());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    out.write('\n');
    return out.toByteArray();
  }

  /** A property's value: numbers as numbers, lists as arrays, anything else as its text. */
  private static void writeProperty(JsonGenerator g, Object v) throws IOException {
    if (v instanceof Integer || v instanceof Long) {
      g.writeNumber(((Number) v).longValue());
    } else if (v instanceof Number num) {
      writeNumber(g, num.doubleValue());
    } else if (v instanceof java.util.List<?> list) {
      g.writeStartArray();
      for (Object o : list) {
        writeProperty(g, o);
      }
      g.writeEndArray();
    } else {
      g.writeString(String.valueOf(v));
    }
  }

  /** A finite number, integral values without a fraction; NaN and infinities (not JSON) as null. */
  private static void writeNumber(JsonGenerator g, double v) throws IOException {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      g.writeNull();
    } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      g.writeNumber((long) v);
    } else {
      g.writeNumber(v);
    }
  }
}

package dev.modelfn.gcp;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.modelfn.codec.Json;
import dev.modelfn.telemetry.Metrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The metrics port on Google Cloud: each entry is one structured log line (Cloud Logging's format,
 * as {@link CloudLoggingFormatter} writes them) that log-based metrics count and measure
 * (https://cloud.google.com/logging/docs/logs-based-metrics). The line has {@code message} {@value
 * #MESSAGE}, the namespace, the dimensions as fields and as entry labels, {@code metrics} (name →
 * value), {@code units} (name → unit) and the entry's properties. A distribution metric on {@code
 * jsonPayload.metrics.Latency} with the filter {@code jsonPayload.message="modelfn metrics"}, say,
 * gives the latency per {@code labels.Model}. No API is called: metrics never slow a request.
 */
public final class LogEntryMetrics implements Metrics {
  /** The message of every metrics line, for log-based metric filters. */
  public static final String MESSAGE = "modelfn metrics";

  private final String namespace;
  private final boolean enabled;
  private final Map<String, String> dimensions;
  private final CloudLoggingFormatter format;
  private final Supplier<PrintStream> out;

  /**
   * @param format the log format whose trace fields each line carries
   * @param out where lines go (standard output, where the function's logs go)
   */
  public LogEntryMetrics(String namespace, boolean enabled, Map<String, String> dimensions,
      CloudLoggingFormatter format, Supplier<PrintStream> out) {
    this.namespace = namespace;
    this.enabled = enabled;
    this.dimensions = new LinkedHashMap<>(dimensions);
    this.format = format;
    this.out = out;
  }

  /** The factory the platform gives the functions: one {@link LogEntryMetrics} per model. */
  public static Metrics.Factory factory(String namespace, boolean enabled, CloudLoggingFormatter format,
      Supplier<PrintStream> out) {
    return dimensions -> new LogEntryMetrics(namespace, enabled, dimensions, format, out);
  }

  @Override
  public void record(Metrics.Entry entry) {
    if (!enabled) {
      return;
    }
    try {
      byte[] line = line(entry, Instant.now());
      PrintStream s = out.get();
      s.write(line, 0, line.length);
      s.flush();
    } catch (RuntimeException e) {
      // metrics never fail a request
    }
  }

  /** The entry's log line, with its newline. */
  byte[] line(Metrics.Entry entry, Instant time) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
    try (JsonGenerator g = Json.FACTORY.createGenerator(bytes)) {
      g.writeStartObject();
      g.writeStringField("severity", "INFO");
      g.writeStringField("message", MESSAGE);
      g.writeStringField("time", time.toString());
      g.writeStringField("namespace", namespace);
      g.writeObjectFieldStart("logging.googleapis.com/labels");
      for (Map.Entry<String, String> d : dimensions.entrySet()) {
        g.writeStringField(d.getKey(), d.getValue());
      }
      g.writeEndObject();
      for (Map.Entry<String, String> d : dimensions.entrySet()) {
        g.writeStringField(d.getKey(), d.getValue());
      }
      g.writeObjectFieldStart("metrics");
      for (Metrics.Metric m : entry.metrics()) {
        g.writeFieldName(m.name());
        writeNumber(g, m.value());
      }
      g.writeEndObject();
      g.writeObjectFieldStart("units");
      for (Metrics.Metric m : entry.metrics()) {
        g.writeStringField(m.name(), m.unit());
      }
      g.writeEndObject();
      for (Map.Entry<String, Object> p : entry.properties().entrySet()) {
        if (!dimensions.containsKey(p.getKey())) {
          g.writeFieldName(p.getKey());
          dev.modelfn.telemetry.JsonLogFormatter.writeValue(g, p.getValue());
        }
      }
      format.writeTrace(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    bytes.write('\n');
    return bytes.toByteArray();
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

package dev.modelfn.gcp;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.modelfn.codec.Json;
import dev.modelfn.telemetry.JsonLogFormatter;
import dev.modelfn.gcp.internal.TraceContext;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.function.Supplier;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * modelfn's log lines in Cloud Logging's structured format: one JSON object per line on standard
 * output, which the Cloud Functions (Cloud Run) logging agent turns into a log entry with a {@code
 * jsonPayload} (https://cloud.google.com/logging/docs/structured-logging). Fields: {@code severity}
 * (from the JUL level: {@code DEBUG}, {@code INFO}, {@code WARNING}, {@code ERROR}), {@code
 * message}, {@code time}, {@code logger}, the record's key/value fields (its parameters,
 * alternating names and values, as {@code JsonLogger} passes them), and for an exception {@code
 * error_type}, {@code error_message} and {@code stack_trace} (which Error Reporting reads). While a
 * request with a {@code traceparent} or {@code X-Cloud-Trace-Context} header is served, {@code
 * logging.googleapis.com/trace}, {@code .../spanId} and {@code .../trace_sampled} tie the entry to
 * its trace.
 */
public class CloudLoggingFormatter extends Formatter {
  static final String TRACE = "logging.googleapis.com/trace";
  static final String SPAN_ID = "logging.googleapis.com/spanId";
  static final String TRACE_SAMPLED = "logging.googleapis.com/trace_sampled";

  private final Supplier<String> project;

  /** @param project the project id that traces belong to (asked for only when a trace is known; may give null) */
  public CloudLoggingFormatter(Supplier<String> project) {
    this.project = project;
  }

  @Override
  public String format(LogRecord record) {
    StringWriter w = new StringWriter(256);
    try (JsonGenerator g = Json.FACTORY.createGenerator(w)) {
      g.writeStartObject();
      g.writeStringField("severity", severity(record.getLevel()));
      g.writeStringField("message", record.getMessage() == null ? "" : record.getMessage());
      g.writeStringField("time", record.getInstant().toString());
      if (record.getLoggerName() != null) {
        g.writeStringField("logger", record.getLoggerName());
      }
      writeTrace(g);
      JsonLogFormatter.writeFields(g, record.getParameters());
      Throwable error = record.getThrown();
      if (error != null) {
        g.writeStringField("error_type", error.getClass().getName());
        g.writeStringField("error_message", String.valueOf(error.getMessage()));
        g.writeStringField("stack_trace", JsonLogFormatter.stackTrace(error));
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return w.append('\n').toString();
  }

  /** Cloud Logging's severity for a JUL level (https://cloud.google.com/logging/docs/reference/v2/rest/v2/LogEntry#LogSeverity). */
  public static String severity(Level level) {
    int v = level.intValue();
    if (v >= Level.SEVERE.intValue()) {
      return "ERROR";
    }
    if (v >= Level.WARNING.intValue()) {
      return "WARNING";
    }
    if (v >= Level.INFO.intValue()) {
      return "INFO";
    }
    return "DEBUG";
  }

  /** The trace fields of the current request, when there is one and the project is known. */
  void writeTrace(JsonGenerator g) throws IOException {
    var trace = TraceContext.current();
    if (trace.isEmpty()) {
      return;
    }
    String p = project.get();
    if (p == null || p.isBlank()) {
      g.writeStringField("trace_id", trace.get().traceId());
      return;
    }
    g.writeStringField(TRACE, "projects/" + p + "/traces/" + trace.get().traceId());
    if (trace.get().spanId() != null) {
      g.writeStringField(SPAN_ID, trace.get().spanId());
    }
    g.writeBooleanField(TRACE_SAMPLED, trace.get().sampled());
  }
}

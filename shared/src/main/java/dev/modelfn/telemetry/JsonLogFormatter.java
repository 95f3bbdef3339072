package dev.modelfn.telemetry;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.modelfn.codec.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * modelfn's default log format, one JSON object per line: {@code timestamp}, {@code level} ({@code
 * DEBUG}, {@code INFO}, {@code WARN}, {@code ERROR}), {@code logger}, {@code message}, then the
 * record's key/value fields (request id, model, route, error ...), and for an exception its {@code
 * error_type}, {@code error_message} and {@code stack_trace}. CloudWatch Logs Insights reads every
 * field. The key/value fields are the record's parameters, alternating names and values, as {@link
 * JsonLogger} passes them.
 */
public class JsonLogFormatter extends Formatter {
  @Override
  public String format(LogRecord record) {
    StringWriter w = new StringWriter(256);
    try (JsonGenerator g = Json.FACTORY.createGenerator(w)) {
      g.writeStartObject();
      g.writeStringField("timestamp", record.getInstant().toString());
      g.writeStringField("level", levelName(record.getLevel()));
      g.writeStringField("logger", record.getLoggerName());
      g.writeStringField("message", record.getMessage());
      writeFields(g, record.getParameters());
      Throwable error = record.getThrown();
      if (error != null) {
        g.writeStringField("error_type", error.getClass().getName());
        g.writeStringField("error_message", String.valueOf(error.getMessage()));
        g.writeStringField("stack_trace", stackTrace(error));
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException(e); // a StringWriter does not fail
    }
    return w.append(System.lineSeparator()).toString();
  }

  /** modelfn's level names for JUL's levels. */
  public static String levelName(Level level) {
    int v = level.intValue();
    if (v >= Level.SEVERE.intValue()) {
      return "ERROR";
    }
    if (v >= Level.WARNING.intValue()) {
      return "WARN";
    }
    if (v >= Level.INFO.intValue()) {
      return "INFO";
    }
    return "DEBUG";
  }

  /** Writes alternating names and values as fields; null values are left out. */
  public static void writeFields(JsonGenerator g, Object[] keyValues) throws IOException {
    if (keyValues == null) {
      return;
    }
    for (int i = 0; i + 1 < keyValues.length; i += 2) {
      Object v = keyValues[i + 1];
      if (v == null) {
        continue;
      }
      g.writeFieldName(String.valueOf(keyValues[i]));
      writeValue(g, v);
    }
  }

  public static String stackTrace(Throwable error) {
    StringWriter stack = new StringWriter();
    error.printStackTrace(new PrintWriter(stack));
    return stack.toString();
  }

  /**
   * Writes one field value: numbers as numbers (NaN and infinities as their names, which JSON has no
   * number for), booleans, collections as arrays, maps as objects, anything else as its text.
   */
  public static void writeValue(JsonGenerator g, Object v) throws IOException {
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        g.writeString(Double.toString(d));
      } else {
        g.writeNumber(d);
      }
    } else if (v instanceof Number n) {
      g.writeNumber(n.longValue());
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v instanceof java.util.Collection<?> c) {
      g.writeStartArray();
      for (Object o : c) {
        writeValue(g, o);
      }
      g.writeEndArray();
    } else if (v instanceof java.util.Map<?, ?> m) {
      g.writeStartObject();
      for (java.util.Map.Entry<?, ?> e : m.entrySet()) {
        g.writeFieldName(String.valueOf(e.getKey()));
        writeValue(g, e.getValue());
      }
      g.writeEndObject();
    } else {
      g.writeString(String.valueOf(v));
    }
  }
}

package dev.modelfn.telemetry;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.modelfn.codec.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Writes one JSON object per line: {@code timestamp}, {@code level}, {@code logger}, {@code
 * message}, then the given key/value fields (request id, model, route, error ...). Cheap when a
 * level is off: nothing is formatted.
 */
public final class JsonLogger {
  /** Log levels in increasing severity. */
  public enum Level {
    DEBUG,
    INFO,
    WARN,
    ERROR
  }

  private static volatile PrintStream sink = System.out;

  private final String name;
  private final Level threshold;

  public JsonLogger(String name, String level) {
    this.name = name;
    this.threshold = Level.valueOf(level.toUpperCase(Locale.ROOT));
  }

  /** Redirects every logger of the process (used by benchmarks and tests that capture output). */
  public static void setSink(PrintStream out) {
    sink = out;
  }

  public static PrintStream sink() {
    return sink;
  }

  public boolean enabled(Level level) {
    return level.ordinal() >= threshold.ordinal();
  }

  public void debug(String message, Object... keyValues) {
    log(Level.DEBUG, message, null, keyValues);
  }

  public void info(String message, Object... keyValues) {
    log(Level.INFO, message, null, keyValues);
  }

  public void warn(String message, Object... keyValues) {
    log(Level.WARN, message, null, keyValues);
  }

  public void error(String message, Throwable error, Object... keyValues) {
    log(Level.ERROR, message, error, keyValues);
  }

  /** Logs {@code message} with alternating keys and values; {@code error} adds its type, message and stack. */
  public void log(Level level, String message, Throwable error, Object... keyValues) {
    if (!enabled(level)) {
      return;
    }
    StringWriter w = new StringWriter(256);
    try (JsonGenerator g = Json.FACTORY.createGenerator(w)) {
      g.writeStartObject();
      g.writeStringField("timestamp", Instant.now().toString());
      g.writeStringField("level", level.name());
      g.writeStringField("logger", name);
      g.writeStringField("message", message);
      for (int i = 0; i + 1 < keyValues.length; i += 2) {
        Object v = keyValues[i + 1];
        if (v == null) {
          continue;
        }
        g.writeFieldName(String.valueOf(keyValues[i]));
        writeValue(g, v);
      }
      if (error != null) {
        g.writeStringField("error_type", error.getClass().getName());
        g.writeStringField("error_message", String.valueOf(error.getMessage()));
        StringWriter stack = new StringWriter();
        error.printStackTrace(new java.io.PrintWriter(stack));
        g.writeStringField("stack_trace", stack.toString());
      }
      g.writeEndObject();
    } catch (IOException e) {
      return; // a StringWriter does not fail
    }
    sink.println(w);
  }

  private static void writeValue(JsonGenerator g, Object v) throws IOException {
    if (v instanceof Number n) {
      if (n instanceof Double || n instanceof Float) {
        g.writeNumber(n.doubleValue());
      } else {
        g.writeNumber(n.longValue());
      }
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v instanceof List<?> l) {
      g.writeStartArray();
      for (Object o : l) {
        writeValue(g, o);
      }
      g.writeEndArray();
    } else {
      g.writeString(String.valueOf(v));
    }
  }
}

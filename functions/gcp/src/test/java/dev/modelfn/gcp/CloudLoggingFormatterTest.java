package dev.modelfn.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelfn.codec.Json;
import dev.modelfn.gcp.internal.TraceContext;
import dev.modelfn.telemetry.Metrics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Log lines and metric lines in Cloud Logging's structured format. */
class CloudLoggingFormatterTest {
  private final CloudLoggingFormatter format = new CloudLoggingFormatter(() -> "modelfn-demo");

  @AfterEach
  void noTrace() {
    TraceContext.clear();
  }

  private static JsonNode parse(String line) throws Exception {
    assertThat(line).endsWith("\n").doesNotContain("\n\n");
    return Json.mapper().readTree(line);
  }

  @Test
  void writesSeverityMessageAndTheKeyValueFields() throws Exception {
    LogRecord r = new LogRecord(Level.WARNING, "object refused");
    r.setLoggerName("dev.modelfn.batch");
    r.setParameters(new Object[] {"key", "x.csv", "rows", 12, "seconds", 0.5, "ok", true, "inputs", List.of("a", "b"),
        "absent", null});
    JsonNode line = parse(format.format(r));
    assertThat(line.path("severity").asText()).isEqualTo("WARNING");
    assertThat(line.path("message").asText()).isEqualTo("object refused");
    assertThat(line.path("logger").asText()).isEqualTo("dev.modelfn.batch");
    assertThat(line.path("key").asText()).isEqualTo("x.csv");
    assertThat(line.path("rows").asLong()).isEqualTo(12);
    assertThat(line.path("seconds").asDouble()).isEqualTo(0.5);
    assertThat(line.path("ok").asBoolean()).isTrue();
    assertThat(line.path("inputs")).hasSize(2);
    assertThat(line.has("absent")).isFalse();
    assertThat(line.has(CloudLoggingFormatter.TRACE)).as("no request, no trace").isFalse();
  }

  @Test
  void mapsEveryJulLevelToASeverity() {
    assertThat(CloudLoggingFormatter.severity(Level.SEVERE)).isEqualTo("ERROR");
    assertThat(CloudLoggingFormatter.severity(Level.WARNING)).isEqualTo("WARNING");
    assertThat(CloudLoggingFormatter.severity(Level.INFO)).isEqualTo("INFO");
    assertThat(CloudLoggingFormatter.severity(Level.FINE)).isEqualTo("DEBUG");
  }

  @Test
  void writesTheStackOfAnError() throws Exception {
    LogRecord r = new LogRecord(Level.SEVERE, "batch scoring failed");
    r.setThrown(new IllegalStateException("disk full"));
    JsonNode line = parse(format.format(r));
    assertThat(line.path("severity").asText()).isEqualTo("ERROR");
    assertThat(line.path("error_type").asText()).isEqualTo("java.lang.IllegalStateException");
    assertThat(line.path("error_message").asText()).isEqualTo("disk full");
    assertThat(line.path("stack_trace").asText()).contains("IllegalStateException: disk full").contains("\tat ");
  }

  @Test
  void tiesALineToTheTraceOfTraceparent() throws Exception {
    TraceContext.set(TraceContext.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", null).orElseThrow());
    JsonNode line = parse(format.format(new LogRecord(Level.INFO, "scored")));
    assertThat(line.path(CloudLoggingFormatter.TRACE).asText())
        .isEqualTo("projects/modelfn-demo/traces/4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(line.path(CloudLoggingFormatter.SPAN_ID).asText()).isEqualTo("00f067aa0ba902b7");
    assertThat(line.path(CloudLoggingFormatter.TRACE_SAMPLED).asBoolean()).isTrue();
  }

  @Test
  void readsXCloudTraceContextWhenThereIsNoTraceparent() {
    var t = TraceContext.parse(null, "105445aa7843bc8bf206b12000100000/1;o=1").orElseThrow();
    assertThat(t.traceId()).isEqualTo("105445aa7843bc8bf206b12000100000");
    assertThat(t.spanId()).isEqualTo("0000000000000001");
    assertThat(t.sampled()).isTrue();
    assertThat(TraceContext.parse("garbage", "not-a-trace")).isEmpty();
    assertThat(TraceContext.parse("00-00000000000000000000000000000000-00f067aa0ba902b7-01", null)).isEmpty();
  }

  @Test
  void writesMetricsAsOneLogEntryWithLabelsValuesAndUnits() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Metrics m = LogEntryMetrics.factory("modelfn", true, format, () -> out)
        .forDimensions(Metrics.modelDimensions("fraud", "1"));
    m.entry().metric("Predictions", 2, "Count").millis("Latency", 1_234_567).property("route", "v2-infer").emit();
    JsonNode line = parse(bytes.toString(StandardCharsets.UTF_8));
    assertThat(line.path("severity").asText()).isEqualTo("INFO");
    assertThat(line.path("message").asText()).isEqualTo(LogEntryMetrics.MESSAGE);
    assertThat(line.path("namespace").asText()).isEqualTo("modelfn");
    assertThat(line.path("logging.googleapis.com/labels"))
        .isEqualTo(Json.mapper().valueToTree(Map.of("Model", "fraud", "ModelVersion", "1")));
    assertThat(line.path("metrics").path("Predictions").asLong()).isEqualTo(2);
    assertThat(line.path("metrics").path("Latency").asDouble()).isEqualTo(1.235);
    assertThat(line.path("units").path("Latency").asText()).isEqualTo("Milliseconds");
    assertThat(line.path("route").asText()).isEqualTo("v2-infer");
    assertThat(line.has("_aws")).as("never CloudWatch EMF").isFalse();
    assertThat(Instant.parse(line.path("time").asText())).isBeforeOrEqualTo(Instant.now());
  }

  @Test
  void writesNothingWithMetricsOff() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    LogEntryMetrics.factory("modelfn", false, format, () -> out).forDimensions(Map.of()).entry()
        .metric("Predictions", 1, "Count").emit();
    assertThat(bytes.size()).isZero();
  }
}

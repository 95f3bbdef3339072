package dev.modelfn.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelfn.codec.Json;
import dev.modelfn.telemetry.Logs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmfMetricsTest {

  private static List<JsonNode> capture(Runnable r) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream previous = Logs.sink();
    Logs.setSink(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      r.run();
    } finally {
      Logs.setSink(previous);
    }
    return out.toString(StandardCharsets.UTF_8).lines().map(l -> Json.parse(l.getBytes(StandardCharsets.UTF_8)))
        .toList();
  }

  @Test
  void writesOneEmbeddedMetricFormatDocumentPerEntry() {
    Map<String, String> dims = new LinkedHashMap<>();
    dims.put("Model", "fraud");
    dims.put("ModelVersion", "3");
    EmfMetrics m = new EmfMetrics("modelfn", true, dims);
    List<JsonNode> docs = capture(() -> {
      m.entry().metric("Latency", 1.25, "Milliseconds").metric("Rows", 2, "Count").property("status", 200)
          .property("request_id", "a\"b\n").property("score_counts", List.of(0L, 3L, 1.5)).emit();
      m.entry().metric("Latency", 3, "Milliseconds").emit();
    });
    assertThat(docs).hasSize(2);
    JsonNode d = docs.get(0);
    JsonNode decl = d.at("/_aws/CloudWatchMetrics/0");
    assertThat(d.at("/_aws/Timestamp").asLong()).isPositive();
    assertThat(decl.at("/Namespace").asText()).isEqualTo("modelfn");
    assertThat(decl.at("/Dimensions").toString()).isEqualTo("[[\"Model\"],[\"Model\",\"ModelVersion\"]]");
    assertThat(decl.at("/Metrics").toString())
        .isEqualTo("[{\"Name\":\"Latency\",\"Unit\":\"Milliseconds\"},{\"Name\":\"Rows\",\"Unit\":\"Count\"}]");
    assertThat(d.at("/Model").asText()).isEqualTo("fraud");
    assertThat(d.at("/ModelVersion").asText()).isEqualTo("3");
    assertThat(d.at("/Latency").asDouble()).isEqualTo(1.25);
    assertThat(d.at("/Rows").asInt()).isEqualTo(2);
    assertThat(d.at("/status").asInt()).isEqualTo(200);
    assertThat(d.at("/request_id").asText()).isEqualTo("a\"b\n");
    assertThat(d.at("/score_counts").toString()).isEqualTo("[0,3,1.5]");
    assertThat(docs.get(1).at("/_aws/CloudWatchMetrics/0/Metrics")).hasSize(1);
    assertThat(docs.get(1).at("/Latency").asInt()).isEqualTo(3);
  }

  @Test
  void writesNanosecondDurationsAsMillisecondsToTheMicrosecond() {
    EmfMetrics m = new EmfMetrics("modelfn", true, Map.of("Model", "fraud"));
    long[] nanos = {0, 499, 500, 73_456, 1_000_000, 1_050_000, 12_345_678_901L, 5_000, 120_000, -73_456};
    String[] expected = {"0", "0", "0.001", "0.073", "1", "1.05", "12345.679", "0.005", "0.12", "-0.073"};
    for (int i = 0; i < nanos.length; i++) {
      long n = nanos[i];
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      PrintStream previous = Logs.sink();
      Logs.setSink(new PrintStream(out, true, StandardCharsets.UTF_8));
      try {
        m.entry().millis("Latency", n).emit();
      } finally {
        Logs.setSink(previous);
      }
      String line = out.toString(StandardCharsets.UTF_8);
      assertThat(line).as("%d ns", n).contains("\"Latency\":" + expected[i] + "}");
      assertThat(Json.parse(line.strip().getBytes(StandardCharsets.UTF_8)).at("/_aws/CloudWatchMetrics/0/Metrics/0/Unit")
          .asText()).isEqualTo("Milliseconds");
    }
  }

  @Test
  void writesNothingWhenDisabled() {
    EmfMetrics m = new EmfMetrics("modelfn", false, Map.of("Model", "fraud"));
    assertThat(capture(() -> m.entry().metric("Latency", 1, "Milliseconds").emit())).isEmpty();
  }
}

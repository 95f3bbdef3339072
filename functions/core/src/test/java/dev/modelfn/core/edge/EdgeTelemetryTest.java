package dev.modelfn.core.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.codec.Json;
import dev.modelfn.errors.InvalidInputException;
import dev.modelfn.telemetry.Metrics;
import dev.modelfn.testing.Fixtures;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EdgeTelemetryTest {
  static ObjectNode fixture() throws Exception {
    return (ObjectNode) Json.parse(Files.readAllBytes(Fixtures.path("edge/telemetry.json")));
  }

  @Test
  void readsTheDocumentedReport() throws Exception {
    EdgeTelemetry.Report r = EdgeTelemetry.read(fixture());
    assertThat(r.model()).isEqualTo("fraud");
    assertThat(r.version()).isEqualTo(2);
    assertThat(r.previousVersion()).isEqualTo(1L);
    assertThat(r.inference().count()).isEqualTo(1520);
    assertThat(r.inference().p99()).isEqualTo(0.21);
    assertThat(r.scores().total()).isEqualTo(1520);
    assertThat(r.refusalCount()).isEqualTo(1);
    // bin middles: 20×.55 + 100×.65 + 400×.75 + 600×.85 + 400×.95 over 1520
    assertThat(r.scores().mean()).isCloseTo((20 * .55 + 100 * .65 + 400 * .75 + 600 * .85 + 400 * .95) / 1520, 
        org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void recordsMetricsUnderTheReportedVersion() throws Exception {
    List<Map<String, String>> dims = new ArrayList<>();
    List<Metrics.Entry> entries = new ArrayList<>();
    EdgeTelemetry.record(EdgeTelemetry.read(fixture()), d -> {
      dims.add(d);
      return entries::add;
    });
    assertThat(dims).containsExactly(Metrics.modelDimensions("fraud", "2"));
    assertThat(entries).hasSize(1);
    Map<String, Double> values = new java.util.HashMap<>();
    entries.get(0).metrics().forEach(m -> values.put(m.name(), m.value()));
    assertThat(values).containsEntry("EdgeReports", 1.0).containsEntry("EdgeInferences", 1520.0)
        .containsEntry("EdgeInferenceP50", 0.061).containsEntry("EdgeInferenceP99", 0.21)
        .containsEntry("EdgeLoadP50", 38.2).containsEntry("EdgeFallbacks", 0.0).containsEntry("EdgeRefusals", 1.0)
        .containsKey("EdgeScoreMean");
    assertThat(entries.get(0).properties()).containsEntry("channel", "stable").containsEntry("device", "3f9c0b1e5a7d2c44");
  }

  @Test
  void anEmptyPeriodHasCountsButNoPercentiles() throws Exception {
    ObjectNode doc = fixture();
    doc.putObject("inference_ms").put("count", 0);
    ArrayNode counts = ((ObjectNode) doc.get("scores")).putArray("counts");
    for (int i = 0; i < 10; i++) {
      counts.add(0);
    }
    List<Metrics.Entry> entries = new ArrayList<>();
    EdgeTelemetry.record(EdgeTelemetry.read(doc), d -> entries::add);
    assertThat(entries.get(0).metrics()).extracting(Metrics.Metric::name)
        .contains("EdgeInferences").doesNotContain("EdgeInferenceP50", "EdgeScoreMean");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "/schema|schema|\"modelfn-edge-telemetry/1\"",
      "/model|model|a name of 1 to 64",
      "/device|device|16 lower-case hex digits",
      "/version|version|an integer from 1",
      "/period/end|period|not before /period/start",
      "/inference_ms/p90|inference_ms|milliseconds",
      "/inference_ms|inference_order|percentiles in order",
      "/scores/counts|counts_length|an array of 10 counts",
      "/scores/bounds/3|bounds_order|above the bound before it",
      "/scores/counts/2|negative_count|an integer from 0",
      "/refusals/a b|refusal_name|at most 32 reasons"})
  void aBadFieldIsNamedByItsPointer(String pointer, String damage, String expected) throws Exception {
    ObjectNode doc = fixture();
    Map<String, Consumer<ObjectNode>> damages = Map.ofEntries(
        Map.entry("schema", d -> d.put("schema", "modelfn-edge-telemetry/2")),
        Map.entry("model", d -> d.put("model", "")),
        Map.entry("device", d -> d.put("device", "raw-device-id-123")),
        Map.entry("version", d -> d.put("version", 0)),
        Map.entry("period", d -> ((ObjectNode) d.get("period")).put("end", "2026-12-01T00:00:00Z")),
        Map.entry("inference_ms", d -> ((ObjectNode) d.get("inference_ms")).put("p90", "fast")),
        Map.entry("inference_order", d -> ((ObjectNode) d.get("inference_ms")).put("p99", 0.01)),
        Map.entry("counts_length", d -> ((ArrayNode) d.get("scores").get("counts")).remove(0)),
        Map.entry("bounds_order", d -> ((ArrayNode) d.get("scores").get("bounds")).set(3, 0.1)),
        Map.entry("negative_count", d -> ((ArrayNode) d.get("scores").get("counts")).set(2, -1)),
        Map.entry("refusal_name", d -> ((ObjectNode) d.get("refusals")).put("a b", 1)));
    damages.get(damage).accept(doc);
    assertThatThrownBy(() -> EdgeTelemetry.read(doc))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.pointer()).isEqualTo(pointer))
        .hasMessageContaining(expected);
  }

  @Test
  void notAnObjectIsRefused() {
    JsonNode array = Json.parse("[1]".getBytes());
    assertThatThrownBy(() -> EdgeTelemetry.read(array)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("a telemetry object");
  }
}

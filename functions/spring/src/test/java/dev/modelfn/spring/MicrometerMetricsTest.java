package dev.modelfn.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelfn.telemetry.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The metrics port on Micrometer: units to meter types, dotted names, the model's dimensions as tags. */
class MicrometerMetricsTest {

  @Test
  void recordsMillisecondsAsTimersCountsAsCountersAndTheRestAsSummaries() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Metrics metrics = MicrometerMetrics.factory(registry, "modelfn", true)
        .forDimensions(Metrics.modelDimensions("fraud", "3"));

    metrics.entry().metric("ModelLatency", 2.5, "Milliseconds").metric("ClientErrors", 1, "Count")
        .metric("Confidence", 0.75, "None").property("request_id", "r-1").emit();

    var timer = registry.get("modelfn.model.latency").tag("Model", "fraud").tag("ModelVersion", "3").timer();
    assertThat(timer.count()).isEqualTo(1);
    assertThat(timer.totalTime(TimeUnit.MICROSECONDS)).isEqualTo(2500);
    assertThat(registry.get("modelfn.client.errors").counter().count()).isEqualTo(1);
    assertThat(registry.get("modelfn.confidence").summary().totalAmount()).isEqualTo(0.75);
    assertThat(registry.getMeters()).hasSize(3); // properties are not meters
  }

  @Test
  void recordsNothingWhenMetricsAreOff() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MicrometerMetrics.factory(registry, "modelfn", false).forDimensions(Metrics.modelDimensions("fraud", "3"))
        .entry().metric("Latency", 1, "Milliseconds").emit();
    assertThat(registry.getMeters()).isEmpty();
  }

  @Test
  void namesMetersInDottedLowerCase() {
    assertThat(MicrometerMetrics.meterName("InferenceLatency")).isEqualTo("inference.latency");
    assertThat(MicrometerMetrics.meterName("modelfn")).isEqualTo("modelfn");
    assertThat(MicrometerMetrics.meterName("My_Namespace")).isEqualTo("my.namespace");
  }
}

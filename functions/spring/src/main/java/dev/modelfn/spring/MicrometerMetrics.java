package dev.modelfn.spring;

import dev.modelfn.telemetry.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The metrics port in a Spring application: each entry's metrics as Micrometer meters (seen at
 * {@code /actuator/metrics}, and by whatever registry the application adds, Prometheus say), named
 * {@code <namespace>.<metric>} in Micrometer's dotted lower case ({@code Latency} in namespace
 * {@code modelfn} is {@code modelfn.latency}) and tagged with the model's dimensions. Milliseconds
 * become timers, counts counters, other units distribution summaries; an entry's properties (per
 * request, not dimensions) are not kept.
 */
final class MicrometerMetrics implements Metrics {
  private static final Logger LOG = Logger.getLogger(MicrometerMetrics.class.getName());

  private final MeterRegistry registry;
  private final String prefix;
  private final List<Tag> tags;

  private MicrometerMetrics(MeterRegistry registry, String prefix, List<Tag> tags) {
    this.registry = registry;
    this.prefix = prefix;
    this.tags = List.copyOf(tags);
  }

  /** A factory of metrics in {@code namespace}, or of none where metrics are off. */
  static Metrics.Factory factory(MeterRegistry registry, String namespace, boolean enabled) {
    if (!enabled || registry == null) {
      return Metrics.Factory.NONE;
    }
    String prefix = meterName(namespace) + ".";
    return dimensions -> {
      List<Tag> tags = new ArrayList<>();
      for (Map.Entry<String, String> d : dimensions.entrySet()) {
        tags.add(Tag.of(d.getKey(), d.getValue()));
      }
      return new MicrometerMetrics(registry, prefix, tags);
    };
  }

  @Override
  public void record(Entry entry) {
    try {
      for (Metric m : entry.metrics()) {
        String name = prefix + meterName(m.name());
        switch (m.unit()) {
          case "Milliseconds" -> Timer.builder(name).tags(tags).register(registry)
              .record(Duration.ofNanos(Math.round(m.value() * 1_000_000)));
          case "Count" -> Counter.builder(name).tags(tags).register(registry).increment(m.value());
          default -> DistributionSummary.builder(name).tags(tags).register(registry).record(m.value());
        }
      }
    } catch (RuntimeException e) {
      // metrics never fail a request
      LOG.log(Level.WARNING, "metrics not recorded", e);
    }
  }

  /** {@code InferenceLatency} → {@code inference.latency}; {@code modelfn} stays {@code modelfn}. */
  static String meterName(String name) {
    StringBuilder out = new StringBuilder(name.length() + 4);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isUpperCase(c) && i > 0 && !Character.isUpperCase(name.charAt(i - 1))
          && out.charAt(out.length() - 1) != '.') {
        out.append('.');
      }
      out.append(c == '_' || c == '-' || c == '/' ? '.' : Character.toLowerCase(c));
    }
    return out.toString().toLowerCase(Locale.ROOT);
  }
}

package dev.modelfn.cdk;

import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Metric;

/**
 * The functions' CloudWatch EMF metrics (namespace {@code modelfn}, dimension {@code Model}): {@code
 * Latency}, {@code ModelLatency}, {@code Rows}, {@code Errors}, {@code ClientErrors}, {@code
 * Confidence} from predict; {@code Records*} from streams; {@code ShadowAgreement}, {@code
 * ShadowLatencyDelta} from the shadow.
 */
final class ModelMetrics {
  static final String NAMESPACE = "modelfn";
  private final Map<String, String> dims;

  ModelMetrics(ModelPackage p) {
    this.dims = Map.of("Model", p.modelName());
  }

  Metric sum(String name, Duration period) {
    return stat(name, "Sum", period);
  }

  Metric stat(String name, String statistic, Duration period) {
    return Metric.Builder.create().namespace(NAMESPACE).metricName(name).dimensionsMap(dims).statistic(statistic)
        .period(period).build();
  }
}

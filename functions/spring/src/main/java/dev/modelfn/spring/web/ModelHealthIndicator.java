package dev.modelfn.spring.web;

import dev.modelfn.core.predict.PredictHttpFunction;
import dev.modelfn.model.ModelMetadata;
import dev.modelfn.spring.SpringPlatform;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The {@code model} health component: UP when the model is loaded and ready (the predictor the
 * platform handed to the function, asked directly, so that probes neither count as requests in the
 * metrics nor write log lines), OUT_OF_SERVICE otherwise. It is part of the readiness group
 * ({@code /actuator/health/readiness}, see application.properties), so a container platform sends
 * traffic only to an instance whose model is loaded; liveness does not depend on it.
 */
@Component("model")
public class ModelHealthIndicator implements HealthIndicator {
  private final SpringPlatform platform;
  private final PredictHttpFunction function;

  public ModelHealthIndicator(SpringPlatform platform, PredictHttpFunction function) {
    this.platform = platform;
    this.function = function;
  }

  @Override
  public Health health() {
    ModelMetadata md = function.metadata();
    Health.Builder health = platform.modelsReady() ? Health.up() : Health.outOfService();
    return health.withDetail("model", md.name()).withDetail("version", md.version()).build();
  }
}

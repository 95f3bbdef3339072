package dev.modelfn.spring.web;

import dev.modelfn.core.http.HttpRequest;
import dev.modelfn.core.http.HttpResponse;
import dev.modelfn.core.predict.PredictHttpFunction;
import dev.modelfn.model.ModelMetadata;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The {@code model} health component: UP when the model answers ready (the function's own
 * {@code GET /v2/health/ready}), OUT_OF_SERVICE otherwise. It is part of the readiness group
 * ({@code /actuator/health/readiness}, see application.properties), so a container platform sends
 * traffic only to an instance whose model is loaded; liveness does not depend on it.
 */
@Component("model")
public class ModelHealthIndicator implements HealthIndicator {
  private final PredictHttpFunction function;

  public ModelHealthIndicator(PredictHttpFunction function) {
    this.function = function;
  }

  @Override
  public Health health() {
    ModelMetadata md = function.metadata();
    HttpResponse ready = function.apply(new HttpRequest("GET", "/v2/health/ready", Map.of(), Map.of(), null,
        "health-check"));
    Health.Builder health = ready.status() == 200 ? Health.up() : Health.outOfService();
    return health.withDetail("model", md.name()).withDetail("version", md.version()).build();
  }
}

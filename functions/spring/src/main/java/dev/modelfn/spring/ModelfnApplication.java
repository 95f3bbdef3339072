package dev.modelfn.spring;

import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.core.platform.Functions;
import dev.modelfn.core.predict.PredictHttpFunction;
import dev.modelfn.model.ModelMetadata;
import dev.modelfn.spring.web.PredictHttpController;
import dev.modelfn.telemetry.JsonLogger;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * The model as a Spring Boot web application: the HTTP surface of docs/http-api.md (OIP v2, v1,
 * SageMaker's {@code /invocations} and {@code /ping}, the async routes where configured) on
 * {@code server.port} (8080, or {@code PORT} where the platform sets it, as Cloud Run does), and
 * {@code /actuator/health} with liveness and readiness (ready once the model is loaded). For a
 * container on Cloud Run, ECS or Kubernetes (a KServe custom predictor): see docs/spring.md.
 *
 * <p>Spring Cloud Function's function catalog is left out here: the web application serves the
 * HTTP surface and nothing else, so there is no {@code RoutingFunction} and no function a request
 * could name. The Lambda functions are {@link dev.modelfn.spring.lambda.LambdaFunctions}.
 */
@SpringBootApplication(scanBasePackageClasses = PredictHttpController.class, excludeName = {
    "org.springframework.cloud.function.context.config.ContextFunctionCatalogAutoConfiguration",
    "org.springframework.cloud.function.context.config.FunctionsEndpointAutoConfiguration",
    "org.springframework.cloud.function.cloudevent.CloudEventsFunctionExtensionConfiguration",
    "org.springframework.cloud.function.context.config.KotlinLambdaToFunctionAutoConfiguration",
    "org.springframework.cloud.function.observability.ObservationAutoConfiguration"})
public class ModelfnApplication {

  public static void main(String[] args) {
    SpringApplication.run(ModelfnApplication.class, args);
  }

  /**
   * The core's ports in this application, over the environment the core reads: the process
   * environment, overridden by Spring's properties of the same names.
   */
  @Bean
  SpringPlatform springPlatform(ConfigurableEnvironment environment, ObjectProvider<MeterRegistry> meterRegistry) {
    return new SpringPlatform(ModelfnEnvironment.from(environment), meterRegistry.getIfAvailable());
  }

  @Bean
  ModelfnConfig modelfnConfig(SpringPlatform springPlatform) {
    return ModelfnConfig.from(springPlatform.env());
  }

  /** The HTTP surface, with the model loaded before the application takes traffic. */
  @Bean
  PredictHttpFunction predictHttpFunction(SpringPlatform springPlatform, ModelfnConfig modelfnConfig) {
    PredictHttpFunction function = Functions.predictHttp(springPlatform.env(), springPlatform);
    ModelMetadata md = function.metadata();
    new JsonLogger("dev.modelfn.spring.web", modelfnConfig.logLevel())
        .info("model loaded", "model", md.name(), "model_version", md.version(), "platform", md.platform());
    return function;
  }
}

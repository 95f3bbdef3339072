package dev.modelfn.spring.lambda;

import dev.modelfn.spring.ModelfnEnvironment;
import org.springframework.boot.context.event.ApplicationStartingEvent;
import org.springframework.context.ApplicationListener;

/**
 * Starts building the pinned function the moment Spring Boot starts an application of {@link
 * LambdaFunctions} (registered in {@code META-INF/spring.factories}), from the process environment
 * and system properties ({@code SPRING_CLOUD_FUNCTION_DEFINITION} or {@code
 * spring.cloud.function.definition}, the {@code MODELFN_*} variables): the model then loads while
 * Spring prepares its environment and context instead of after. Does nothing in any other
 * application (the web application) or without a definition there.
 */
public final class EarlyStart implements ApplicationListener<ApplicationStartingEvent> {

  @Override
  public void onApplicationEvent(ApplicationStartingEvent event) {
    if (!event.getSpringApplication().getAllSources().contains(LambdaFunctions.class)) {
      return;
    }
    String definition = System.getProperty("spring.cloud.function.definition");
    if (definition == null) {
      definition = System.getenv("SPRING_CLOUD_FUNCTION_DEFINITION");
    }
    LambdaFunctions.startEarly(definition, ModelfnEnvironment.fromProcess());
  }
}

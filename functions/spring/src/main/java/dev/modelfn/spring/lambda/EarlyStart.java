package dev.modelfn.spring.lambda;

import dev.modelfn.spring.ModelfnEnvironment;
import org.springframework.boot.context.event.ApplicationStartingEvent;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.util.ClassUtils;

/**
 * Starts building the pinned function the moment Spring Boot starts an application of {@link
 * LambdaFunctions} (registered in {@code META-INF/spring.factories}), from the process environment
 * and system properties ({@code SPRING_CLOUD_FUNCTION_DEFINITION} or {@code
 * spring.cloud.function.definition}, the {@code MODELFN_*} variables): the model then loads while
 * Spring prepares its environment and context instead of after. Does nothing in any other
 * application (the web application) or without a definition there.
 *
 * <p>It runs first among Spring Boot's listeners, so that it also decides the logging system
 * before Boot's own listener makes one: the Lambda package carries no Logback (Spring's and the
 * AWS SDK's log lines go to SLF4J's no-op provider there, as in the plain Lambda package; modelfn
 * logs through {@code java.util.logging}), and without Logback Boot would pick its {@code
 * java.util.logging} system, which resets every JUL handler, modelfn's included, while the
 * function is being built. So, when Logback is absent and {@code org.springframework.boot.logging.LoggingSystem}
 * is not set, it is set to {@code none}: Boot leaves logging alone.
 */
public final class EarlyStart implements ApplicationListener<ApplicationStartingEvent>, Ordered {
  private static final String LOGBACK = "ch.qos.logback.classic.LoggerContext";

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }

  @Override
  public void onApplicationEvent(ApplicationStartingEvent event) {
    if (!event.getSpringApplication().getAllSources().contains(LambdaFunctions.class)) {
      return;
    }
    if (System.getProperty(LoggingSystem.SYSTEM_PROPERTY) == null
        && !ClassUtils.isPresent(LOGBACK, EarlyStart.class.getClassLoader())) {
      System.setProperty(LoggingSystem.SYSTEM_PROPERTY, LoggingSystem.NONE);
    }
    String definition = System.getProperty("spring.cloud.function.definition");
    if (definition == null) {
      definition = System.getenv("SPRING_CLOUD_FUNCTION_DEFINITION");
    }
    LambdaFunctions.startEarly(definition, ModelfnEnvironment.fromProcess());
  }
}

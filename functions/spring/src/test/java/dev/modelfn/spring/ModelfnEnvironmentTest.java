package dev.modelfn.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** The modelfn variables from Spring's environment: Spring's sources over the process environment, by precedence. */
class ModelfnEnvironmentTest {

  @Test
  void takesModelfnAndAwsNamesFromSpringsSourcesByPrecedence() {
    StandardEnvironment environment = new StandardEnvironment();
    environment.getPropertySources().addFirst(new MapPropertySource("high", Map.of("MODELFN_MAX_INSTANCES", "8",
        "server.port", "9090")));
    environment.getPropertySources().addLast(new MapPropertySource("low", Map.of("MODELFN_MAX_INSTANCES", "99",
        "MODELFN_LOG_LEVEL", "WARN", "AWS_ENDPOINT_URL", "http://127.0.0.1:4566", "modelfn_lower", "x")));

    Map<String, String> env = ModelfnEnvironment.from(environment);

    assertThat(env).containsEntry("MODELFN_MAX_INSTANCES", "8").containsEntry("MODELFN_LOG_LEVEL", "WARN")
        .containsEntry("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")
        .doesNotContainKeys("server.port", "modelfn_lower");
    // the process environment is underneath
    System.getenv().forEach((k, v) -> {
      if (!k.startsWith("MODELFN_") && !k.startsWith("AWS_")) {
        assertThat(env).containsEntry(k, v);
      }
    });
  }

  @Test
  void systemPropertiesOverrideTheProcessEnvironmentBeforeSpringStarts() {
    System.setProperty("MODELFN_MODEL_NAME", "from-property");
    try {
      assertThat(ModelfnEnvironment.fromProcess()).containsEntry("MODELFN_MODEL_NAME", "from-property");
    } finally {
      System.clearProperty("MODELFN_MODEL_NAME");
    }
  }
}

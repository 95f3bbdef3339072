package dev.modelfn.spring.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelfn.core.platform.Functions;
import dev.modelfn.core.predict.PredictHttpFunction;
import dev.modelfn.spring.SpringPlatform;
import dev.modelfn.testing.Fixtures;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

/** Readiness follows the model the platform handed out: none yet is not ready; a loaded one is. */
class ModelHealthIndicatorTest {

  @Test
  void isUpOnceTheModelTheFunctionServesIsLoaded() {
    Map<String, String> env = Fixtures.fraudEnv();
    SpringPlatform platform = new SpringPlatform(env, null);
    assertThat(platform.modelsReady()).as("no model handed out yet").isFalse();

    PredictHttpFunction function = Functions.predictHttp(env, platform);
    var health = new ModelHealthIndicator(platform, function).health();

    assertThat(health.getStatus()).isEqualTo(Status.UP);
    assertThat(health.getDetails()).containsEntry("model", "fraud").containsEntry("version", "1");
  }
}

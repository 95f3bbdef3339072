package dev.modelfn.spring.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelfn.aws.AwsPlatform;
import dev.modelfn.testing.Fixtures;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SnapStart priming of the {@code predict} bean: every serving route in both event formats answers 200. */
class PredictEventFunctionTest {

  @Test
  void primesEveryServingRouteBeforeACheckpoint() {
    Map<String, String> env = Fixtures.fraudEnv();
    PredictEventFunction function = new PredictEventFunction(env, new AwsPlatform(env));

    byte[][] events = PredictEventFunction.primingEvents(function.function().metadata());
    assertThat(events.length).isEqualTo(4);
    // 25 rounds of: OIP v2 infer (HTTP API), v1 predict (REST API), CSV /invocations, readiness
    assertThat(function.prime()).isEqualTo(25 * events.length);
  }
}

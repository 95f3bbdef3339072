package dev.modelfn.spring.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelfn.aws.AwsPlatform;
import dev.modelfn.testing.Fixtures;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SnapStart priming of the {@code predict} bean: every serving route answers 200. */
class PredictEventFunctionTest {

  @Test
  void primesEveryServingRouteBeforeACheckpoint() {
    Map<String, String> env = Fixtures.fraudEnv();
    PredictEventFunction function = new PredictEventFunction(env, new AwsPlatform(env));

    // 25 rounds of: OIP v2 infer, v1 predict, CSV /invocations, readiness
    assertThat(function.prime()).isEqualTo(dev.modelfn.core.predict.Priming.ROUNDS * 4);
  }
}

package dev.modelfn.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;

class ModelfnStackTest {
  @ParameterizedTest(name = "release={0}")
  @ValueSource(strings = {"canary", "shadow", "bluegreen", "none"})
  void leavesNoUnsuppressedNagErrors(String release) {
    App app = TestApps.app(Map.of("release", release));
    ModelfnStack stack = new ModelfnStack(app, "Modelfn", StackProps.builder().env(TestApps.ENV).build(),
        StackSettings.fromContext(app));
    assertThat(TestApps.nagErrors(stack)).isEmpty();
  }
}

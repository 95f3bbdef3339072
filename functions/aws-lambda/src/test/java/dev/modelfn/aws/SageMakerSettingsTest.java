package dev.modelfn.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelfn.config.EnvVars;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SageMakerSettingsTest {
  @Test
  void requiresTheEndpointAndDefaultsTheInputName() {
    assertThatThrownBy(() -> SageMakerSettings.from(Map.of(EnvVars.PREDICTOR, "sagemaker")))
        .hasMessageContaining("MODELFN_SAGEMAKER_ENDPOINT is not set");
    assertThat(SageMakerSettings.from(Map.of(EnvVars.SAGEMAKER_ENDPOINT, " fraud-ep ")))
        .isEqualTo(new SageMakerSettings("fraud-ep", "input"));
    assertThat(SageMakerSettings.from(Map.of(EnvVars.SAGEMAKER_ENDPOINT, "ep", EnvVars.SAGEMAKER_INPUT_NAME, "x")).inputName())
        .isEqualTo("x");
  }
}

package dev.modelfn.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelfnConfigTest {
  @Test
  void appliesDefaults() {
    ModelfnConfig c = ModelfnConfig.from(Map.of(EnvVars.MODEL_URI, "file:/m.onnx"));
    assertThat(c.predictor()).isEqualTo(PredictorKind.ONNX);
    assertThat(c.maxBodyBytes()).isEqualTo(6 * 1024 * 1024);
    assertThat(c.maxInstances()).isEqualTo(1000);
    assertThat(c.intraOpThreads()).isEqualTo(1);
    assertThat(c.metricsEnabled()).isTrue();
    assertThat(c.logLevel()).isEqualTo("INFO");
  }

  @Test
  void namesTheMissingModelUri() {
    assertThatThrownBy(() -> ModelfnConfig.from(Map.of()))
        .isInstanceOf(ModelfnException.class)
        .satisfies(e -> assertThat(((ModelfnException) e).problem()).isEqualTo(Problem.CONFIGURATION_ERROR))
        .hasMessageContaining("MODELFN_MODEL_URI is not set");
  }

  @Test
  void namesTheVariableWithAnInvalidValue() {
    assertThatThrownBy(() -> ModelfnConfig.from(Map.of(EnvVars.MODEL_URI, "x", EnvVars.MAX_INSTANCES, "lots")))
        .hasMessage("MODELFN_MAX_INSTANCES: expected a positive integer; found 'lots'");
    assertThatThrownBy(() -> ModelfnConfig.from(Map.of(EnvVars.MODEL_URI, "x", EnvVars.PREDICTOR, "torch")))
        .hasMessage("MODELFN_PREDICTOR: expected one of onnx, sagemaker; found 'torch'");
  }

  @Test
  void splitsFeatureNamesAndLabels() {
    ModelfnConfig c = ModelfnConfig.from(Map.of(EnvVars.PREDICTOR, "SageMaker", EnvVars.SAGEMAKER_ENDPOINT, "ep",
        EnvVars.FEATURE_NAMES, " a, b ,c", EnvVars.LABELS, "no,yes"));
    assertThat(c.featureNames()).containsExactly("a", "b", "c");
    assertThat(c.labels()).containsExactly("no", "yes");
  }
}

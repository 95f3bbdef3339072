package dev.modelfn.aws;

import dev.modelfn.config.EnvValues;
import dev.modelfn.config.EnvVars;
import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
import java.util.Map;

/**
 * The settings of a function backed by a SageMaker real-time endpoint ({@code MODELFN_PREDICTOR=sagemaker}):
 * the endpoint's name and the input tensor name it expects.
 */
public record SageMakerSettings(String endpoint, String inputName) {
  /** From the environment; the endpoint is required. */
  public static SageMakerSettings from(Map<String, String> env) {
    String endpoint = EnvValues.text(env, EnvVars.SAGEMAKER_ENDPOINT).orElseThrow(() -> new ModelfnException(
        Problem.CONFIGURATION_ERROR, EnvVars.SAGEMAKER_ENDPOINT + " is not set: expected the SageMaker endpoint name"
            + " when " + EnvVars.PREDICTOR + "=sagemaker"));
    return new SageMakerSettings(endpoint, EnvValues.text(env, EnvVars.SAGEMAKER_INPUT_NAME).orElse("input"));
  }
}

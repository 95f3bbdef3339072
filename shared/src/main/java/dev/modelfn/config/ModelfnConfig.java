package dev.modelfn.config;

import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Typed view of the environment. Built once per process with {@link #from(Map)}; every problem is
 * reported as a {@link dev.modelfn.errors.ModelfnException} of kind {@code CONFIGURATION_ERROR} naming the variable.
 */
public record ModelfnConfig(
    Optional<String> modelUri,
    Optional<String> modelName,
    Optional<String> modelVersion,
    PredictorKind predictor,
    Optional<String> sagemakerEndpoint,
    String sagemakerInputName,
    List<String> featureNames,
    List<String> labels,
    int maxBodyBytes,
    int maxInstances,
    Path modelCacheDir,
    int intraOpThreads,
    String logLevel,
    String metricsNamespace,
    boolean metricsEnabled) {

  public static final int DEFAULT_MAX_BODY_BYTES = 6 * 1024 * 1024;
  public static final int DEFAULT_MAX_INSTANCES = 1000;

  public ModelfnConfig {
    featureNames = List.copyOf(featureNames);
    labels = List.copyOf(labels);
    if (predictor == PredictorKind.ONNX && modelUri.isEmpty()) {
      throw new ModelfnException(Problem.CONFIGURATION_ERROR, 
          EnvVars.MODEL_URI
              + " is not set: expected the model location, e.g. file:/opt/models/fraud.onnx,"
              + " classpath:models/fraud/fraud.onnx or s3://bucket/models/fraud.onnx");
    }
    if (predictor == PredictorKind.SAGEMAKER && sagemakerEndpoint.isEmpty()) {
      throw new ModelfnException(Problem.CONFIGURATION_ERROR, 
          EnvVars.SAGEMAKER_ENDPOINT + " is not set: expected the SageMaker endpoint name when "
              + EnvVars.PREDICTOR + "=sagemaker");
    }
  }

  /** Parses the environment; unknown variables are ignored, invalid values are reported. */
  public static ModelfnConfig from(Map<String, String> env) {
    return new ModelfnConfig(
        opt(env, EnvVars.MODEL_URI),
        opt(env, EnvVars.MODEL_NAME),
        opt(env, EnvVars.MODEL_VERSION),
        predictor(env),
        opt(env, EnvVars.SAGEMAKER_ENDPOINT),
        opt(env, EnvVars.SAGEMAKER_INPUT_NAME).orElse("input"),
        opt(env, EnvVars.FEATURE_NAMES).map(ModelfnConfig::splitNames).orElse(List.of()),
        opt(env, EnvVars.LABELS).map(ModelfnConfig::splitNames).orElse(List.of()),
        positiveInt(env, EnvVars.MAX_BODY_BYTES, DEFAULT_MAX_BODY_BYTES),
        positiveInt(env, EnvVars.MAX_INSTANCES, DEFAULT_MAX_INSTANCES),
        Path.of(opt(env, EnvVars.MODEL_CACHE_DIR).orElse("/tmp/modelfn-models")),
        positiveInt(env, EnvVars.INTRA_OP_THREADS, 1),
        logLevel(env),
        opt(env, EnvVars.METRICS_NAMESPACE).orElse("modelfn"),
        bool(env, EnvVars.METRICS_ENABLED, true));
  }

  private static Optional<String> opt(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }

  private static PredictorKind predictor(Map<String, String> env) {
    String v = opt(env, EnvVars.PREDICTOR).orElse("onnx");
    try {
      return PredictorKind.valueOf(v.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ModelfnException(Problem.CONFIGURATION_ERROR, 
          EnvVars.PREDICTOR + ": expected one of onnx, sagemaker; found '" + v + "'");
    }
  }

  private static int positiveInt(Map<String, String> env, String name, int dflt) {
    Optional<String> v = opt(env, name);
    if (v.isEmpty()) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v.get());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ModelfnException(Problem.CONFIGURATION_ERROR, name + ": expected a positive integer; found '" + v.get() + "'");
  }

  private static boolean bool(Map<String, String> env, String name, boolean dflt) {
    Optional<String> v = opt(env, name);
    if (v.isEmpty()) {
      return dflt;
    }
    return switch (v.get().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default ->
          throw new ModelfnException(Problem.CONFIGURATION_ERROR, name + ": expected true or false; found '" + v.get() + "'");
    };
  }

  private static String logLevel(Map<String, String> env) {
    String v = opt(env, EnvVars.LOG_LEVEL).orElse("INFO").toUpperCase(Locale.ROOT);
    if (!List.of("DEBUG", "INFO", "WARN", "ERROR").contains(v)) {
      throw new ModelfnException(Problem.CONFIGURATION_ERROR, 
          EnvVars.LOG_LEVEL + ": expected DEBUG, INFO, WARN or ERROR; found '" + v + "'");
    }
    return v;
  }

  private static List<String> splitNames(String csv) {
    return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}

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
  }

  /** Parses the environment; unknown variables are ignored, invalid values are reported. */
  public static ModelfnConfig from(Map<String, String> env) {
    return new ModelfnConfig(
        EnvValues.text(env, EnvVars.MODEL_URI),
        EnvValues.text(env, EnvVars.MODEL_NAME),
        EnvValues.text(env, EnvVars.MODEL_VERSION),
        predictor(env),
        EnvValues.text(env, EnvVars.FEATURE_NAMES).map(ModelfnConfig::splitNames).orElse(List.of()),
        EnvValues.text(env, EnvVars.LABELS).map(ModelfnConfig::splitNames).orElse(List.of()),
        EnvValues.positiveInt(env, EnvVars.MAX_BODY_BYTES, DEFAULT_MAX_BODY_BYTES),
        EnvValues.positiveInt(env, EnvVars.MAX_INSTANCES, DEFAULT_MAX_INSTANCES),
        Path.of(EnvValues.text(env, EnvVars.MODEL_CACHE_DIR).orElse("/tmp/modelfn-models")),
        EnvValues.positiveInt(env, EnvVars.INTRA_OP_THREADS, 1),
        logLevel(env),
        EnvValues.text(env, EnvVars.METRICS_NAMESPACE).orElse("modelfn"),
        EnvValues.bool(env, EnvVars.METRICS_ENABLED, true));
  }

  private static PredictorKind predictor(Map<String, String> env) {
    String v = EnvValues.text(env, EnvVars.PREDICTOR).orElse("onnx");
    try {
      return PredictorKind.valueOf(v.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ModelfnException(Problem.CONFIGURATION_ERROR, 
          EnvVars.PREDICTOR + ": expected one of onnx, sagemaker; found '" + v + "'");
    }
  }

  private static String logLevel(Map<String, String> env) {
    String v = EnvValues.text(env, EnvVars.LOG_LEVEL).orElse("INFO").toUpperCase(Locale.ROOT);
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

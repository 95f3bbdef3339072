package dev.modelfn.cdk;

import java.util.Map;
import java.util.Objects;

/**
 * One function's own settings (the rest comes from {@link ModelPackage}).
 *
 * @param description what the function does, for the console
 * @param handler {@code class::method}
 * @param memoryMb memory (and with it CPU), 128 to 10240
 * @param timeoutSeconds 1 to 900
 * @param jvmOptions {@code JAVA_TOOL_OPTIONS}
 * @param snapStart SnapStart on published versions
 * @param reservedConcurrency reserved concurrency, or null for the account's pool
 * @param environment more modelfn variables (names from EnvVars)
 */
public record FunctionSettings(String description, String handler, int memoryMb, int timeoutSeconds,
    String jvmOptions, boolean snapStart, Integer reservedConcurrency, Map<String, String> environment) {
  public FunctionSettings {
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(jvmOptions, "jvmOptions");
    if (memoryMb < 128 || memoryMb > 10240) {
      throw new IllegalArgumentException(description + ": memoryMb must be 128 to 10240, got " + memoryMb);
    }
    if (timeoutSeconds < 1 || timeoutSeconds > 900) {
      throw new IllegalArgumentException(description + ": timeoutSeconds must be 1 to 900, got " + timeoutSeconds);
    }
    if (reservedConcurrency != null && reservedConcurrency < 0) {
      throw new IllegalArgumentException(description + ": reservedConcurrency must be 0 or more, got "
          + reservedConcurrency);
    }
    environment = Map.copyOf(environment == null ? Map.of() : environment);
  }
}

package dev.modelfn.local.lambda;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A function as a deployment template describes it.
 *
 * @param name the function name ({@code AWS_LAMBDA_FUNCTION_NAME})
 * @param handler the handler string, e.g. {@code dev.modelfn.aws.PredictHttpHandler::handleRequest}
 * @param code the deployment package: a zip (unpacked once into the cache) or a task-root folder
 * @param environment the function's environment variables
 * @param memoryMb the configured memory; the heap is sized from it as Lambda does
 * @param timeout the invocation timeout
 * @param jvmOptions extra JVM options, as {@code JAVA_TOOL_OPTIONS} would add them
 */
public record FunctionSpec(String name, String handler, Path code, Map<String, String> environment, int memoryMb,
    Duration timeout, List<String> jvmOptions) {

  public FunctionSpec {
    if (name == null || !name.matches("[A-Za-z0-9_-]{1,64}")) {
      throw new IllegalArgumentException("function name: expected 1-64 letters, digits, '-' or '_'; found '" + name
          + "'");
    }
    if (handler == null || handler.isBlank()) {
      throw new IllegalArgumentException("function " + name + ": handler is empty; expected Class::method");
    }
    if (memoryMb < 128 || memoryMb > 10_240) {
      throw new IllegalArgumentException("function " + name + ": memory " + memoryMb + " MB is outside 128-10240");
    }
    if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofMinutes(15)) > 0) {
      throw new IllegalArgumentException("function " + name + ": timeout " + timeout + " is outside 1 s-15 min");
    }
    environment = Map.copyOf(environment);
    jvmOptions = List.copyOf(jvmOptions);
  }

  /** The ARN the function has in the local cloud's account and region. */
  public String arn(String region, String account) {
    return "arn:aws:lambda:" + region + ":" + account + ":function:" + name;
  }
}

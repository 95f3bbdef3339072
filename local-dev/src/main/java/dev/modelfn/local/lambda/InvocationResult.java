package dev.modelfn.local.lambda;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * What an invocation returned, as the Lambda {@code Invoke} API reports it.
 *
 * @param requestId the invocation's request id
 * @param payload the response payload, or the error document when {@code functionError} is set
 * @param functionError null on success; {@code Unhandled} (or the runtime's error type) on failure
 * @param duration from hand-over to the runtime until its answer
 */
public record InvocationResult(String requestId, byte[] payload, String functionError, Duration duration) {

  public boolean failed() {
    return functionError != null;
  }

  public String payloadText() {
    return new String(payload, StandardCharsets.UTF_8);
  }
}

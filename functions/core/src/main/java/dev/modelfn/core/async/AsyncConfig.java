package dev.modelfn.core.async;

import dev.modelfn.config.EnvValues;
import dev.modelfn.config.EnvVars;
import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Asynchronous inference settings from the environment (names in {@link EnvVars}).
 *
 * @param bucket the data bucket holding jobs, inputs and results
 * @param queueUrl the job queue
 * @param deadLetterUrl where abandoned callbacks are recorded, if anywhere
 */
public record AsyncConfig(String bucket, String queueUrl, Optional<String> deadLetterUrl, String prefix,
    int inlineBytes, String allowCidrs, AsyncJobWorker.Settings delivery, Duration timeout) {

  /** The settings, or empty when the bucket or the queue is not set (async is then off). */
  public static Optional<AsyncConfig> from(Map<String, String> env) {
    Optional<String> bucket = EnvValues.text(env, EnvVars.DATA_BUCKET);
    Optional<String> queue = EnvValues.text(env, EnvVars.JOBS_QUEUE_URL);
    if (bucket.isEmpty() || queue.isEmpty()) {
      return Optional.empty();
    }
    int backoff = EnvValues.integer(env, EnvVars.CALLBACK_BACKOFF_SECONDS, 10, 0, 900);
    int cap = EnvValues.integer(env, EnvVars.CALLBACK_BACKOFF_MAX_SECONDS, 900, 1, 900);
    AsyncJobWorker.Settings delivery = new AsyncJobWorker.Settings(
        EnvValues.integer(env, EnvVars.CALLBACK_MAX_ATTEMPTS, 8, 1, 100), Duration.ofSeconds(backoff), Duration.ofSeconds(cap),
        1024 * 1024);
    String allow = EnvValues.text(env, EnvVars.CALLBACK_ALLOW_CIDRS).orElse("");
    try {
      new CallbackPolicy(allow, h -> new java.net.InetAddress[0]);
    } catch (IllegalArgumentException e) {
      throw new ModelfnException(Problem.CONFIGURATION_ERROR, EnvVars.CALLBACK_ALLOW_CIDRS + ": " + e.getMessage());
    }
    return Optional.of(new AsyncConfig(bucket.get(), queue.get(), EnvValues.text(env, EnvVars.CALLBACK_DLQ_URL),
        EnvValues.text(env, EnvVars.JOBS_PREFIX).orElse("jobs/"),
        EnvValues.integer(env, EnvVars.ASYNC_INLINE_BYTES, AsyncJobs.DEFAULT_INLINE_BYTES, 0, 190 * 1024), allow, delivery,
        Duration.ofSeconds(EnvValues.integer(env, EnvVars.CALLBACK_TIMEOUT_SECONDS, 10, 1, 120))));
  }

  /** How the worker polls a remote asynchronous endpoint, from the environment. */
  public static AsyncEndpoint.Polling polling(Map<String, String> env) {
    int first = EnvValues.integer(env, EnvVars.ASYNC_POLL_SECONDS, 5, 1, 900);
    int cap = EnvValues.integer(env, EnvVars.ASYNC_POLL_MAX_SECONDS, 60, 1, 900);
    int wait = EnvValues.integer(env, EnvVars.ASYNC_MAX_WAIT_SECONDS, 3600, 1, 7 * 24 * 3600);
    if (cap < first || wait < first) {
      throw new ModelfnException(Problem.CONFIGURATION_ERROR, EnvVars.ASYNC_POLL_MAX_SECONDS + " and " + EnvVars.ASYNC_MAX_WAIT_SECONDS
          + " must be at least " + EnvVars.ASYNC_POLL_SECONDS + " (" + first + ")");
    }
    return new AsyncEndpoint.Polling(java.time.Duration.ofSeconds(first), java.time.Duration.ofSeconds(cap),
        java.time.Duration.ofSeconds(wait));
  }

  /**
   * The callback signing secret given in the environment ({@code MODELFN_CALLBACK_SECRET}), as every
   * platform accepts it; a supplier of null when it is not set.
   */
  public static java.util.function.Supplier<dev.modelfn.callback.CallbackSigner> callbackSigner(Map<String, String> env) {
    Optional<String> secret = Optional.ofNullable(env.get(EnvVars.CALLBACK_SECRET)).filter(v -> !v.isEmpty());
    if (secret.isEmpty()) {
      return () -> null;
    }
    dev.modelfn.callback.CallbackSigner fixed;
    try {
      fixed = new dev.modelfn.callback.CallbackSigner(secret.get());
    } catch (IllegalArgumentException e) {
      throw new ModelfnException(Problem.CONFIGURATION_ERROR, EnvVars.CALLBACK_SECRET + ": " + e.getMessage());
    }
    return () -> fixed;
  }
}

package dev.modelfn.gcp;

import dev.modelfn.config.EnvValues;
import dev.modelfn.config.EnvVars;
import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
import dev.modelfn.telemetry.Logs;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** What every entry point does first: its platform from the environment, and modelfn's log format for Cloud Logging. */
final class GcpFunctions {
  private GcpFunctions() {}

  static GcpPlatform platform(Map<String, String> env) {
    GcpPlatform platform = new GcpPlatform(env);
    Logs.install(platform.logFormat());
    return platform;
  }

  /**
   * The environment as the core's composition root reads it: the job queue of {@code
   * dev.modelfn.core.async.AsyncConfig} ({@code MODELFN_JOBS_QUEUE_URL}, {@code
   * MODELFN_CALLBACK_DLQ_URL}) is the Pub/Sub topic of {@link GcpEnvVars#JOBS_TOPIC} (and {@link
   * GcpEnvVars#JOBS_DEAD_LETTER_TOPIC}) on Google Cloud. The SQS variables themselves are refused,
   * as is a jobs topic without the bucket that keeps the jobs: both would otherwise leave the async
   * routes silently off.
   */
  static Map<String, String> environment(Map<String, String> env) {
    Map<String, String> core = new HashMap<>(env);
    mapTo(core, env, GcpEnvVars.JOBS_TOPIC, EnvVars.JOBS_QUEUE_URL);
    mapTo(core, env, GcpEnvVars.JOBS_DEAD_LETTER_TOPIC, EnvVars.CALLBACK_DLQ_URL);
    if (EnvValues.text(env, GcpEnvVars.JOBS_TOPIC).isPresent() && EnvValues.text(env, EnvVars.DATA_BUCKET).isEmpty()) {
      throw new ModelfnException(Problem.CONFIGURATION_ERROR, GcpEnvVars.JOBS_TOPIC + " is set but "
          + EnvVars.DATA_BUCKET + " is not: asynchronous jobs, their inputs and results are kept in that Cloud"
          + " Storage bucket");
    }
    return Map.copyOf(core);
  }

  /**
   * {@link #environment} for the job worker, which cannot run without the jobs topic and the bucket:
   * a missing one is a configuration error naming the variable (the core's own message would name
   * the SQS variable).
   */
  static Map<String, String> workerEnvironment(Map<String, String> env) {
    if (EnvValues.text(env, GcpEnvVars.JOBS_TOPIC).isEmpty()) {
      throw new ModelfnException(Problem.CONFIGURATION_ERROR, GcpEnvVars.JOBS_TOPIC + " is not set: the job worker"
          + " needs the Pub/Sub topic it is subscribed to, where callback retries are published too");
    }
    if (EnvValues.text(env, EnvVars.DATA_BUCKET).isEmpty()) {
      throw new ModelfnException(Problem.CONFIGURATION_ERROR, EnvVars.DATA_BUCKET + " is not set: the job worker"
          + " reads jobs and writes results in that Cloud Storage bucket");
    }
    return environment(env);
  }

  private static void mapTo(Map<String, String> core, Map<String, String> env, String topicVar, String queueVar) {
    Optional<String> topic = EnvValues.text(env, topicVar);
    Optional<String> queue = EnvValues.text(env, queueVar);
    if (queue.isPresent() && !queue.equals(topic)) {
      throw new ModelfnException(Problem.CONFIGURATION_ERROR, queueVar + " names an SQS queue, which Google Cloud"
          + " Functions cannot use: unset it and set " + topicVar + " (a Pub/Sub topic) instead");
    }
    topic.ifPresent(t -> core.put(queueVar, t));
  }
}

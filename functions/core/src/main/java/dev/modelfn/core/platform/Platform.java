package dev.modelfn.core.platform;

import dev.modelfn.callback.CallbackSigner;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.core.async.AsyncConfig;
import dev.modelfn.core.async.AsyncEndpoint;
import dev.modelfn.core.async.JobQueue;
import dev.modelfn.core.async.JobStore;
import dev.modelfn.core.batch.Continuations;
import dev.modelfn.core.storage.BlobStore;
import dev.modelfn.core.stream.DeadLetters;
import dev.modelfn.core.stream.PredictionSink;
import dev.modelfn.model.Predictor;
import dev.modelfn.telemetry.Metrics;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The ports a platform gives the core: everything the functions need that differs between AWS
 * Lambda, Google Cloud Functions and a Spring application. An adapter module implements this once
 * (from its environment) and maps its events; {@link Functions} builds every function from the
 * environment and these ports. A port a function does not need is never asked for, so a platform
 * builds its clients lazily and reports a missing setting as a {@code CONFIGURATION_ERROR} naming
 * the variable. Logs need no port: the core logs through {@code java.util.logging}, and a platform
 * installs its formatter with {@code dev.modelfn.telemetry.Logs.install}.
 */
public interface Platform {
  /**
   * The configured model: in-process ONNX Runtime, fetching {@code file:}, {@code classpath:} and
   * the platform's own URIs ({@code s3://}, {@code gs://}), or a remote endpoint where the platform
   * has one.
   */
  Predictor predictor(ModelfnConfig config);

  /** The platform's metrics (CloudWatch EMF on AWS, log entries on Google Cloud). */
  Metrics.Factory metrics(String namespace, boolean enabled);

  /** The object store batch scoring and asynchronous jobs read and write. */
  BlobStore blobStore();

  /** Where a batch run that must stop early leaves its continuation. */
  Continuations continuations();

  /** Where stream inference publishes its predictions. */
  PredictionSink predictionSink();

  /** Where stream inference sends the records it cannot score. */
  DeadLetters deadLetters();

  /** The queue of asynchronous jobs ({@link AsyncConfig#queueUrl()}) and of callback retries. */
  JobQueue jobQueue(AsyncConfig config);

  /** Where asynchronous jobs, inputs and results are kept: the {@link #blobStore()} under the job prefix. */
  default JobStore jobStore(AsyncConfig config) {
    return new JobStore(blobStore(), config.bucket(), config.prefix());
  }

  /**
   * The callback signing secret, read again when the platform's secret store may have rotated it;
   * a supplier of null when none is configured (deliveries then fail, saying so).
   */
  Supplier<CallbackSigner> callbackSigner();

  /** What turns the async routes on, as the 501 they answer without it names it: the data bucket and the job queue. */
  default String asyncSettings() {
    return dev.modelfn.config.EnvVars.DATA_BUCKET + " and " + dev.modelfn.config.EnvVars.JOBS_QUEUE_URL;
  }

  /** A remote asynchronous endpoint that runs the jobs instead of the worker's own model, if configured. */
  default Optional<AsyncEndpoint> asyncEndpoint() {
    return Optional.empty();
  }
}

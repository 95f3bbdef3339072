package dev.modelfn.core.platform;

import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.core.batch.Continuations;
import dev.modelfn.core.http.JobRoutes;
import dev.modelfn.core.storage.BlobStore;
import dev.modelfn.core.stream.DeadLetters;
import dev.modelfn.core.stream.PredictionSink;
import dev.modelfn.model.Predictor;
import dev.modelfn.telemetry.Metrics;
import java.util.Optional;

/**
 * The ports a platform gives the core: everything the functions need that differs between AWS
 * Lambda, Google Cloud Functions and a Spring application. An adapter module implements this once
 * (from its environment) and maps its events; {@link Functions} builds every function from the
 * environment and these ports. A port a function does not need is never asked for, so a platform
 * builds its clients lazily and reports a missing setting as a {@code CONFIGURATION_ERROR} naming
 * the variable.
 */
public interface Platform {
  /**
   * The configured model: in-process ONNX Runtime, fetching {@code file:}, {@code classpath:} and
   * the platform's own URIs ({@code s3://}), or a remote endpoint where the platform has one.
   */
  Predictor predictor(ModelfnConfig config);

  /** The platform's metrics (CloudWatch EMF on AWS). */
  Metrics.Factory metrics(ModelfnConfig config);

  /** The object store batch scoring reads and writes. */
  BlobStore blobStore();

  /** Where a batch run that must stop early leaves its continuation. */
  Continuations continuations();

  /** Where stream inference publishes its predictions. */
  PredictionSink predictionSink();

  /** Where stream inference sends the records it cannot score. */
  DeadLetters deadLetters();

  /** The asynchronous job routes, or empty where asynchronous inference is not configured. */
  Optional<JobRoutes> jobs();
}

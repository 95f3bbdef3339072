package dev.modelfn.spring;

import dev.modelfn.aws.AwsPlatform;
import dev.modelfn.callback.CallbackSigner;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.core.async.AsyncConfig;
import dev.modelfn.core.async.AsyncEndpoint;
import dev.modelfn.core.async.JobQueue;
import dev.modelfn.core.batch.Continuations;
import dev.modelfn.core.platform.Platform;
import dev.modelfn.core.storage.BlobStore;
import dev.modelfn.core.stream.DeadLetters;
import dev.modelfn.core.stream.PredictionSink;
import dev.modelfn.model.Predictor;
import dev.modelfn.telemetry.Metrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * The core's ports in the Spring web application: metrics through Micrometer (the application's
 * {@code MeterRegistry}); the model and every other port as on AWS ({@link AwsPlatform}: models from
 * {@code file:}, {@code classpath:} or {@code s3://}, or a SageMaker endpoint; S3 and SQS for the
 * async routes where they are configured). A port the web application does not use is never built.
 * The models it loads are closed with the application.
 */
public final class SpringPlatform implements Platform, AutoCloseable {
  private final Map<String, String> env;
  private final AwsPlatform aws;
  private final MeterRegistry registry;
  private final List<Predictor> predictors = new CopyOnWriteArrayList<>();

  /** @param registry the application's meter registry, or null for no metrics */
  public SpringPlatform(Map<String, String> env, MeterRegistry registry) {
    this.env = Map.copyOf(env);
    this.aws = new AwsPlatform(env);
    this.registry = registry;
  }

  /** The environment the platform was made from: what the functions built on it read. */
  public Map<String, String> env() {
    return env;
  }

  @Override
  public Predictor predictor(ModelfnConfig config) {
    Predictor predictor = aws.predictor(config);
    predictors.add(predictor);
    return predictor;
  }

  /**
   * Closes the models this platform loaded (ONNX Runtime sessions): Spring calls it when the
   * application stops, after the web server has finished the requests in flight.
   */
  @Override
  public void close() {
    for (Predictor p : predictors) {
      p.close();
    }
    predictors.clear();
  }

  /** True when every model this platform has handed out is ready (and one has been). */
  public boolean modelsReady() {
    return !predictors.isEmpty() && predictors.stream().allMatch(Predictor::ready);
  }

  @Override
  public Metrics.Factory metrics(String namespace, boolean enabled) {
    return MicrometerMetrics.factory(registry, namespace, enabled);
  }

  @Override
  public BlobStore blobStore() {
    return aws.blobStore();
  }

  @Override
  public Continuations continuations() {
    return aws.continuations();
  }

  @Override
  public PredictionSink predictionSink() {
    return aws.predictionSink();
  }

  @Override
  public DeadLetters deadLetters() {
    return aws.deadLetters();
  }

  @Override
  public JobQueue jobQueue(AsyncConfig config) {
    return aws.jobQueue(config);
  }

  @Override
  public Supplier<CallbackSigner> callbackSigner() {
    return aws.callbackSigner();
  }

  @Override
  public Optional<AsyncEndpoint> asyncEndpoint() {
    return aws.asyncEndpoint();
  }
}

package dev.modelfn.core.platform;

import dev.modelfn.callback.CallbackSigner;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.core.async.AsyncConfig;
import dev.modelfn.core.async.AsyncEndpoint;
import dev.modelfn.core.async.JobQueue;
import dev.modelfn.core.batch.Continuations;
import dev.modelfn.core.batch.InMemoryBlobStore;
import dev.modelfn.core.storage.BlobStore;
import dev.modelfn.core.stream.DeadLetters;
import dev.modelfn.core.stream.PredictionSink;
import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
import dev.modelfn.model.ModelLoader;
import dev.modelfn.model.OnnxPredictor;
import dev.modelfn.model.Predictor;
import dev.modelfn.telemetry.Metrics;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A platform whose ports live in memory, for tests of the composition root (this module's and
 * tests/'s): models loaded in process from {@code file:} and {@code classpath:}, the data bucket an
 * {@link InMemoryBlobStore}, the job queue, its dead letters and batch continuations lists, metrics
 * entries kept. It counts the predictors it makes and closes them on {@link #close()}. Stream sinks
 * and dead letters are not among its ports: asking for them is the configuration error a platform
 * answers when they are not set.
 */
public final class InMemoryPlatform implements Platform, AutoCloseable {
  public final InMemoryBlobStore blobs = new InMemoryBlobStore(0);
  public final List<byte[]> queued = new CopyOnWriteArrayList<>();
  public final List<byte[]> deadLettered = new CopyOnWriteArrayList<>();
  public final List<String> continued = new CopyOnWriteArrayList<>();
  public final List<Metrics.Entry> metrics = new CopyOnWriteArrayList<>();
  public final AtomicInteger predictorsMade = new AtomicInteger();
  private final List<Predictor> predictors = new CopyOnWriteArrayList<>();
  private volatile Optional<AsyncEndpoint> remote = Optional.empty();

  /** Jobs then go to {@code endpoint} instead of the worker's own model. */
  public void remote(AsyncEndpoint endpoint) {
    remote = Optional.of(endpoint);
  }

  @Override
  public Predictor predictor(ModelfnConfig config) {
    predictorsMade.incrementAndGet();
    Predictor p = OnnxPredictor.load(config, ModelLoader.local());
    predictors.add(p);
    return p;
  }

  @Override
  public Metrics.Factory metrics(String namespace, boolean enabled) {
    return dimensions -> metrics::add;
  }

  @Override
  public BlobStore blobStore() {
    return blobs;
  }

  @Override
  public Continuations continuations() {
    return continued::add;
  }

  @Override
  public PredictionSink predictionSink() {
    throw new ModelfnException(Problem.CONFIGURATION_ERROR, "no prediction sink on the in-memory platform");
  }

  @Override
  public DeadLetters deadLetters() {
    throw new ModelfnException(Problem.CONFIGURATION_ERROR, "no dead-letter place on the in-memory platform");
  }

  @Override
  public JobQueue jobQueue(AsyncConfig config) {
    return new JobQueue() {
      @Override
      public void send(byte[] message, int delaySeconds) {
        queued.add(message);
      }

      @Override
      public void deadLetter(byte[] message) {
        deadLettered.add(message);
      }
    };
  }

  @Override
  public Supplier<CallbackSigner> callbackSigner() {
    return () -> null;
  }

  @Override
  public Optional<AsyncEndpoint> asyncEndpoint() {
    return remote;
  }

  @Override
  public void close() {
    for (Predictor p : predictors) {
      p.close();
    }
  }
}

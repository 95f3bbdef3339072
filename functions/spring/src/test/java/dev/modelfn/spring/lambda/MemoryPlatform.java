package dev.modelfn.spring.lambda;

import dev.modelfn.aws.AwsPlatform;
import dev.modelfn.callback.CallbackSigner;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.core.async.AsyncConfig;
import dev.modelfn.core.async.JobQueue;
import dev.modelfn.core.batch.Continuations;
import dev.modelfn.core.batch.InMemoryBlobStore;
import dev.modelfn.core.platform.Platform;
import dev.modelfn.core.storage.BlobStore;
import dev.modelfn.core.stream.DeadLetters;
import dev.modelfn.core.stream.PredictionSink;
import dev.modelfn.model.Predictor;
import dev.modelfn.telemetry.Metrics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A platform whose object store, queues and continuations live in memory (the model is the local
 * file, as {@link AwsPlatform} loads it): the batch and async beans tested without any cloud.
 */
final class MemoryPlatform implements Platform {
  final InMemoryBlobStore blobs = new InMemoryBlobStore(0);
  final List<byte[]> queued = new CopyOnWriteArrayList<>();
  final List<String> continued = new CopyOnWriteArrayList<>();
  private final AwsPlatform local;

  MemoryPlatform(Map<String, String> env) {
    this.local = new AwsPlatform(env);
  }

  @Override
  public Predictor predictor(ModelfnConfig config) {
    return local.predictor(config);
  }

  @Override
  public Metrics.Factory metrics(String namespace, boolean enabled) {
    return Metrics.Factory.NONE;
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
    throw new UnsupportedOperationException("no sink here");
  }

  @Override
  public DeadLetters deadLetters() {
    throw new UnsupportedOperationException("no dead letters here");
  }

  @Override
  public JobQueue jobQueue(AsyncConfig config) {
    return new JobQueue() {
      @Override
      public void send(byte[] message, int delaySeconds) {
        queued.add(message);
      }

      @Override
      public void deadLetter(byte[] message) {}
    };
  }

  @Override
  public Supplier<CallbackSigner> callbackSigner() {
    return () -> null;
  }
}

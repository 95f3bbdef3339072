package dev.modelfn.spring.lambda;

import dev.modelfn.aws.AwsPlatform;
import dev.modelfn.callback.CallbackSigner;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.core.async.AsyncConfig;
import dev.modelfn.core.async.JobQueue;
import dev.modelfn.core.batch.Continuations;
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
  final MemoryBlobStore blobs = new MemoryBlobStore();
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

  /** Objects in a map, with entity tags and multipart uploads as S3 has them. */
  static final class MemoryBlobStore implements BlobStore {
    private record Stored(byte[] bytes, String etag) {}

    private final Map<String, Stored> objects = new ConcurrentHashMap<>();
    private final Map<String, Map<Integer, byte[]>> uploads = new ConcurrentHashMap<>();
    private final AtomicLong tags = new AtomicLong();

    private static String id(String bucket, String key) {
      return bucket + "/" + key;
    }

    Optional<byte[]> bytes(String bucket, String key) {
      return Optional.ofNullable(objects.get(id(bucket, key))).map(Stored::bytes);
    }

    @Override
    public Optional<Info> head(String bucket, String key) {
      return Optional.ofNullable(objects.get(id(bucket, key))).map(s -> new Info(s.bytes().length, s.etag()));
    }

    @Override
    public InputStream open(String bucket, String key, long from, String etag) {
      Stored s = objects.get(id(bucket, key));
      if (s == null || (etag != null && !etag.equals(s.etag()))) {
        throw new IllegalStateException("no object " + id(bucket, key) + " with entity tag " + etag);
      }
      return new ByteArrayInputStream(s.bytes(), (int) from, s.bytes().length - (int) from);
    }

    @Override
    public Optional<Blob> get(String bucket, String key) {
      return Optional.ofNullable(objects.get(id(bucket, key))).map(s -> new Blob(s.bytes(), s.etag()));
    }

    @Override
    public void put(String bucket, String key, byte[] bytes, String contentType) {
      objects.put(id(bucket, key), new Stored(bytes.clone(), "\"" + tags.incrementAndGet() + "\""));
    }

    @Override
    public synchronized boolean putIfAbsent(String bucket, String key, byte[] bytes, String contentType) {
      if (objects.containsKey(id(bucket, key))) {
        return false;
      }
      put(bucket, key, bytes, contentType);
      return true;
    }

    @Override
    public synchronized boolean putIfMatch(String bucket, String key, byte[] bytes, String contentType, String etag) {
      Stored s = objects.get(id(bucket, key));
      if (s == null || !s.etag().equals(etag)) {
        return false;
      }
      put(bucket, key, bytes, contentType);
      return true;
    }

    @Override
    public void delete(String bucket, String key) {
      objects.remove(id(bucket, key));
    }

    @Override
    public String startUpload(String bucket, String key, String contentType) {
      String uploadId = "upload-" + tags.incrementAndGet();
      uploads.put(uploadId, new ConcurrentHashMap<>());
      return uploadId;
    }

    @Override
    public String uploadPart(String bucket, String key, String uploadId, int number, byte[] bytes, int length) {
      uploads.get(uploadId).put(number, Arrays.copyOf(bytes, length));
      return "\"part-" + number + "\"";
    }

    @Override
    public void completeUpload(String bucket, String key, String uploadId, List<Part> parts) {
      Map<Integer, byte[]> stored = uploads.remove(uploadId);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      parts.stream().mapToInt(Part::number).sorted().forEach(n -> out.writeBytes(stored.get(n)));
      put(bucket, key, out.toByteArray(), null);
    }

    @Override
    public void abortUpload(String bucket, String key, String uploadId) {
      uploads.remove(uploadId);
    }
  }
}

package dev.modelfn.gcp;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.cloud.NoCredentials;
import com.google.cloud.ServiceOptions;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import dev.modelfn.callback.CallbackSigner;
import dev.modelfn.config.EnvValues;
import dev.modelfn.config.EnvVars;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.config.PredictorKind;
import dev.modelfn.core.async.AsyncConfig;
import dev.modelfn.core.async.AsyncEndpoint;
import dev.modelfn.core.async.JobQueue;
import dev.modelfn.core.batch.Continuations;
import dev.modelfn.core.platform.Platform;
import dev.modelfn.core.storage.BlobStore;
import dev.modelfn.core.stream.DeadLetters;
import dev.modelfn.core.stream.PredictionSink;
import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
import dev.modelfn.model.ModelLoader;
import dev.modelfn.model.OnnxPredictor;
import dev.modelfn.model.Predictor;
import dev.modelfn.telemetry.Logs;
import dev.modelfn.telemetry.Metrics;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The core's ports on Google Cloud Functions: models from {@code gs://} (or packaged), metrics as
 * Cloud Logging entries, Cloud Storage objects, Pub/Sub topics for predictions, dead letters and
 * batch continuations, and the job queue of asynchronous jobs ({@code PubSubJobQueue}; the jobs
 * themselves are kept in Cloud Storage by the core's default {@code jobStore}). Clients are made when
 * a port is first asked for, so a function builds only the clients it uses. {@code
 * STORAGE_EMULATOR_HOST} and {@code PUBSUB_EMULATOR_HOST} point them at local servers (plain HTTP
 * and plaintext gRPC, no credentials).
 *
 * <p>SageMaker and secrets from AWS Secrets Manager are AWS-only: asking for them is a configuration
 * error that says so.
 */
public final class GcpPlatform implements Platform {
  /** The upload prefix when {@link GcpEnvVars#UPLOAD_PREFIX} is not set. */
  public static final String DEFAULT_UPLOAD_PREFIX = ".modelfn-uploads/";

  private final Map<String, String> env;
  private final Supplier<PrintStream> out;
  private final CloudLoggingFormatter logFormat;
  private Storage storage;
  private String project;
  private boolean projectLookedUp;
  private final Map<String, Publisher> publishers = new HashMap<>();

  public GcpPlatform(Map<String, String> env) {
    this(env, Logs::sink);
  }

  /** @param out where metric lines go ({@link Logs#sink()}: standard output, unless redirected) */
  public GcpPlatform(Map<String, String> env, Supplier<PrintStream> out) {
    this.env = Map.copyOf(env);
    this.out = out;
    this.logFormat = new CloudLoggingFormatter(this::projectOrNull);
  }

  /** The log format of this platform: its trace fields name {@link #project()}. */
  public CloudLoggingFormatter logFormat() {
    return logFormat;
  }

  @Override
  public Predictor predictor(ModelfnConfig config) {
    if (config.predictor() != PredictorKind.ONNX) {
      throw new ModelfnException(Problem.CONFIGURATION_ERROR, EnvVars.PREDICTOR + "=" + config.predictor().name()
          .toLowerCase(java.util.Locale.ROOT) + " is not supported on Google Cloud Functions yet: serve the model"
          + " in process (unset " + EnvVars.PREDICTOR + ")");
    }
    ModelLoader loader = new ModelLoader(List.of(new GcsModelArtifactFetcher(this::storage)), config.modelCacheDir());
    return OnnxPredictor.load(config, loader);
  }

  @Override
  public Metrics.Factory metrics(String namespace, boolean enabled) {
    return LogEntryMetrics.factory(namespace, enabled, logFormat, out);
  }

  @Override
  public BlobStore blobStore() {
    return new GcsBlobStore(storage(), EnvValues.text(env, GcpEnvVars.UPLOAD_PREFIX).orElse(DEFAULT_UPLOAD_PREFIX));
  }

  /** Publishes each continuation on {@code MODELFN_GCP_CONTINUATION_TOPIC}; the batch entry point subscribed to it resumes. */
  @Override
  public Continuations continuations() {
    Optional<String> topic = EnvValues.text(env, GcpEnvVars.CONTINUATION_TOPIC);
    return body -> {
      if (topic.isEmpty()) {
        throw new ModelfnException(Problem.CONFIGURATION_ERROR, GcpEnvVars.CONTINUATION_TOPIC + " is not set: a run"
            + " that needs more than one invocation hands over to a continuation on that topic");
      }
      PubSubJobQueue.publishAndWait(publisher(topic.get()), topic.get(), PubsubMessage.newBuilder()
          .setData(ByteString.copyFrom(body, StandardCharsets.UTF_8)).putAttributes("kind", "continuation").build(),
          "the continuation", 60);
    };
  }

  @Override
  public PredictionSink predictionSink() {
    Optional<String> topic = EnvValues.text(env, GcpEnvVars.SINK_TOPIC);
    if (topic.isPresent()) {
      return StreamSinks.sink(publisher(topic.get()));
    }
    Optional<String> bucket = EnvValues.text(env, EnvVars.SINK_BUCKET);
    if (bucket.isPresent()) {
      return StreamSinks.bucket(storage(), bucket.get(), env.getOrDefault(EnvVars.SINK_PREFIX, "stream-predictions/"));
    }
    throw new ModelfnException(Problem.CONFIGURATION_ERROR, "no sink: set " + GcpEnvVars.SINK_TOPIC + " (a Pub/Sub"
        + " topic) or " + EnvVars.SINK_BUCKET + " (a Cloud Storage bucket)");
  }

  @Override
  public DeadLetters deadLetters() {
    String topic = EnvValues.text(env, GcpEnvVars.DEAD_LETTER_TOPIC).orElseThrow(() -> new ModelfnException(
        Problem.CONFIGURATION_ERROR, GcpEnvVars.DEAD_LETTER_TOPIC + " is not set: poison messages need a dead-letter"
            + " topic, or Pub/Sub would deliver them again and again"));
    return StreamSinks.deadLetters(publisher(topic));
  }

  /**
   * The jobs topic ({@code MODELFN_GCP_JOBS_TOPIC}, which {@code GcpFunctions.environment} hands to
   * the core as its queue) and the optional dead-letter topic of abandoned callbacks ({@code
   * MODELFN_GCP_JOBS_DEAD_LETTER_TOPIC}): see {@code PubSubJobQueue}.
   */
  @Override
  public JobQueue jobQueue(AsyncConfig config) {
    String jobs = topicName(topicOf(config.queueUrl(), EnvVars.JOBS_QUEUE_URL, GcpEnvVars.JOBS_TOPIC));
    Optional<String> dead = config.deadLetterUrl()
        .map(d -> topicName(topicOf(d, EnvVars.CALLBACK_DLQ_URL, GcpEnvVars.JOBS_DEAD_LETTER_TOPIC)));
    return new PubSubJobQueue(jobs, () -> publisher(jobs), dead.orElse(null),
        dead.<Supplier<Publisher>>map(d -> () -> publisher(d)), Clock.systemUTC());
  }

  /**
   * A topic the core read as a queue URL. {@code GcpFunctions} already refuses the SQS variables, so
   * what arrives here came from the topic variable: a URL there is refused naming that variable.
   */
  private static String topicOf(String queue, String queueVar, String topicVar) {
    if (queue.contains("://")) {
      throw new ModelfnException(Problem.CONFIGURATION_ERROR, topicVar + "=" + queue + " is not a Pub/Sub topic:"
          + " expected a topic id or projects/P/topics/T (" + queueVar + ", an SQS queue URL, is for AWS)");
    }
    return queue;
  }

  /** The data bucket and the job topic: Google Cloud's names for what turns the async routes on. */
  @Override
  public String asyncSettings() {
    return EnvVars.DATA_BUCKET + " and " + GcpEnvVars.JOBS_TOPIC;
  }

  /** {@code MODELFN_CALLBACK_SECRET} if set (no secret store on Google Cloud yet), else none. */
  @Override
  public Supplier<CallbackSigner> callbackSigner() {
    if (EnvValues.text(env, EnvVars.CALLBACK_SECRET_ARN).isPresent()) {
      throw new ModelfnException(Problem.CONFIGURATION_ERROR, EnvVars.CALLBACK_SECRET_ARN + " names an AWS secret,"
          + " which Google Cloud Functions cannot read: set " + EnvVars.CALLBACK_SECRET + " (from Secret Manager with"
          + " --set-secrets)");
    }
    return dev.modelfn.core.async.AsyncConfig.callbackSigner(env);
  }

  /**
   * None: jobs run on the worker's own model. {@code MODELFN_SAGEMAKER_ASYNC_ENDPOINT} is refused
   * rather than ignored, so that a job meant for SageMaker does not run on another model unnoticed.
   */
  @Override
  public Optional<AsyncEndpoint> asyncEndpoint() {
    if (EnvValues.text(env, EnvVars.SAGEMAKER_ASYNC_ENDPOINT).isPresent()) {
      throw new ModelfnException(Problem.CONFIGURATION_ERROR, EnvVars.SAGEMAKER_ASYNC_ENDPOINT + " names a SageMaker"
          + " endpoint, which Google Cloud Functions cannot call: unset it, and jobs run on " + EnvVars.MODEL_URI);
    }
    return Optional.empty();
  }

  /** The Cloud Storage client (made on first use). */
  public synchronized Storage storage() {
    if (storage == null) {
      Optional<String> emulator = EnvValues.text(env, GcpEnvVars.STORAGE_EMULATOR_HOST);
      if (emulator.isPresent()) {
        String host = emulator.get().contains("://") ? emulator.get() : "http://" + emulator.get();
        storage = StorageOptions.http().setHost(host).setProjectId(Optional.ofNullable(projectOrNull()).orElse("local"))
            .setCredentials(NoCredentials.getInstance()).build().getService();
      } else {
        storage = StorageOptions.getDefaultInstance().getService();
      }
    }
    return storage;
  }

  /** The project topics without one belong to: {@code MODELFN_GCP_PROJECT}, {@code GOOGLE_CLOUD_PROJECT}, or the client libraries' default. */
  public String project() {
    String p = projectOrNull();
    if (p == null) {
      throw new ModelfnException(Problem.CONFIGURATION_ERROR, "no Google Cloud project: set " + GcpEnvVars.PROJECT
          + ", or name topics in full (projects/PROJECT/topics/TOPIC)");
    }
    return p;
  }

  private synchronized String projectOrNull() {
    if (!projectLookedUp) {
      projectLookedUp = true; // once: the default may ask the metadata server
      project = EnvValues.text(env, GcpEnvVars.PROJECT).or(() -> EnvValues.text(env, GcpEnvVars.GOOGLE_CLOUD_PROJECT))
          .orElse(null);
      if (project == null && EnvValues.text(env, GcpEnvVars.STORAGE_EMULATOR_HOST).isEmpty()
          && EnvValues.text(env, GcpEnvVars.PUBSUB_EMULATOR_HOST).isEmpty()) {
        project = ServiceOptions.getDefaultProjectId(); // the metadata server on Google Cloud; may be null
      }
    }
    return project;
  }

  /** {@code projects/P/topics/T} for a topic named in full or by its id. */
  String topicName(String topic) {
    return topic.startsWith("projects/") ? topic : "projects/" + project() + "/topics/" + topic;
  }

  /** The publisher of a topic (one per topic and process). */
  synchronized Publisher publisher(String topic) {
    String name = topicName(topic);
    Publisher p = publishers.get(name);
    if (p == null) {
      try {
        Publisher.Builder b = Publisher.newBuilder(name);
        Optional<String> emulator = EnvValues.text(env, GcpEnvVars.PUBSUB_EMULATOR_HOST);
        if (emulator.isPresent()) {
          ManagedChannel channel = ManagedChannelBuilder.forTarget(emulator.get()).usePlaintext().build();
          b.setChannelProvider(FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel)))
              .setCredentialsProvider(NoCredentialsProvider.create());
        }
        p = b.build();
      } catch (IOException e) {
        throw new IllegalStateException("cannot make a Pub/Sub publisher for " + name + ": " + e.getMessage(), e);
      }
      publishers.put(name, p);
    }
    return p;
  }

  /** Sends what the publishers hold and stops them (tests; an instance's end). */
  public synchronized void close() {
    for (Publisher p : publishers.values()) {
      p.shutdown();
      try {
        p.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    publishers.clear();
  }
}

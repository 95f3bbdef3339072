package dev.modelfn.aws;

import dev.modelfn.aws.internal.AwsPredictors;
import dev.modelfn.config.EnvValues;
import dev.modelfn.config.EnvVars;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.callback.CallbackSigner;
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
import dev.modelfn.model.Predictor;
import dev.modelfn.telemetry.Metrics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The core's ports on AWS Lambda: models from {@code s3://} or a SageMaker endpoint, CloudWatch
 * EMF metrics, S3 objects, SQS queues and Kinesis streams. SDK clients are made when a port is
 * first asked for, so a function builds only the clients it uses.
 */
public final class AwsPlatform implements Platform {
  private final Map<String, String> env;
  private SqsClient sqs;

  public AwsPlatform(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  @Override
  public Predictor predictor(ModelfnConfig config) {
    return AwsPredictors.create(config, env);
  }

  @Override
  public Metrics.Factory metrics(String namespace, boolean enabled) {
    return EmfMetrics.factory(namespace, enabled);
  }

  @Override
  public BlobStore blobStore() {
    return new S3BlobStore(AwsPredictors.s3Client(env));
  }

  @Override
  public Continuations continuations() {
    Optional<String> queueUrl = EnvValues.text(env, EnvVars.BATCH_QUEUE_URL);
    return body -> {
      if (queueUrl.isEmpty()) {
        throw new ModelfnException(Problem.CONFIGURATION_ERROR, EnvVars.BATCH_QUEUE_URL + " is not set: a run that"
            + " needs more than one invocation hands over to a continuation on that queue");
      }
      sqs().sendMessage(r -> r.queueUrl(queueUrl.get()).messageBody(body));
    };
  }

  @Override
  public PredictionSink predictionSink() {
    Optional<String> queue = EnvValues.text(env, EnvVars.SINK_QUEUE_URL);
    Optional<String> stream = EnvValues.text(env, EnvVars.SINK_STREAM);
    Optional<String> bucket = EnvValues.text(env, EnvVars.SINK_BUCKET);
    if (queue.isPresent()) {
      return StreamSinks.queue(sqs(), queue.get());
    }
    if (stream.isPresent()) {
      return StreamSinks.stream(AwsPredictors.kinesisClient(env), stream.get());
    }
    if (bucket.isPresent()) {
      return StreamSinks.bucket(AwsPredictors.s3Client(env), bucket.get(),
          env.getOrDefault(EnvVars.SINK_PREFIX, "stream-predictions/"));
    }
    throw new ModelfnException(Problem.CONFIGURATION_ERROR, "no sink: set " + EnvVars.SINK_QUEUE_URL + ", "
        + EnvVars.SINK_STREAM + " or " + EnvVars.SINK_BUCKET);
  }

  @Override
  public DeadLetters deadLetters() {
    String poison = EnvValues.text(env, EnvVars.POISON_QUEUE_URL).orElseThrow(() -> new ModelfnException(
        Problem.CONFIGURATION_ERROR, EnvVars.POISON_QUEUE_URL + " is not set: poison records need a dead-letter"
            + " queue, or they would block their shard"));
    return StreamSinks.deadLetterQueue(sqs(), poison);
  }

  @Override
  public JobQueue jobQueue(AsyncConfig config) {
    SqsClient sqs = sqs();
    String queueUrl = config.queueUrl();
    Optional<String> deadLetterUrl = config.deadLetterUrl();
    return new JobQueue() {
      @Override
      public void send(byte[] message, int delaySeconds) {
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(new String(message, StandardCharsets.UTF_8))
            .delaySeconds(delaySeconds > 0 ? delaySeconds : null));
      }

      @Override
      public void deadLetter(byte[] message) {
        deadLetterUrl.ifPresent(url -> sqs.sendMessage(r -> r.queueUrl(url)
            .messageBody(new String(message, StandardCharsets.UTF_8))));
      }
    };
  }

  /** {@code MODELFN_CALLBACK_SECRET_ARN} from Secrets Manager (refreshed), else {@code MODELFN_CALLBACK_SECRET}. */
  @Override
  public Supplier<CallbackSigner> callbackSigner() {
    return CallbackSecrets.from(env, () -> AwsPredictors.secretsManagerClient(env), Clock.systemUTC());
  }

  /** The SageMaker asynchronous endpoint {@code MODELFN_SAGEMAKER_ASYNC_ENDPOINT}, if set. */
  @Override
  public Optional<AsyncEndpoint> asyncEndpoint() {
    return EnvValues.text(env, EnvVars.SAGEMAKER_ASYNC_ENDPOINT)
        .map(name -> new SageMakerAsyncEndpoint(AwsPredictors.sageMakerClient(env), name));
  }

  private synchronized SqsClient sqs() {
    if (sqs == null) {
      sqs = AwsPredictors.sqsClient(env);
    }
    return sqs;
  }
}

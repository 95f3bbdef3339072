package dev.modelfn.cdk;

import dev.modelfn.cdk.internal.Grants;
import dev.modelfn.cdk.internal.Queues;
import dev.modelfn.config.EnvVars;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.kinesis.Stream;
import software.amazon.awscdk.services.kinesis.StreamEncryption;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.StartingPosition;
import software.amazon.awscdk.services.lambda.eventsources.KinesisEventSource;
import software.amazon.awscdk.services.lambda.eventsources.SqsDlq;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.sqs.Queue;
import software.constructs.Construct;

/**
 * Stream inference: a Kinesis stream and an SQS queue of records, both consumed by the stream
 * function ({@code dev.modelfn.aws.StreamInferenceHandler}) through its {@code live} alias with
 * {@code ReportBatchItemFailures}. Kinesis batches are bisected on errors, retried a bounded number
 * of times and within a record age, then described on an on-failure queue; poison records go to
 * the poison queue; predictions to a queue (default), a stream, or JSON Lines objects in a bucket.
 */
public final class StreamInference extends Construct {
  /** The stream handler. */
  public static final String HANDLER = "dev.modelfn.aws.StreamInferenceHandler::handleRequest";

  /** Where predictions go. */
  public enum Sink {
    QUEUE,
    STREAM,
    BUCKET
  }

  private final Function function;
  private final Alias alias;
  private final Stream stream;
  private final Queue records;
  private final Queue poison;
  private final Queue onFailure;
  private final Queue predictionsQueue;
  private final Stream predictionsStream;

  public StreamInference(Construct scope, String id, ModelPackage modelPackage, Props props) {
    super(scope, id);
    this.stream = Stream.Builder.create(this, "Input").shardCount(props.shards)
        .encryption(StreamEncryption.MANAGED).retentionPeriod(Duration.hours(24)).build();
    Queue recordsDlq = Queues.deadLetter(this, "RecordsDlq");
    this.records = Queues.withDeadLetter(this, "Records", recordsDlq, 3, Queues.visibilityFor(props.timeoutSeconds));
    this.poison = Queues.deadLetter(this, "Poison");
    this.onFailure = Queues.deadLetter(this, "OnFailure");

    Map<String, String> env = new LinkedHashMap<>();
    env.put(EnvVars.INPUT_STREAM, stream.getStreamName());
    env.put(EnvVars.RECORDS_QUEUE_URL, records.getQueueUrl());
    env.put(EnvVars.POISON_QUEUE_URL, poison.getQueueUrl());
    switch (props.sink) {
      case QUEUE -> {
        // Consumers of the predictions get a dead-letter queue for what they cannot process.
        predictionsQueue = Queues.withDeadLetter(this, "Predictions", Queues.deadLetter(this, "PredictionsDlq"),
            5, Duration.seconds(30));
        predictionsStream = null;
        env.put(EnvVars.SINK_QUEUE_URL, predictionsQueue.getQueueUrl());
      }
      case STREAM -> {
        predictionsQueue = null;
        predictionsStream = Stream.Builder.create(this, "PredictionsStream").shardCount(props.shards)
            .encryption(StreamEncryption.MANAGED).build();
        env.put(EnvVars.SINK_STREAM, predictionsStream.getStreamName());
      }
      case BUCKET -> {
        Objects.requireNonNull(props.sinkBucket, "sink BUCKET needs sinkBucket");
        predictionsQueue = null;
        predictionsStream = null;
        env.put(EnvVars.SINK_BUCKET, props.sinkBucket.getBucketName());
        env.put(EnvVars.SINK_PREFIX, props.sinkPrefix);
      }
      default -> throw new IllegalStateException();
    }

    this.function = modelPackage.function(this, "Function", new FunctionSettings("stream inference ("
        + modelPackage.modelName() + ")", HANDLER, props.memoryMb, props.timeoutSeconds,
        ModelPackage.STREAM_JVM_OPTIONS, false, props.reservedConcurrency, env), true);
    this.alias = Alias.Builder.create(this, "Live").aliasName("live").version(function.getCurrentVersion()).build();

    poison.grantSendMessages(function);
    if (predictionsQueue != null) {
      predictionsQueue.grantSendMessages(function);
    }
    if (predictionsStream != null) {
      predictionsStream.grantWrite(function);
    }
    if (props.sink == Sink.BUCKET) {
      Grants.write(function, props.sinkBucket, props.sinkPrefix);
    }

    alias.addEventSource(KinesisEventSource.Builder.create(stream)
        .startingPosition(StartingPosition.LATEST)
        .batchSize(props.kinesisBatchSize)
        .maxBatchingWindow(Duration.seconds(props.batchingWindowSeconds))
        .bisectBatchOnError(true)
        .retryAttempts(props.maxRetries)
        .maxRecordAge(Duration.seconds(props.maxRecordAgeSeconds))
        .parallelizationFactor(props.parallelizationFactor)
        .reportBatchItemFailures(true)
        .onFailure(new SqsDlq(onFailure))
        .build());
    alias.addEventSource(SqsEventSource.Builder.create(records).batchSize(props.sqsBatchSize)
        .maxBatchingWindow(Duration.seconds(props.batchingWindowSeconds)).reportBatchItemFailures(true).build());
  }

  public Function function() {
    return function;
  }

  public Alias alias() {
    return alias;
  }

  public Stream stream() {
    return stream;
  }

  public Queue recordsQueue() {
    return records;
  }

  public Queue poisonQueue() {
    return poison;
  }

  /** Kinesis batches that exhausted their retries are described here (Lambda's on-failure record). */
  public Queue onFailureQueue() {
    return onFailure;
  }

  /** The predictions queue, or null when the sink is a stream or a bucket. */
  public Queue predictionsQueue() {
    return predictionsQueue;
  }

  /** The stream settings; defaults: 2 shards, 500 records per Kinesis batch, 10 retries, 1 h. */
  public static final class Props extends FunctionProps<Props> {
    private Props() {
      super(1024, 60);
    }

    private int shards = 2;
    private int kinesisBatchSize = 500;
    private int sqsBatchSize = 10;
    private int batchingWindowSeconds = 1;
    private int maxRetries = 10;
    private int maxRecordAgeSeconds = 3600;
    private int parallelizationFactor = 1;
    private Sink sink = Sink.QUEUE;
    private IBucket sinkBucket;
    private String sinkPrefix = "stream-predictions/";

    public static Props defaults() {
      return new Props();
    }

    public Props shards(int v) {
      this.shards = v;
      return this;
    }

    /** 1 to 10000; default 500. */
    public Props kinesisBatchSize(int v) {
      if (v < 1 || v > 10000) {
        throw new IllegalArgumentException("kinesisBatchSize: expected 1 to 10000, got " + v);
      }
      this.kinesisBatchSize = v;
      return this;
    }

    /** 1 to 10000 (more than 10 needs a batching window); default 10. */
    public Props sqsBatchSize(int v) {
      this.sqsBatchSize = v;
      return this;
    }

    /** 0 to 300 seconds; default 1. */
    public Props batchingWindowSeconds(int v) {
      if (v < 0 || v > 300) {
        throw new IllegalArgumentException("batchingWindowSeconds: expected 0 to 300, got " + v);
      }
      this.batchingWindowSeconds = v;
      return this;
    }

    /** Retries of a failing Kinesis batch before it goes to the on-failure queue, 0 to 10000. */
    public Props maxRetries(int v) {
      this.maxRetries = v;
      return this;
    }

    /** Records older than this (60 to 604800 s) are skipped to the on-failure queue. */
    public Props maxRecordAgeSeconds(int v) {
      this.maxRecordAgeSeconds = v;
      return this;
    }

    /** Concurrent batches per shard, 1 to 10 (order is kept per partition key). */
    public Props parallelizationFactor(int v) {
      this.parallelizationFactor = v;
      return this;
    }

    /** Predictions to a new queue (default) or a new stream. */
    public Props sink(Sink v) {
      if (v == Sink.BUCKET) {
        throw new IllegalArgumentException("a bucket sink needs the bucket: use sinkBucket(bucket, prefix)");
      }
      this.sink = Objects.requireNonNull(v);
      return this;
    }

    /** Predictions as one JSON Lines object per batch under {@code prefix} of {@code bucket}. */
    public Props sinkBucket(IBucket bucket, String prefix) {
      this.sink = Sink.BUCKET;
      this.sinkBucket = Objects.requireNonNull(bucket);
      this.sinkPrefix = Objects.requireNonNull(prefix);
      return this;
    }
  }
}

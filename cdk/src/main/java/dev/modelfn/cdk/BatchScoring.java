package dev.modelfn.cdk;

import dev.modelfn.cdk.internal.Grants;
import dev.modelfn.cdk.internal.Queues;
import dev.modelfn.config.EnvVars;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.amazon.awscdk.services.s3.EventType;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.s3.NotificationKeyFilter;
import software.amazon.awscdk.services.s3.notifications.SqsDestination;
import software.amazon.awscdk.services.sqs.Queue;
import software.constructs.Construct;

/**
 * Batch scoring: objects created under the input prefix of the data bucket are announced on a
 * queue (S3 → SQS, the durable path; the queue also carries continuations), which the batch function
 * ({@code dev.modelfn.aws.BatchScoringHandler}) consumes one message at a time through its {@code
 * live} alias with partial batch responses. Messages that keep failing move to a dead-letter queue.
 * The function reads only the input prefix and writes only {@code predictions/}, {@code manifests/}
 * and {@code rejects/}.
 */
public final class BatchScoring extends Construct {
  /** The batch handler. */
  public static final String HANDLER = "dev.modelfn.aws.BatchScoringHandler::handleRequest";

  private final Function function;
  private final Alias alias;
  private final Queue queue;
  private final Queue deadLetterQueue;

  public BatchScoring(Construct scope, String id, ModelPackage modelPackage, IBucket dataBucket, Props props) {
    super(scope, id);
    Objects.requireNonNull(dataBucket, "dataBucket");
    this.deadLetterQueue = Queues.deadLetter(this, "ObjectsDlq");
    this.queue = Queues.withDeadLetter(this, "Objects", deadLetterQueue, props.maxReceiveCount,
        Queues.visibilityFor(props.timeoutSeconds));
    this.function = modelPackage.function(this, "Function", new FunctionSettings("batch scoring ("
        + modelPackage.modelName() + ")", HANDLER, props.memoryMb, props.timeoutSeconds,
        ModelPackage.THROUGHPUT_JVM_OPTIONS, false, props.reservedConcurrency, Map.of(
            EnvVars.DATA_BUCKET, dataBucket.getBucketName(),
            EnvVars.INPUT_PREFIX, props.inputPrefix,
            EnvVars.BATCH_QUEUE_URL, queue.getQueueUrl(),
            EnvVars.BATCH_ROWS, Integer.toString(props.rowsPerBatch))), true);
    this.alias = Alias.Builder.create(this, "Live").aliasName("live").version(function.getCurrentVersion()).build();

    dataBucket.addEventNotification(EventType.OBJECT_CREATED, new SqsDestination(queue),
        NotificationKeyFilter.builder().prefix(props.inputPrefix).build());
    Grants.read(function, dataBucket, props.inputPrefix, "manifests/");
    Grants.write(function, dataBucket, "predictions/", "manifests/", "rejects/");
    Grants.delete(function, dataBucket, "manifests/"); // a continuation's saved tails, once resumed
    Grants.list(function, dataBucket, props.inputPrefix, "predictions/", "manifests/", "rejects/");
    queue.grantSendMessages(function); // continuations
    alias.addEventSource(SqsEventSource.Builder.create(queue).batchSize(1).reportBatchItemFailures(true).build());
  }

  public Function function() {
    return function;
  }

  public Alias alias() {
    return alias;
  }

  /** The S3 event (and continuation) queue. */
  public Queue queue() {
    return queue;
  }

  public Queue deadLetterQueue() {
    return deadLetterQueue;
  }

  /** The batch settings; defaults: 2048 MB, 15 minutes, {@code incoming/}, 512 rows per model call. */
  public static final class Props extends FunctionProps<Props> {
    private Props() {
      super(2048, 900);
    }

    private String inputPrefix = "incoming/";
    private int rowsPerBatch = 512;
    private int maxReceiveCount = 3;

    public static Props defaults() {
      return new Props();
    }

    /** Where input objects go; must end in {@code /} and differ from the output prefixes. */
    public Props inputPrefix(String v) {
      if (v == null || !v.endsWith("/") || v.startsWith("/")
          || List.of("predictions/", "manifests/", "rejects/", "jobs/").contains(v)) {
        throw new IllegalArgumentException("inputPrefix: expected a prefix ending in '/' other than the output "
            + "prefixes (predictions/, manifests/, rejects/, jobs/), got '" + v + "'");
      }
      this.inputPrefix = v;
      return this;
    }

    public Props rowsPerBatch(int v) {
      if (v < 1) {
        throw new IllegalArgumentException("rowsPerBatch: expected 1 or more, got " + v);
      }
      this.rowsPerBatch = v;
      return this;
    }

    /** Receives before a message moves to the dead-letter queue; default 3. */
    public Props maxReceiveCount(int v) {
      this.maxReceiveCount = v;
      return this;
    }

  }
}

package dev.modelfn.cdk.internal;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/** Queues as the constructs make them: encrypted (SSE-SQS), TLS only, 14 days of retention. */
public final class Queues {
  private Queues() {}

  /** A queue that is itself a dead-letter place (nothing drains it automatically). */
  public static Queue deadLetter(Construct scope, String id) {
    Queue q = Queue.Builder.create(scope, id).encryption(QueueEncryption.SQS_MANAGED).enforceSsl(true)
        .retentionPeriod(Duration.days(14)).build();
    Nag.deadLetterQueue(q);
    return q;
  }

  /** A work queue whose messages move to {@code dlq} after {@code maxReceiveCount} receives. */
  public static Queue withDeadLetter(Construct scope, String id, Queue dlq, int maxReceiveCount,
      Duration visibilityTimeout) {
    return Queue.Builder.create(scope, id).encryption(QueueEncryption.SQS_MANAGED).enforceSsl(true)
        .retentionPeriod(Duration.days(4)).visibilityTimeout(visibilityTimeout)
        .deadLetterQueue(DeadLetterQueue.builder().queue(dlq).maxReceiveCount(maxReceiveCount).build()).build();
  }

  /**
   * The visibility timeout for a queue a function consumes: six times the function's timeout, as
   * Lambda's documentation recommends, within SQS's 12 hours.
   */
  public static Duration visibilityFor(int functionTimeoutSeconds) {
    return Duration.seconds(Math.min(6L * functionTimeoutSeconds, 12 * 3600));
  }
}

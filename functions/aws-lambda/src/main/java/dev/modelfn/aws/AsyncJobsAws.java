package dev.modelfn.aws;

import dev.modelfn.aws.internal.AwsPredictors;
import dev.modelfn.core.async.AsyncConfig;
import dev.modelfn.core.async.AsyncJobs;
import dev.modelfn.core.async.CallbackPolicy;
import dev.modelfn.core.async.JobQueue;
import dev.modelfn.core.async.JobStore;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Asynchronous inference on AWS: jobs in the S3 data bucket, the job queue on SQS. */
final class AsyncJobsAws {
  private AsyncJobsAws() {}

  static CallbackPolicy policy(AsyncConfig c) {
    return new CallbackPolicy(c.allowCidrs(), InetAddress::getAllByName);
  }

  static JobStore store(AsyncConfig c, Map<String, String> env) {
    return new JobStore(new S3BlobStore(AwsPredictors.s3Client(env)), c.bucket(), c.prefix());
  }

  static JobQueue queue(SqsClient sqs, String queueUrl, Optional<String> deadLetterUrl) {
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

  /** The submit and status side, or null when async inference is not configured. */
  static AsyncJobs jobs(Map<String, String> env) {
    Optional<AsyncConfig> config = AsyncConfig.from(env);
    if (config.isEmpty()) {
      return null;
    }
    AsyncConfig c = config.get();
    return new AsyncJobs(store(c, env), queue(AwsPredictors.sqsClient(env), c.queueUrl(), c.deadLetterUrl()),
        policy(c), c.inlineBytes(), Clock.systemUTC());
  }
}

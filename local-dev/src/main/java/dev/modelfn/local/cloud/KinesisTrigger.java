package dev.modelfn.local.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.local.lambda.InvocationResult;
import dev.modelfn.local.lambda.LocalAccount;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A Kinesis event source mapping for one shard, as Lambda runs it: records in order, one batch at
 * a time; the shard's checkpoint moves past a batch only when the function succeeds. A function
 * error retries the batch (halved each time with {@code BisectBatchOnFunctionError}); with
 * {@code ReportBatchItemFailures} the function names the first failed sequence number and the
 * shard resumes there. After {@code MaximumRetryAttempts} the batch is skipped and described on
 * the on-failure queue, so one bad record never blocks its shard for ever.
 */
final class KinesisTrigger implements Runnable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KinesisClient kinesis;
  private final SqsClient sqs;
  private final String stream;
  private final String shardId;
  private final CloudConfig.Trigger trigger;
  private final LambdaService lambda;
  private final String onFailureUrl;
  private final Consumer<String> log;
  private final int batchSize;
  private final int maxRetries;
  private volatile boolean stopped;
  /** Sequence number of the last record the function completed, or null before the first. */
  private volatile String checkpoint;

  KinesisTrigger(KinesisClient kinesis, SqsClient sqs, String stream, String shardId, CloudConfig.Trigger t,
      LambdaService lambda, String onFailureUrl, Consumer<String> log) {
    this.kinesis = kinesis;
    this.sqs = sqs;
    this.stream = stream;
    this.shardId = shardId;
    this.trigger = t;
    this.lambda = lambda;
    this.onFailureUrl = onFailureUrl;
    this.log = log;
    this.batchSize = t.batchSize() == null ? 100 : t.batchSize();
    this.maxRetries = t.maximumRetryAttempts() == null ? -1 : t.maximumRetryAttempts();
  }

  void stop() {
    stopped = true;
  }

  String checkpoint() {
    return checkpoint;
  }

  @Override
  public void run() {
    String iterator = null;
    List<Record> pending = new ArrayList<>();
    while (!stopped) {
      try {
        if (iterator == null) {
          iterator = firstIterator();
        }
        if (pending.isEmpty()) {
          String it = iterator;
          GetRecordsResponse r = kinesis.getRecords(g -> g.shardIterator(it).limit(batchSize));
          iterator = r.nextShardIterator();
          pending.addAll(r.records());
          if (pending.isEmpty()) {
            sleep(250);
            continue;
          }
        }
        List<Record> batch = new ArrayList<>(pending.subList(0, Math.min(batchSize, pending.size())));
        pending.subList(0, batch.size()).clear();
        List<Record> unfinished = process(batch);
        if (!unfinished.isEmpty()) {
          pending.addAll(0, unfinished); // cannot happen today: process() retries until done or skipped
        }
      } catch (RuntimeException e) {
        if (stopped) {
          return;
        }
        log.accept("kinesis trigger " + stream + "/" + shardId + " -> " + trigger.function() + ": " + e.getMessage());
        iterator = null;
        pending.clear();
        sleep(1000);
      }
    }
  }

  private String firstIterator() {
    String after = checkpoint;
    if (after != null) {
      return kinesis.getShardIterator(g -> g.streamName(stream).shardId(shardId)
          .shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).startingSequenceNumber(after)).shardIterator();
    }
    ShardIteratorType type = "LATEST".equals(trigger.startingPosition()) ? ShardIteratorType.LATEST
        : ShardIteratorType.TRIM_HORIZON;
    return kinesis.getShardIterator(g -> g.streamName(stream).shardId(shardId).shardIteratorType(type))
        .shardIterator();
  }

  /**
   * Runs one batch to completion: success moves the checkpoint; failures retry (whole, halved, or
   * from the reported record) until success or the retry limit, which skips to the on-failure queue.
   */
  List<Record> process(List<Record> batch) {
    boolean bisect = Boolean.TRUE.equals(trigger.bisectBatchOnFunctionError());
    List<Record> remaining = new ArrayList<>(batch);
    int size = remaining.size(); // how many of remaining the next invocation gets; halved on errors when bisecting
    int attempts = 0;
    while (!remaining.isEmpty() && !stopped) {
      List<Record> part = new ArrayList<>(remaining.subList(0, Math.min(size, remaining.size())));
      InvocationResult result = lambda.invoke(trigger.function(), event(part));
      int firstFailed = result.failed() ? 0 : firstReportedFailure(result, part);
      if (firstFailed < 0) {
        done(part);
        remaining = new ArrayList<>(remaining.subList(part.size(), remaining.size()));
        size = remaining.size();
        attempts = 0;
        continue;
      }
      done(part.subList(0, firstFailed));
      remaining = new ArrayList<>(remaining.subList(firstFailed, remaining.size()));
      int failedPart = part.size() - firstFailed;
      attempts++;
      String reason = result.failed() ? "function error " + abbreviate(result.payloadText())
          : "record " + remaining.get(0).sequenceNumber() + " reported as failed";
      if (maxRetries >= 0 && attempts > maxRetries) {
        List<Record> skipped = new ArrayList<>(remaining.subList(0, failedPart));
        skip(skipped, reason, attempts);
        done(skipped);
        remaining = new ArrayList<>(remaining.subList(skipped.size(), remaining.size()));
        size = remaining.size();
        attempts = 0;
      } else {
        size = bisect && result.failed() ? Math.max(1, (failedPart + 1) / 2) : remaining.size();
        log.accept("kinesis trigger " + stream + "/" + shardId + " -> " + trigger.function() + ": " + reason
            + "; retry " + attempts + (maxRetries >= 0 ? " of " + maxRetries : "")
            + (size < remaining.size() ? " with the first " + size + " records" : ""));
        sleep(Math.min(2000, 100L << Math.min(attempts, 4)));
      }
    }
    return List.of();
  }

  /** Index in {@code part} of the first record named in batchItemFailures, -1 when none failed. */
  private int firstReportedFailure(InvocationResult result, List<Record> part) {
    if (!Boolean.TRUE.equals(trigger.reportBatchItemFailures()) || result.payload().length == 0) {
      return -1;
    }
    try {
      JsonNode r = JSON.readTree(result.payload());
      JsonNode items = r == null ? null : r.get("batchItemFailures");
      if (items == null || items.isNull() || items.isEmpty()) {
        return -1;
      }
      BigInteger lowest = null;
      for (JsonNode item : items) {
        BigInteger seq = new BigInteger(item.path("itemIdentifier").asText(""));
        lowest = lowest == null || seq.compareTo(lowest) < 0 ? seq : lowest;
      }
      for (int i = 0; i < part.size(); i++) {
        if (new BigInteger(part.get(i).sequenceNumber()).equals(lowest)) {
          return i;
        }
      }
      return 0; // an identifier outside the batch: Lambda retries the whole batch
    } catch (java.io.IOException | NumberFormatException e) {
      return 0;
    }
  }

  private void done(List<Record> records) {
    if (!records.isEmpty()) {
      checkpoint = records.get(records.size() - 1).sequenceNumber();
    }
  }

  /** Describes a skipped batch on the on-failure queue, as Lambda's on-failure destination does. */
  private void skip(List<Record> records, String reason, int attempts) {
    log.accept("kinesis trigger " + stream + "/" + shardId + " -> " + trigger.function() + ": " + records.size()
        + " records skipped after " + (attempts - 1) + " retries (" + reason + ")"
        + (onFailureUrl != null ? "; described on the on-failure queue" : ""));
    if (onFailureUrl == null) {
      return;
    }
    ObjectNode m = JSON.createObjectNode();
    m.putObject("requestContext").put("requestId", java.util.UUID.randomUUID().toString())
        .put("functionArn", "arn:aws:lambda:" + LocalAccount.REGION + ":" + LocalAccount.ID + ":function:"
            + trigger.function())
        .put("condition", "RetryAttemptsExhausted").put("approximateInvokeCount", attempts);
    m.putObject("responseContext").put("statusCode", 200).put("executedVersion", "$LATEST")
        .put("functionError", reason.startsWith("function error") ? "Unhandled" : null);
    m.put("version", "1.0").put("timestamp", Instant.now().toString());
    ObjectNode info = m.putObject("KinesisBatchInfo");
    info.put("shardId", shardId).put("startSequenceNumber", records.get(0).sequenceNumber())
        .put("endSequenceNumber", records.get(records.size() - 1).sequenceNumber())
        .put("approximateArrivalOfFirstRecord", records.get(0).approximateArrivalTimestamp().toString())
        .put("approximateArrivalOfLastRecord", records.get(records.size() - 1).approximateArrivalTimestamp().toString())
        .put("batchSize", records.size()).put("streamArn", streamArn());
    sqs.sendMessage(r -> r.queueUrl(onFailureUrl).messageBody(m.toString()));
  }

  private String streamArn() {
    return "arn:aws:kinesis:" + LocalAccount.REGION + ":" + LocalAccount.ID + ":stream/" + stream;
  }

  /** A Kinesis event as Lambda delivers it. */
  byte[] event(List<Record> records) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode list = root.putArray("Records");
    for (Record rec : records) {
      ObjectNode r = list.addObject();
      ObjectNode k = r.putObject("kinesis");
      k.put("kinesisSchemaVersion", "1.0").put("partitionKey", rec.partitionKey())
          .put("sequenceNumber", rec.sequenceNumber())
          .put("data", Base64.getEncoder().encodeToString(rec.data().asByteArray()))
          .put("approximateArrivalTimestamp", rec.approximateArrivalTimestamp().toEpochMilli() / 1000.0);
      r.put("eventSource", "aws:kinesis").put("eventVersion", "1.0")
          .put("eventID", shardId + ":" + rec.sequenceNumber()).put("eventName", "aws:kinesis:record")
          .put("invokeIdentityArn", "arn:aws:iam::" + LocalAccount.ID + ":role/modelfn-local")
          .put("awsRegion", LocalAccount.REGION).put("eventSourceARN", streamArn());
    }
    return root.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String abbreviate(String s) {
    return Pollers.abbreviate(s);
  }

  private static void sleep(long ms) {
    Pollers.sleep(ms);
  }
}

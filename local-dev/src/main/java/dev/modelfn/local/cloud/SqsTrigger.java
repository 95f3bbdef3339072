package dev.modelfn.local.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.local.lambda.InvocationResult;
import dev.modelfn.local.lambda.LocalAccount;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * An SQS event source mapping: long-polls a queue, hands batches to a function as Lambda's SQS
 * poller does, and deletes what the function processed. With {@code ReportBatchItemFailures},
 * only the messages the function names in {@code batchItemFailures} stay on the queue; a function
 * error keeps the whole batch. Messages that stay become visible again after the queue's
 * visibility timeout and move to its dead-letter queue after {@code maxReceiveCount} receives.
 */
final class SqsTrigger implements Runnable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SqsClient sqs;
  private final String queueName;
  private final String queueUrl;
  private final String function;
  private final LambdaService lambda;
  private final int batchSize;
  private final Duration window;
  private final boolean reportFailures;
  private final Consumer<String> log;
  private volatile boolean stopped;

  SqsTrigger(SqsClient sqs, String queueName, String queueUrl, CloudConfig.Trigger t, LambdaService lambda,
      Consumer<String> log) {
    this.sqs = sqs;
    this.queueName = queueName;
    this.queueUrl = queueUrl;
    this.function = t.function();
    this.lambda = lambda;
    this.batchSize = t.batchSize() == null ? 10 : t.batchSize();
    this.window = Duration.ofSeconds(t.maximumBatchingWindowSeconds() == null ? 0 : t.maximumBatchingWindowSeconds());
    this.reportFailures = Boolean.TRUE.equals(t.reportBatchItemFailures());
    this.log = log;
  }

  void stop() {
    stopped = true;
  }

  @Override
  public void run() {
    while (!stopped) {
      try {
        List<Message> batch = collect();
        if (!batch.isEmpty() && !stopped) {
          deliver(batch);
        }
      } catch (RuntimeException e) {
        if (stopped) {
          return;
        }
        log.accept("sqs trigger " + queueName + " -> " + function + ": " + e.getMessage());
        sleep(1000);
      }
    }
  }

  /** Up to batchSize messages: what one long poll returns, topped up until the batching window closes. */
  private List<Message> collect() {
    List<Message> batch = new ArrayList<>(receive(Math.min(10, batchSize), 1));
    long deadline = System.nanoTime() + window.toNanos();
    while (!batch.isEmpty() && batch.size() < batchSize && System.nanoTime() < deadline && !stopped) {
      List<Message> more = receive(Math.min(10, batchSize - batch.size()), 0);
      if (more.isEmpty()) {
        sleep(Math.min(200, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
      }
      batch.addAll(more);
    }
    return batch;
  }

  private List<Message> receive(int max, int waitSeconds) {
    return sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(max).waitTimeSeconds(waitSeconds)
        .messageSystemAttributeNames(MessageSystemAttributeName.ALL).messageAttributeNames("All")).messages();
  }

  void deliver(List<Message> batch) {
    byte[] event = event(batch);
    InvocationResult result = lambda.invoke(function, event);
    Set<String> failed = new HashSet<>();
    if (result.failed()) {
      log.accept("sqs trigger " + queueName + " -> " + function + ": function error, " + batch.size()
          + " messages stay on the queue: " + abbreviate(result.payloadText()));
      return;
    }
    if (reportFailures) {
      Set<String> ids = new HashSet<>();
      batch.forEach(m -> ids.add(m.messageId()));
      try {
        JsonNode r = result.payload().length == 0 ? null : JSON.readTree(result.payload());
        JsonNode items = r == null || r.isNull() ? null : r.get("batchItemFailures");
        if (items != null && !items.isNull()) {
          for (JsonNode item : items) {
            String id = item.path("itemIdentifier").asText(null);
            if (id == null || id.isEmpty() || !ids.contains(id)) {
              throw new IllegalArgumentException("itemIdentifier " + item.path("itemIdentifier") + " is not a message"
                  + " of the batch");
            }
            failed.add(id);
          }
        }
      } catch (java.io.IOException | IllegalArgumentException e) {
        log.accept("sqs trigger " + queueName + " -> " + function + ": invalid batchItemFailures response ("
            + e.getMessage() + "); the whole batch stays on the queue");
        return;
      }
    }
    List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      Message m = batch.get(i);
      if (!failed.contains(m.messageId())) {
        done.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i)).receiptHandle(m.receiptHandle()).build());
      }
    }
    for (int from = 0; from < done.size(); from += 10) {
      List<DeleteMessageBatchRequestEntry> chunk = done.subList(from, Math.min(done.size(), from + 10));
      sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(chunk));
    }
    if (!failed.isEmpty()) {
      log.accept("sqs trigger " + queueName + " -> " + function + ": " + failed.size() + " of " + batch.size()
          + " messages reported as failed stay on the queue");
    }
  }

  /** An SQS event as Lambda delivers it. */
  byte[] event(List<Message> batch) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode records = root.putArray("Records");
    for (Message m : batch) {
      ObjectNode r = records.addObject();
      r.put("messageId", m.messageId()).put("receiptHandle", m.receiptHandle()).put("body", m.body());
      ObjectNode attrs = r.putObject("attributes");
      for (Map.Entry<MessageSystemAttributeName, String> a : new java.util.TreeMap<>(m.attributes()).entrySet()) {
        attrs.put(a.getKey().toString(), a.getValue());
      }
      ObjectNode mattrs = r.putObject("messageAttributes");
      m.messageAttributes().forEach((k, v) -> {
        ObjectNode a = mattrs.putObject(k);
        a.put("stringValue", v.stringValue());
        if (v.binaryValue() != null) {
          a.put("binaryValue", java.util.Base64.getEncoder().encodeToString(v.binaryValue().asByteArray()));
        }
        a.putArray("stringListValues");
        a.putArray("binaryListValues");
        a.put("dataType", v.dataType());
      });
      r.put("md5OfBody", m.md5OfBody()).put("eventSource", "aws:sqs")
          .put("eventSourceARN", LocalCloud.queueArn(queueName)).put("awsRegion", LocalAccount.REGION);
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

package dev.modelfn.aws;

import dev.modelfn.core.stream.DeadLetters;
import dev.modelfn.core.stream.PredictionSink;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Stream inference's sinks and dead letters on AWS. A call that fails as a whole (throttled,
 * unavailable) fails all of its records; a partial failure fails only the entries it names.
 */
final class StreamSinks {
  private StreamSinks() {}

  /** Sends messages in batches of ten; FIFO queues get the message group of each message. */
  static Set<String> sendToQueue(SqsClient sqs, String queueUrl, List<String> ids, List<byte[]> bodies,
      List<String> groups) {
    Set<String> failed = new HashSet<>();
    boolean fifo = queueUrl.endsWith(".fifo");
    for (int from = 0; from < ids.size(); from += 10) {
      List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
      int to = Math.min(ids.size(), from + 10);
      for (int i = from; i < to; i++) {
        var e = SendMessageBatchRequestEntry.builder().id(Integer.toString(i))
            .messageBody(new String(bodies.get(i), StandardCharsets.UTF_8));
        if (fifo) {
          e.messageGroupId(groups.get(i) == null ? "predictions" : groups.get(i))
              .messageDeduplicationId(sanitize(ids.get(i)));
        }
        entries.add(e.build());
      }
      try {
        var result = sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
        result.failed().forEach(f -> failed.add(ids.get(Integer.parseInt(f.id()))));
      } catch (SdkException e) {
        failed.addAll(ids.subList(from, to));
      }
    }
    return failed;
  }

  private static String sanitize(String id) {
    String s = id.replaceAll("[^A-Za-z0-9!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~]", "_");
    return s.length() > 128 ? s.substring(s.length() - 128) : s;
  }

  static PredictionSink queue(SqsClient sqs, String queueUrl) {
    return items -> sendToQueue(sqs, queueUrl, items.stream().map(PredictionSink.Item::sourceId).toList(),
        items.stream().map(PredictionSink.Item::json).toList(), items.stream().map(i -> (String) null).toList());
  }

  static DeadLetters deadLetterQueue(SqsClient sqs, String queueUrl) {
    return letters -> sendToQueue(sqs, queueUrl, letters.stream().map(DeadLetters.Letter::sourceId).toList(),
        letters.stream().map(DeadLetters.Letter::json).toList(), letters.stream().map(l -> (String) null).toList());
  }

  /** PutRecords in batches of 500, partitioned by source id. */
  static PredictionSink stream(KinesisClient kinesis, String stream) {
    return items -> {
      Set<String> failed = new HashSet<>();
      for (int from = 0; from < items.size(); from += 500) {
        List<PredictionSink.Item> chunk = items.subList(from, Math.min(items.size(), from + 500));
        List<PutRecordsRequestEntry> entries = chunk.stream().map(i -> PutRecordsRequestEntry.builder()
            .partitionKey(i.sourceId().length() > 256 ? i.sourceId().substring(0, 256) : i.sourceId())
            .data(SdkBytes.fromByteArray(i.json())).build()).toList();
        try {
          var result = kinesis.putRecords(r -> r.streamName(stream).records(entries));
          for (int i = 0; i < chunk.size(); i++) {
            if (result.records().get(i).errorCode() != null) {
              failed.add(chunk.get(i).sourceId());
            }
          }
        } catch (SdkException e) {
          chunk.forEach(i -> failed.add(i.sourceId()));
        }
      }
      return failed;
    };
  }

  /** One JSON Lines object per batch under {@code prefix/yyyy-mm-dd/}. */
  static PredictionSink bucket(S3Client s3, String bucket, String prefix) {
    return items -> {
      if (items.isEmpty()) {
        return Set.of();
      }
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      for (PredictionSink.Item i : items) {
        out.writeBytes(i.json());
        out.write('\n');
      }
      String key = prefix + LocalDate.now(ZoneOffset.UTC) + "/" + UUID.randomUUID() + ".jsonl";
      try {
        s3.putObject(r -> r.bucket(bucket).key(key).contentType("application/x-ndjson"),
            RequestBody.fromBytes(out.toByteArray()));
        return Set.of();
      } catch (SdkException e) {
        Set<String> all = new HashSet<>();
        items.forEach(i -> all.add(i.sourceId()));
        return all;
      }
    };
  }
}

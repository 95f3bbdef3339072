package dev.modelfn.gcp;

import com.google.api.core.ApiFuture;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import dev.modelfn.core.stream.DeadLetters;
import dev.modelfn.core.stream.PredictionSink;
import java.io.ByteArrayOutputStream;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Stream inference's sinks and dead letters on Google Cloud: Pub/Sub topics (the client library's
 * {@link Publisher}, which batches and retries) and Cloud Storage. Every message is awaited before
 * the function returns, so nothing is left in a buffer when the instance's CPU is throttled; a
 * message the topic did not take fails only its record, which is then retried.
 */
final class StreamSinks {
  /** How long the publishes of one batch may take together before they count as failed. */
  private static final long PUBLISH_TIMEOUT_SECONDS = 60;

  private StreamSinks() {}

  /** Publishes each body as one message with the attributes {@code source_id} and {@code kind}; returns the ids not taken. */
  static Set<String> publish(Publisher publisher, String kind, List<String> ids, List<byte[]> bodies) {
    List<ApiFuture<String>> futures = new ArrayList<>(ids.size());
    Set<String> failed = new HashSet<>();
    for (int i = 0; i < ids.size(); i++) {
      PubsubMessage m = PubsubMessage.newBuilder().setData(ByteString.copyFrom(bodies.get(i)))
          .putAttributes("source_id", ids.get(i)).putAttributes("kind", kind).build();
      try {
        futures.add(publisher.publish(m));
      } catch (RuntimeException e) {
        futures.add(null); // the publisher refused it (shut down): the record is retried
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PUBLISH_TIMEOUT_SECONDS);
    for (int i = 0; i < futures.size(); i++) {
      ApiFuture<String> f = futures.get(i);
      if (f == null) {
        failed.add(ids.get(i));
        continue;
      }
      try {
        f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (ExecutionException | TimeoutException e) {
        failed.add(ids.get(i));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failed.add(ids.get(i));
      }
    }
    return failed;
  }

  static PredictionSink sink(Publisher publisher) {
    return items -> publish(publisher, "prediction", items.stream().map(PredictionSink.Item::sourceId).toList(),
        items.stream().map(PredictionSink.Item::json).toList());
  }

  static DeadLetters deadLetters(Publisher publisher) {
    return letters -> publish(publisher, "dead-letter", letters.stream().map(DeadLetters.Letter::sourceId).toList(),
        letters.stream().map(DeadLetters.Letter::json).toList());
  }

  /** One JSON Lines object per batch under {@code prefix/yyyy-mm-dd/}. */
  static PredictionSink bucket(Storage storage, String bucket, String prefix) {
    return items -> {
      if (items.isEmpty()) {
        return Set.of();
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (PredictionSink.Item i : items) {
        out.writeBytes(i.json());
        out.write('\n');
      }
      String name = prefix + LocalDate.now(ZoneOffset.UTC) + "/" + UUID.randomUUID() + ".jsonl";
      try {
        storage.create(BlobInfo.newBuilder(bucket, name).setContentType("application/x-ndjson").build(),
            out.toByteArray(), com.google.cloud.storage.Storage.BlobTargetOption.doesNotExist());
        return Set.of();
      } catch (StorageException e) {
        Set<String> all = new HashSet<>();
        items.forEach(i -> all.add(i.sourceId()));
        return all;
      }
    };
  }
}

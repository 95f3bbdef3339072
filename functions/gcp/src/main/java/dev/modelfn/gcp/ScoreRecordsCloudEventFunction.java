package dev.modelfn.gcp;

import com.google.cloud.functions.CloudEventsFunction;
import com.google.events.cloud.pubsub.v1.MessagePublishedData;
import com.google.events.cloud.pubsub.v1.PubsubMessage;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.core.platform.Functions;
import dev.modelfn.core.stream.ScoreRecordsFunction;
import dev.modelfn.core.stream.SourceRecord;
import dev.modelfn.errors.InvalidInputException;
import dev.modelfn.gcp.internal.CloudEventData;
import dev.modelfn.gcp.internal.TraceContext;
import dev.modelfn.telemetry.JsonLogger;
import io.cloudevents.CloudEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Google Cloud Functions entry point for stream inference. Trigger: Pub/Sub {@code
 * google.cloud.pubsub.topic.v1.messagePublished} ({@code --trigger-topic}; payload {@code
 * MessagePublishedData}, the message's {@code data} base64-encoded). One message per invocation:
 * scored, its prediction published to {@code MODELFN_GCP_SINK_TOPIC} (or written under {@code
 * MODELFN_SINK_BUCKET}); a poison message goes to {@code MODELFN_GCP_DEAD_LETTER_TOPIC} with its
 * payload and the reason, and is acknowledged (the function returns normally); a prediction or dead
 * letter that could not be published throws, so that Pub/Sub delivers the message again (deploy
 * with {@code --retry}).
 */
public final class ScoreRecordsCloudEventFunction implements CloudEventsFunction {
  private final ScoreRecordsFunction function;
  private final JsonLogger log;

  /** The Functions Framework's constructor: configuration from the environment. */
  public ScoreRecordsCloudEventFunction() {
    this(System.getenv());
  }

  public ScoreRecordsCloudEventFunction(Map<String, String> env) {
    this(env, GcpFunctions.platform(env));
  }

  /** Builds the function on a given platform. */
  public ScoreRecordsCloudEventFunction(Map<String, String> env, GcpPlatform platform) {
    ModelfnConfig config = ModelfnConfig.from(env);
    this.log = new JsonLogger("dev.modelfn.gcp.ScoreRecordsCloudEventFunction", config.logLevel());
    this.function = Functions.scoreRecords(env, platform);
  }

  @Override
  public void accept(CloudEvent event) {
    if (!CloudEventData.PUBSUB_PUBLISHED.equals(event.getType())) {
      log.warn("event ignored: not a Pub/Sub message", "event_id", event.getId(), "type", event.getType());
      return;
    }
    TraceContext.set(CloudEventData.trace(event).orElse(null));
    try {
      SourceRecord record;
      try {
        record = record(event);
      } catch (InvalidInputException e) {
        // not a message Pub/Sub would have sent: its raw data goes to the dead letters with the
        // reason (the function dead-letters what it cannot decode), and the event is acknowledged
        log.warn("event is not a readable Pub/Sub message; dead-lettered", "event_id", event.getId(), "detail",
            e.getMessage());
        byte[] raw = event.getData() == null ? new byte[0] : event.getData().toBytes();
        record = new SourceRecord(event.getId(), String.valueOf(event.getSource()), Optional.empty(), raw,
            Optional.empty());
      }
      ScoreRecordsFunction.Result r = function.apply(List.of(record), ScoreRecordsFunction.Ordering.NONE);
      if (!r.retry().isEmpty()) {
        throw new RetryableDeliveryException("message " + record.id() + " was not published to the sink or the dead"
            + " letters; Pub/Sub delivers it again");
      }
      log.debug("message scored", "message_id", record.id(), "scored", r.scored(), "poisoned", r.poisoned());
    } finally {
      TraceContext.clear();
    }
  }

  /** The message as a record: its id, the subscription as its position, the decoded data, the publish time. */
  static SourceRecord record(CloudEvent event) {
    MessagePublishedData data = CloudEventData.messagePublished(event);
    PubsubMessage m = data.getMessage();
    String id = m.getMessageId().isEmpty() ? event.getId() : m.getMessageId();
    Optional<Instant> published = m.hasPublishTime()
        ? Optional.of(Instant.ofEpochSecond(m.getPublishTime().getSeconds(), m.getPublishTime().getNanos()))
        : Optional.empty();
    String position = data.getSubscription().isEmpty() ? String.valueOf(event.getSource()) : data.getSubscription();
    return new SourceRecord(id, position, m.getOrderingKey().isEmpty() ? Optional.empty()
        : Optional.of(m.getOrderingKey()), m.getData().toByteArray(), published);
  }

  /** A message to deliver again: thrown so that the Functions Framework answers 500 and Pub/Sub retries. */
  public static final class RetryableDeliveryException extends RuntimeException {
    RetryableDeliveryException(String message) {
      super(message);
    }
  }
}

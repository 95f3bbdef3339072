package dev.modelfn.gcp.internal;

import com.google.events.cloud.pubsub.v1.MessagePublishedData;
import com.google.events.cloud.storage.v1.StorageObjectData;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.codec.Json;
import dev.modelfn.errors.InvalidInputException;
import io.cloudevents.CloudEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the data of the CloudEvents Google sends (https://github.com/googleapis/google-cloudevents):
 * Cloud Storage's {@code google.cloud.storage.object.v1.*} ({@link StorageObjectData}) and
 * Pub/Sub's {@code google.cloud.pubsub.topic.v1.messagePublished} ({@link MessagePublishedData}),
 * both JSON, with the payload types Google publishes. The Functions Framework has already read the
 * event itself (binary or structured content mode) into a {@link CloudEvent}.
 */
public final class CloudEventData {
  public static final String STORAGE_FINALIZED = "google.cloud.storage.object.v1.finalized";
  public static final String PUBSUB_PUBLISHED = "google.cloud.pubsub.topic.v1.messagePublished";

  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

  private CloudEventData() {}

  /** The trace an event carries in its {@code traceparent} extension (W3C trace context), if any. */
  public static java.util.Optional<TraceContext.Trace> trace(CloudEvent event) {
    Object tp = event.getExtension("traceparent");
    return TraceContext.parse(tp == null ? null : tp.toString(), null);
  }

  public static StorageObjectData storageObject(CloudEvent event) {
    StorageObjectData.Builder b = StorageObjectData.newBuilder();
    merge(event, b);
    return b.build();
  }

  public static MessagePublishedData messagePublished(CloudEvent event) {
    MessagePublishedData.Builder b = MessagePublishedData.newBuilder();
    merge(event, b);
    return b.build();
  }

  /**
   * Drops a {@code snake_case} member whose {@code camelCase} twin is present: Pub/Sub's events
   * carry both ({@code messageId} and {@code message_id}, {@code publishTime} and {@code
   * publish_time}), which protobuf's JSON parser takes as one field set twice.
   */
  static void withoutTwins(JsonNode node) {
    if (node instanceof ObjectNode o) {
      List<String> twins = new ArrayList<>();
      o.fieldNames().forEachRemaining(name -> {
        if (name.indexOf('_') > 0 && o.has(camel(name))) {
          twins.add(name);
        }
      });
      o.remove(twins);
      o.elements().forEachRemaining(CloudEventData::withoutTwins);
    } else if (node != null && node.isArray()) {
      node.elements().forEachRemaining(CloudEventData::withoutTwins);
    }
  }

  private static String camel(String snake) {
    StringBuilder sb = new StringBuilder(snake.length());
    boolean up = false;
    for (char c : snake.toCharArray()) {
      if (c == '_') {
        up = true;
      } else {
        sb.append(up ? Character.toUpperCase(c) : c);
        up = false;
      }
    }
    return sb.toString();
  }

  private static void merge(CloudEvent event, Message.Builder builder) {
    if (event.getData() == null) {
      throw new InvalidInputException("/data", "the event's data (" + event.getType() + ")", "an event without data");
    }
    try {
      JsonNode tree = Json.parse(event.getData().toBytes());
      withoutTwins(tree);
      PARSER.merge(tree.toString(), builder);
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidInputException("/data", "the JSON data of a " + event.getType() + " event", e.getMessage(), e);
    }
  }
}

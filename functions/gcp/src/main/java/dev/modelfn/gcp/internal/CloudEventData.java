package dev.modelfn.gcp.internal;

import com.google.events.cloud.pubsub.v1.MessagePublishedData;
import com.google.events.cloud.storage.v1.StorageObjectData;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.modelfn.errors.InvalidInputException;
import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;

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

  private static void merge(CloudEvent event, Message.Builder builder) {
    if (event.getData() == null) {
      throw new InvalidInputException("/data", "the event's data (" + event.getType() + ")", "an event without data");
    }
    try {
      PARSER.merge(new String(event.getData().toBytes(), StandardCharsets.UTF_8), builder);
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidInputException("/data", "the JSON data of a " + event.getType() + " event", e.getMessage(), e);
    }
  }
}

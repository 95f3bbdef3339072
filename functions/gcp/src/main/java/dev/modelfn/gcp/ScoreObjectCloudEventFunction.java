package dev.modelfn.gcp;

import com.google.cloud.functions.CloudEventsFunction;
import com.google.events.cloud.pubsub.v1.MessagePublishedData;
import com.google.events.cloud.storage.v1.StorageObjectData;
import dev.modelfn.config.EnvValues;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.core.batch.ScoreObjectFunction;
import dev.modelfn.errors.InvalidInputException;
import dev.modelfn.core.platform.Functions;
import dev.modelfn.gcp.internal.CloudEventData;
import dev.modelfn.gcp.internal.TraceContext;
import dev.modelfn.telemetry.JsonLogger;
import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Google Cloud Functions entry point for batch scoring. Triggers: Cloud Storage {@code
 * google.cloud.storage.object.v1.finalized} ({@code --trigger-bucket}; payload {@code
 * StorageObjectData}): the object is scored into {@code predictions/}, {@code manifests/} and
 * {@code rejects/} as on S3; and Pub/Sub {@code google.cloud.pubsub.topic.v1.messagePublished}
 * ({@code --trigger-topic}) on {@code MODELFN_GCP_CONTINUATION_TOPIC}: the continuation of a run
 * that neared its timeout. A file that fails for a reason in the file is recorded in its manifest
 * and the event is acknowledged; an unexpected error is thrown, so that an event trigger deployed
 * with {@code --retry} delivers the event again (the manifest's claim makes that safe).
 */
public final class ScoreObjectCloudEventFunction implements CloudEventsFunction {
  /** Cloud Functions' longest timeout for event-driven functions. */
  static final int DEFAULT_TIMEOUT_SECONDS = 540;

  private final ScoreObjectFunction function;
  private final JsonLogger log;
  private final long timeoutMillis;

  /** The Functions Framework's constructor: configuration from the environment. */
  public ScoreObjectCloudEventFunction() {
    this(System.getenv());
  }

  public ScoreObjectCloudEventFunction(Map<String, String> env) {
    this(env, GcpFunctions.platform(env));
  }

  /** Builds the function on a given platform (tests that bring their own Cloud Storage). */
  public ScoreObjectCloudEventFunction(Map<String, String> env, GcpPlatform platform) {
    ModelfnConfig config = ModelfnConfig.from(env);
    this.log = new JsonLogger("dev.modelfn.gcp.ScoreObjectCloudEventFunction", config.logLevel());
    this.timeoutMillis = EnvValues.positiveInt(env, GcpEnvVars.TIMEOUT_SECONDS, DEFAULT_TIMEOUT_SECONDS) * 1000L;
    this.function = Functions.scoreObject(env, platform);
  }

  @Override
  public void accept(CloudEvent event) {
    long started = System.currentTimeMillis();
    LongSupplier remaining = () -> timeoutMillis - (System.currentTimeMillis() - started);
    TraceContext.set(CloudEventData.trace(event).orElse(null));
    try {
      Optional<ScoreObjectFunction.Request> req = request(event);
      if (req.isEmpty()) {
        return;
      }
      ScoreObjectFunction.Result r = function.apply(req.get(), remaining);
      log.info("object event handled", "event_id", event.getId(), "bucket", req.get().bucket(), "key",
          req.get().key(), "outcome", r.outcome().name(), "detail", r.detail(), "rows_in", r.rowsIn(), "rows_out",
          r.rowsOut(), "rejected", r.rejected());
    } finally {
      TraceContext.clear();
    }
  }

  /**
   * The work an event names: an object that was written, a continuation, or nothing. An event whose
   * data cannot be read names nothing: it is logged and acknowledged, since delivering it again
   * cannot help.
   */
  Optional<ScoreObjectFunction.Request> request(CloudEvent event) {
    try {
      return requestOf(event);
    } catch (InvalidInputException e) {
      log.warn("event ignored: its data cannot be read", "event_id", event.getId(), "type", event.getType(), "detail",
          e.getMessage());
      return Optional.empty();
    }
  }

  private Optional<ScoreObjectFunction.Request> requestOf(CloudEvent event) {
    switch (event.getType()) {
      case CloudEventData.STORAGE_FINALIZED -> {
        StorageObjectData o = CloudEventData.storageObject(event);
        return Optional.of(ScoreObjectFunction.Request.of(o.getBucket(), o.getName()));
      }
      case CloudEventData.PUBSUB_PUBLISHED -> {
        MessagePublishedData m = CloudEventData.messagePublished(event);
        String body = m.getMessage().getData().toString(StandardCharsets.UTF_8);
        Optional<ScoreObjectFunction.Request> c = ScoreObjectFunction.continuation(body);
        if (c.isEmpty()) {
          log.warn("message ignored: not a batch continuation", "event_id", event.getId(), "message_id",
              m.getMessage().getMessageId());
        }
        return c;
      }
      default -> {
        log.warn("event ignored: not a Cloud Storage object finalized or a Pub/Sub message", "event_id",
            event.getId(), "type", event.getType());
        return Optional.empty();
      }
    }
  }
}

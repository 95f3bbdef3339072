package dev.modelfn.gcp;

import com.google.events.cloud.pubsub.v1.PubsubMessage;
import com.google.cloud.functions.CloudEventsFunction;
import dev.modelfn.config.EnvVars;
import dev.modelfn.core.async.AsyncJobWorker;
import dev.modelfn.core.platform.Functions;
import dev.modelfn.errors.InvalidInputException;
import dev.modelfn.gcp.internal.CloudEventData;
import dev.modelfn.gcp.internal.TraceContext;
import dev.modelfn.telemetry.JsonLogger;
import io.cloudevents.CloudEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Google Cloud Functions entry point for asynchronous jobs. Trigger: Pub/Sub {@code
 * google.cloud.pubsub.topic.v1.messagePublished} on the jobs topic {@code MODELFN_GCP_JOBS_TOPIC}
 * ({@code --trigger-topic}, deployed with {@code --retry}). One job message per invocation: runs the
 * job, stores its result in {@code MODELFN_DATA_BUCKET} and posts the signed callback, retrying
 * failed deliveries through delayed messages on the same topic (see {@code PubSubJobQueue}).
 *
 * <p>A message whose {@code not_before_ms} has not come yet fails with {@link NotYetDueException},
 * and so does one that should come back (model not ready, storage unavailable): the Functions
 * Framework answers 500 and Pub/Sub delivers the message again after the subscription's retry
 * delay. A message that is not a job message is logged and acknowledged (the function returns
 * normally): delivering it again cannot help.
 */
public final class AsyncJobCloudEventFunction implements CloudEventsFunction {
  private final AsyncJobWorker worker;
  private final Clock clock;
  private final JsonLogger log;

  /** The Functions Framework's constructor: configuration from the environment. */
  public AsyncJobCloudEventFunction() {
    this(System.getenv());
  }

  public AsyncJobCloudEventFunction(Map<String, String> env) {
    this(env, GcpFunctions.platform(env));
  }

  /** Builds the worker on a given platform. */
  public AsyncJobCloudEventFunction(Map<String, String> env, GcpPlatform platform) {
    this(env, platform, Clock.systemUTC());
  }

  /** @param clock the time a message's {@code not_before_ms} is compared with */
  AsyncJobCloudEventFunction(Map<String, String> env, GcpPlatform platform, Clock clock) {
    Map<String, String> core = GcpFunctions.workerEnvironment(env);
    this.log = new JsonLogger("dev.modelfn.gcp.AsyncJobCloudEventFunction", core.getOrDefault(EnvVars.LOG_LEVEL,
        "INFO"));
    this.clock = clock;
    this.worker = Functions.asyncWorker(core, platform);
  }

  @Override
  public void accept(CloudEvent event) {
    if (!CloudEventData.PUBSUB_PUBLISHED.equals(event.getType())) {
      log.warn("event ignored: not a Pub/Sub message", "event_id", event.getId(), "type", event.getType());
      return;
    }
    TraceContext.set(CloudEventData.trace(event).orElse(null));
    try {
      PubsubMessage m;
      try {
        m = CloudEventData.messagePublished(event).getMessage();
      } catch (InvalidInputException e) {
        log.warn("job message dropped: the event is not a readable Pub/Sub message", "event_id", event.getId(),
            "detail", e.getMessage());
        return;
      }
      String messageId = m.getMessageId().isEmpty() ? event.getId() : m.getMessageId();
      Optional<Instant> due = notBefore(m, messageId);
      Instant now = clock.instant();
      if (due.isPresent() && now.isBefore(due.get())) {
        throw new NotYetDueException("job message " + messageId + " is due at " + due.get() + ", in "
            + Duration.between(now, due.get()).toMillis() / 1000.0 + " s; Pub/Sub delivers it again after the"
            + " subscription's retry delay");
      }
      try {
        worker.handle(m.getData().toByteArray());
      } catch (AsyncJobWorker.RetryLaterException e) {
        log.warn("job message will be retried", "message_id", messageId, "detail", e.getMessage());
        throw e;
      } catch (IllegalArgumentException e) {
        // not a job message (the detail says why): nothing to fix in the function, no stack trace
        log.warn("job message dropped: not a job message", "message_id", messageId, "detail", e.getMessage());
      }
    } finally {
      TraceContext.clear();
    }
  }

  /** The message's due time; a malformed attribute is logged and the message runs now rather than never. */
  private Optional<Instant> notBefore(PubsubMessage m, String messageId) {
    try {
      return PubSubJobQueue.notBefore(m.getAttributesMap());
    } catch (IllegalArgumentException e) {
      log.warn("job message's due time ignored", "message_id", messageId, "detail", e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * A delayed job message delivered before its time: thrown so that the Functions Framework answers
   * 500 and Pub/Sub delivers it again later. Carries no stack trace: it is no fault.
   */
  public static final class NotYetDueException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotYetDueException(String message) {
      super(message, null, false, false);
    }
  }
}

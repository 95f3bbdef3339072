package dev.modelfn.gcp;

import com.google.cloud.pubsub.v1.Publisher;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import dev.modelfn.core.async.JobQueue;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The job queue on Pub/Sub: each job message is published to the jobs topic ({@code
 * MODELFN_GCP_JOBS_TOPIC}) with the client library, and waited for, so that a refused publish
 * reaches the caller (the HTTP function then answers 503, the worker's message is delivered again).
 *
 * <p>Pub/Sub has no per-message delay (SQS's {@code DelaySeconds}). A delayed message is published
 * at once with the attribute {@value #NOT_BEFORE} (epoch milliseconds); {@link
 * AsyncJobCloudEventFunction} refuses it until then by failing the delivery, and Pub/Sub delivers it
 * again after the trigger subscription's retry delay (exponential backoff, 10 s to 600 s). A delay
 * is therefore at least the one asked for, rounded up to the next retry: see docs/gcp.md.
 */
final class PubSubJobQueue implements JobQueue {
  /** The attribute that holds the earliest time a message may run, in epoch milliseconds. */
  static final String NOT_BEFORE = "not_before_ms";
  /** The attribute {@code kind} of job messages and of abandoned callbacks. */
  static final String KIND = "kind";

  /** Well inside an HTTP function's timeout, so that a stalled publish is answered 503, not cut off by the platform. */
  private static final long PUBLISH_TIMEOUT_SECONDS = 10;

  private final Supplier<Publisher> jobs;
  private final String jobsTopic;
  private final Optional<Supplier<Publisher>> deadLetters;
  private final String deadLetterTopic;
  private final Clock clock;

  /**
   * @param deadLetters the publisher of the dead-letter topic, if one is configured
   * @param clock the time a delay counts from
   */
  PubSubJobQueue(String jobsTopic, Supplier<Publisher> jobs, String deadLetterTopic,
      Optional<Supplier<Publisher>> deadLetters, Clock clock) {
    this.jobsTopic = jobsTopic;
    this.jobs = jobs;
    this.deadLetterTopic = deadLetterTopic;
    this.deadLetters = deadLetters;
    this.clock = clock;
  }

  @Override
  public void send(byte[] message, int delaySeconds) {
    if (delaySeconds < 0) {
      throw new IllegalArgumentException("a job message's delay must be 0 or more seconds, got " + delaySeconds);
    }
    PubsubMessage.Builder m = PubsubMessage.newBuilder().setData(ByteString.copyFrom(message)).putAttributes(KIND, "job");
    if (delaySeconds > 0) {
      m.putAttributes(NOT_BEFORE, Long.toString(clock.millis() + delaySeconds * 1000L));
    }
    publish(jobs.get(), jobsTopic, m.build(), "the job message");
  }

  /** Publishes the record of an abandoned callback to the dead-letter topic, if one is configured. */
  @Override
  public void deadLetter(byte[] message) {
    if (deadLetters.isPresent()) {
      publish(deadLetters.get().get(), deadLetterTopic, PubsubMessage.newBuilder().setData(ByteString.copyFrom(message))
          .putAttributes(KIND, "callback_failed").build(), "the abandoned callback");
    }
  }

  /**
   * The earliest time a message may run, from its {@value #NOT_BEFORE} attribute; empty when it has
   * none.
   *
   * @throws IllegalArgumentException when the attribute is not a number of milliseconds
   */
  static Optional<Instant> notBefore(Map<String, String> attributes) {
    String v = attributes.get(NOT_BEFORE);
    if (v == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.ofEpochMilli(Long.parseLong(v.trim())));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("attribute " + NOT_BEFORE + " must be epoch milliseconds, got '" + v + "'", e);
    }
  }

  private static void publish(Publisher publisher, String topic, PubsubMessage message, String what) {
    publishAndWait(publisher, topic, message, what, PUBLISH_TIMEOUT_SECONDS);
  }

  /**
   * Publishes one message and waits until Pub/Sub has it.
   *
   * @throws IllegalStateException naming {@code what} and the topic when it is refused or not answered in time
   */
  static void publishAndWait(Publisher publisher, String topic, PubsubMessage message, String what,
      long timeoutSeconds) {
    try {
      publisher.publish(message).get(timeoutSeconds, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IllegalStateException("cannot publish " + what + " to " + topic + ": " + cause.getMessage(), cause);
    } catch (TimeoutException e) {
      throw new IllegalStateException("cannot publish " + what + " to " + topic + ": no answer within "
          + timeoutSeconds + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing " + what + " to " + topic, e);
    }
  }
}

package dev.modelfn.spring.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.aws.BatchScoringHandler;
import dev.modelfn.codec.Json;
import dev.modelfn.core.platform.Platform;
import java.io.InputStream;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.springframework.messaging.Message;

/**
 * The {@code scoreObject} bean: S3 "object created" notifications (direct, wrapped in SQS messages,
 * or as EventBridge events) and the continuations of long runs in, the summary out. The event
 * mapping is the Lambda adapter's own ({@link BatchScoringHandler}) on the platform's ports, with
 * the invocation's remaining time from the Lambda context. For SQS batches the answer names, in
 * {@code batchItemFailures}, the messages that hit an unexpected error.
 */
public final class ScoreObjectEventFunction implements Function<Message<InputStream>, byte[]> {
  private final BatchScoringHandler handler;

  public ScoreObjectEventFunction(Map<String, String> env, Platform platform) {
    this.handler = new BatchScoringHandler(env, platform);
  }

  @Override
  public byte[] apply(Message<InputStream> message) {
    Context context = LambdaEvents.context(message);
    LongSupplier remaining = context == null ? () -> Long.MAX_VALUE : context::getRemainingTimeInMillis;
    return LambdaEvents.json(handle(Json.parse(LambdaEvents.bytes(message)), remaining));
  }

  /** Handles one event; the answer names failed SQS messages, and what was done with each object. */
  public ObjectNode handle(JsonNode event, LongSupplier remaining) {
    return handler.handle(event, remaining);
  }
}

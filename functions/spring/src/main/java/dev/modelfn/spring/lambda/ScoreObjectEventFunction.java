package dev.modelfn.spring.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.codec.Json;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.core.batch.ScoreObjectFunction;
import dev.modelfn.core.platform.Functions;
import dev.modelfn.core.platform.Platform;
import dev.modelfn.telemetry.JsonLogger;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.springframework.messaging.Message;

/**
 * The {@code scoreObject} bean: S3 "object created" notifications (direct, wrapped in SQS messages,
 * or as EventBridge events) and the continuations of long runs in, the summary out, as {@code
 * dev.modelfn.aws.BatchScoringHandler} answers them: each object scored by the core function built
 * by {@link Functions#scoreObject}, with the invocation's remaining time from the Lambda context.
 * For SQS batches the answer names, in {@code batchItemFailures}, the messages that hit an
 * unexpected error.
 */
public final class ScoreObjectEventFunction implements Function<Message<InputStream>, byte[]> {
  private final ScoreObjectFunction function;
  private final JsonLogger log;

  public ScoreObjectEventFunction(Map<String, String> env, Platform platform) {
    this.log = new JsonLogger("dev.modelfn.spring.scoreObject", ModelfnConfig.from(env).logLevel());
    this.function = Functions.scoreObject(env, platform);
  }

  @Override
  public byte[] apply(Message<InputStream> message) {
    Context context = LambdaEvents.context(message);
    LongSupplier remaining = context == null ? () -> Long.MAX_VALUE : context::getRemainingTimeInMillis;
    ObjectNode answer = handle(Json.parse(LambdaEvents.bytes(message)), remaining);
    try {
      return Json.mapper().writeValueAsBytes(answer);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Handles one event; the answer names failed SQS messages, and what was done with each object. */
  public ObjectNode handle(JsonNode event, LongSupplier remaining) {
    ObjectNode answer = Json.mapper().createObjectNode();
    if ("aws.s3".equals(event.path("source").asText()) && event.has("detail")) {
      run(List.of(eventBridgeRequest(event)), remaining, answer.putArray("results"));
      return answer;
    }
    JsonNode records = event.path("Records");
    ArrayNode results = answer.putArray("results");
    if (records.isArray() && !records.isEmpty() && "aws:sqs".equals(records.get(0).path("eventSource").asText())) {
      ArrayNode failures = answer.putArray("batchItemFailures");
      for (JsonNode m : records) {
        String id = m.path("messageId").asText();
        try {
          run(requests(m.path("body").asText()), remaining, results);
        } catch (RuntimeException e) {
          log.error("message failed; it stays on the queue", e, "message_id", id);
          failures.addObject().put("itemIdentifier", id);
        }
      }
      return answer;
    }
    run(s3Requests(event), remaining, results);
    return answer;
  }

  /** The work in one SQS message: a continuation, an S3 or EventBridge event, or nothing (S3's test event). */
  private static List<ScoreObjectFunction.Request> requests(String body) {
    Optional<ScoreObjectFunction.Request> continuation = ScoreObjectFunction.continuation(body);
    if (continuation.isPresent()) {
      return List.of(continuation.get());
    }
    JsonNode n = Json.parse(body.getBytes(StandardCharsets.UTF_8));
    if ("s3:TestEvent".equals(n.path("Event").asText())) {
      return List.of();
    }
    if ("aws.s3".equals(n.path("source").asText())) {
      return List.of(eventBridgeRequest(n));
    }
    return s3Requests(n);
  }

  private static ScoreObjectFunction.Request eventBridgeRequest(JsonNode event) {
    JsonNode d = event.path("detail");
    return ScoreObjectFunction.Request.of(d.path("bucket").path("name").asText(), d.path("object").path("key").asText());
  }

  private static List<ScoreObjectFunction.Request> s3Requests(JsonNode event) {
    List<ScoreObjectFunction.Request> out = new ArrayList<>();
    for (JsonNode r : event.path("Records")) {
      if (!r.path("eventName").asText().startsWith("ObjectCreated")) {
        continue;
      }
      // keys in S3 notifications are URL-encoded as in forms: '+' is a space
      String key = URLDecoder.decode(r.path("s3").path("object").path("key").asText(), StandardCharsets.UTF_8);
      out.add(ScoreObjectFunction.Request.of(r.path("s3").path("bucket").path("name").asText(), key));
    }
    return out;
  }

  private void run(List<ScoreObjectFunction.Request> requests, LongSupplier remaining, ArrayNode results) {
    for (ScoreObjectFunction.Request req : requests) {
      ScoreObjectFunction.Result r = function.apply(req, remaining);
      results.addObject().put("key", req.key()).put("outcome", r.outcome().name()).put("detail", r.detail())
          .put("rowsIn", r.rowsIn()).put("rowsOut", r.rowsOut()).put("rejected", r.rejected());
    }
  }
}

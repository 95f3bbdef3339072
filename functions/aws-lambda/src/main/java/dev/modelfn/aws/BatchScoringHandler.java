package dev.modelfn.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.aws.internal.AwsPredictors;
import dev.modelfn.codec.Json;
import dev.modelfn.config.EnvValues;
import dev.modelfn.config.EnvVars;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.core.batch.InputFormat;
import dev.modelfn.core.batch.ScoreObjectFunction;
import dev.modelfn.core.platform.Functions;
import dev.modelfn.core.platform.Platform;
import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
import dev.modelfn.model.Predictor;
import dev.modelfn.telemetry.JsonLogger;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Lambda handler for S3-triggered batch scoring. Events: S3 notifications delivered directly, S3
 * notifications wrapped in SQS messages (the default, durable path; the queue also carries the
 * continuations of long runs), and EventBridge "Object Created" events. For SQS batches it answers
 * with {@code batchItemFailures} naming only the messages that hit an unexpected error; a file that
 * fails for a reason in the file (its header, say) is recorded in its manifest and not retried.
 */
public final class BatchScoringHandler implements RequestStreamHandler {
  private final ScoreObjectFunction function;
  private final JsonLogger log;

  public BatchScoringHandler() {
    this(System.getenv());
  }

  public BatchScoringHandler(Map<String, String> env) {
    this(env, new AwsPlatform(env));
  }

  /**
   * On the given platform's ports: another adapter that receives the same Lambda events (Spring
   * Cloud Function's {@code FunctionInvoker}) reuses this event mapping whole.
   */
  public BatchScoringHandler(Map<String, String> env, Platform platform) {
    ModelfnConfig config = ModelfnConfig.from(env);
    this.log = new JsonLogger("dev.modelfn.aws.BatchScoringHandler", config.logLevel());
    this.function = Functions.scoreObject(env, platform);
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    JsonNode event = Json.parse(input.readAllBytes());
    LongSupplier remaining = context == null ? () -> Long.MAX_VALUE : context::getRemainingTimeInMillis;
    output.write(Json.mapper().writeValueAsBytes(handle(event, remaining)));
  }

  /** Handles one event; the answer names failed SQS messages, or summarises what was done. */
  public ObjectNode handle(JsonNode event, LongSupplier remaining) {
    ObjectNode answer = Json.mapper().createObjectNode();
    if ("aws.s3".equals(event.path("source").asText()) && event.has("detail")) {
      JsonNode d = event.get("detail");
      run(List.of(ScoreObjectFunction.Request.of(d.path("bucket").path("name").asText(),
          d.path("object").path("key").asText())), remaining, answer.putArray("results"));
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

  /** The work in one SQS message: a continuation, an S3 event (maybe an EventBridge one), or nothing (a test event). */
  private List<ScoreObjectFunction.Request> requests(String body) {
    Optional<ScoreObjectFunction.Request> continuation = ScoreObjectFunction.continuation(body);
    if (continuation.isPresent()) {
      return List.of(continuation.get());
    }
    JsonNode n = Json.parse(body.getBytes(StandardCharsets.UTF_8));
    if ("s3:TestEvent".equals(n.path("Event").asText())) {
      return List.of();
    }
    if ("aws.s3".equals(n.path("source").asText())) {
      JsonNode d = n.path("detail");
      return List.of(ScoreObjectFunction.Request.of(d.path("bucket").path("name").asText(),
          d.path("object").path("key").asText()));
    }
    return s3Requests(n);
  }

  private static List<ScoreObjectFunction.Request> s3Requests(JsonNode event) {
    List<ScoreObjectFunction.Request> out = new ArrayList<>();
    for (JsonNode r : event.path("Records")) {
      if (!r.path("eventName").asText().startsWith("ObjectCreated")) {
        continue;
      }
      String key = r.path("s3").path("object").path("key").asText();
      // keys in S3 notifications are URL-encoded as in forms: '+' is a space
      out.add(ScoreObjectFunction.Request.of(r.path("s3").path("bucket").path("name").asText(),
          URLDecoder.decode(key, StandardCharsets.UTF_8)));
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

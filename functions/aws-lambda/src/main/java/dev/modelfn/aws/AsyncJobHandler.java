package dev.modelfn.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.codec.Json;
import dev.modelfn.config.EnvVars;
import dev.modelfn.core.async.AsyncJobWorker;
import dev.modelfn.core.platform.Functions;
import dev.modelfn.core.platform.Platform;
import dev.modelfn.telemetry.JsonLogger;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Lambda handler for asynchronous jobs. Trigger: the job queue ({@code MODELFN_JOBS_QUEUE_URL}) as an
 * SQS event source with {@code ReportBatchItemFailures}; runs each job, stores its result in the data
 * bucket (or hands it to the SageMaker asynchronous endpoint {@code MODELFN_SAGEMAKER_ASYNC_ENDPOINT}
 * and polls its output) and posts the signed callback, retrying failed deliveries through delayed messages on the
 * same queue. Answers {@code batchItemFailures} for messages that should come back (model not ready,
 * storage unavailable); a message that is not a job message is logged and dropped.
 */
public final class AsyncJobHandler implements RequestStreamHandler {
  private final AsyncJobWorker worker;
  private final JsonLogger log;

  public AsyncJobHandler() {
    this(System.getenv());
  }

  public AsyncJobHandler(Map<String, String> env) {
    this(env, new AwsPlatform(env));
  }

  /**
   * On the given platform's ports: another adapter that receives the same Lambda events (Spring
   * Cloud Function's {@code FunctionInvoker}) reuses this event mapping whole.
   */
  public AsyncJobHandler(Map<String, String> env, Platform platform) {
    this.log = new JsonLogger("dev.modelfn.aws.AsyncJobHandler", env.getOrDefault(EnvVars.LOG_LEVEL, "INFO"));
    this.worker = Functions.asyncWorker(env, platform);
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    output.write(Json.mapper().writeValueAsBytes(handle(Json.parse(input.readAllBytes()))));
  }

  /** Handles an SQS event; the answer names the messages to deliver again. */
  public ObjectNode handle(JsonNode event) {
    ObjectNode answer = Json.mapper().createObjectNode();
    ArrayNode failures = answer.putArray("batchItemFailures");
    for (JsonNode r : event.path("Records")) {
      String messageId = r.path("messageId").asText();
      try {
        worker.handle(r.path("body").asText().getBytes(StandardCharsets.UTF_8));
      } catch (AsyncJobWorker.RetryLaterException e) {
        log.warn("job message will be retried", "message_id", messageId, "detail", e.getMessage());
        failures.addObject().put("itemIdentifier", messageId);
      } catch (IllegalArgumentException e) {
        // not a job message (the detail says why): nothing to fix in the function, no stack trace
        log.warn("job message dropped: not a job message", "message_id", messageId, "detail", e.getMessage());
      }
    }
    return answer;
  }
}

package dev.modelfn.spring.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelfn.codec.Json;
import dev.modelfn.config.EnvVars;
import dev.modelfn.core.async.AsyncJobWorker;
import dev.modelfn.core.platform.Functions;
import dev.modelfn.core.platform.Platform;
import dev.modelfn.telemetry.JsonLogger;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.springframework.messaging.Message;

/**
 * The {@code asyncWorker} bean: SQS events of the job queue ({@code MODELFN_JOBS_QUEUE_URL}) in,
 * {@code batchItemFailures} out, as {@code dev.modelfn.aws.AsyncJobHandler} answers them: each job
 * run by the core worker ({@link Functions#asyncWorker}), which stores the result and delivers the
 * signed callback. A message to deliver again (model not ready, storage unavailable) is a batch
 * item failure; a message that is not a job message is logged and dropped.
 */
public final class AsyncJobEventFunction implements Function<Message<InputStream>, byte[]> {
  private final AsyncJobWorker worker;
  private final JsonLogger log;

  public AsyncJobEventFunction(Map<String, String> env, Platform platform) {
    this.log = new JsonLogger("dev.modelfn.spring.asyncWorker", env.getOrDefault(EnvVars.LOG_LEVEL, "INFO"));
    this.worker = Functions.asyncWorker(env, platform);
  }

  @Override
  public byte[] apply(Message<InputStream> message) {
    return handle(LambdaEvents.bytes(message));
  }

  /** One SQS event's bytes to the answer's. */
  public byte[] handle(byte[] event) {
    List<String> retry = new ArrayList<>();
    for (JsonNode r : Json.parse(event).path("Records")) {
      String messageId = r.path("messageId").asText();
      try {
        worker.handle(r.path("body").asText().getBytes(StandardCharsets.UTF_8));
      } catch (AsyncJobWorker.RetryLaterException e) {
        log.warn("job message will be retried", "message_id", messageId, "detail", e.getMessage());
        retry.add(messageId);
      } catch (IllegalArgumentException e) {
        log.error("job message dropped", e, "message_id", messageId);
      }
    }
    return ScoreRecordsEventFunction.batchItemFailures(retry);
  }
}

package dev.modelfn.spring.lambda;

import dev.modelfn.aws.AsyncJobHandler;
import dev.modelfn.codec.Json;
import dev.modelfn.core.platform.Platform;
import java.io.InputStream;
import java.util.Map;
import java.util.function.Function;
import org.springframework.messaging.Message;

/**
 * The {@code asyncWorker} bean: SQS events of the job queue in, {@code batchItemFailures} out. The
 * event mapping is the Lambda adapter's own ({@link AsyncJobHandler}: each job run by the core
 * worker, which stores the result and delivers the signed callback) on the platform's ports. A
 * message to deliver again (model not ready, storage unavailable) is a batch item failure; a
 * message that is not a job message is logged and dropped.
 */
public final class AsyncJobEventFunction implements Function<Message<InputStream>, byte[]> {
  private final AsyncJobHandler handler;

  public AsyncJobEventFunction(Map<String, String> env, Platform platform) {
    this.handler = new AsyncJobHandler(env, platform);
  }

  @Override
  public byte[] apply(Message<InputStream> message) {
    return handle(LambdaEvents.bytes(message));
  }

  /** One SQS event's bytes to the answer's. */
  public byte[] handle(byte[] event) {
    return LambdaEvents.json(handler.handle(Json.parse(event)));
  }
}

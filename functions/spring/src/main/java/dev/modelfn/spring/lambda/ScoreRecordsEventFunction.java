package dev.modelfn.spring.lambda;

import dev.modelfn.aws.StreamInferenceHandler;
import dev.modelfn.core.platform.Platform;
import java.io.InputStream;
import java.util.Map;
import java.util.function.Function;
import org.springframework.messaging.Message;

/**
 * The {@code scoreRecords} bean: Kinesis and SQS (standard and FIFO) events in, {@code
 * batchItemFailures} out. The event mapping is the Lambda adapter's own ({@link
 * StreamInferenceHandler}) on the platform's ports, so both answer alike by construction. Poison
 * records go to the dead letters and never appear in the answer.
 */
public final class ScoreRecordsEventFunction implements Function<Message<InputStream>, byte[]> {
  private final StreamInferenceHandler handler;

  public ScoreRecordsEventFunction(Map<String, String> env, Platform platform) {
    this.handler = new StreamInferenceHandler(env, platform);
  }

  @Override
  public byte[] apply(Message<InputStream> message) {
    return handle(LambdaEvents.bytes(message));
  }

  /** One event's bytes to the answer's: the ids of the records Lambda should deliver again. */
  public byte[] handle(byte[] event) {
    return LambdaEvents.json(handler.handle(StreamInferenceHandler.records(event)));
  }
}

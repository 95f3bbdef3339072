package dev.modelfn.spring.lambda;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.modelfn.aws.StreamInferenceHandler;
import dev.modelfn.codec.Json;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.core.platform.Functions;
import dev.modelfn.core.platform.Platform;
import dev.modelfn.core.stream.ScoreRecordsFunction;
import dev.modelfn.telemetry.JsonLogger;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.springframework.messaging.Message;

/**
 * The {@code scoreRecords} bean: Kinesis and SQS (standard and FIFO) events in, {@code
 * batchItemFailures} out, as {@code dev.modelfn.aws.StreamInferenceHandler} answers them (its event
 * reader, {@link StreamInferenceHandler#records}, around the core function built by {@link
 * Functions#scoreRecords}). Poison records go to the dead letters and never appear in the answer.
 */
public final class ScoreRecordsEventFunction implements Function<Message<InputStream>, byte[]> {
  private final ScoreRecordsFunction function;
  private final JsonLogger log;

  public ScoreRecordsEventFunction(Map<String, String> env, Platform platform) {
    this.log = new JsonLogger("dev.modelfn.spring.scoreRecords", ModelfnConfig.from(env).logLevel());
    this.function = Functions.scoreRecords(env, platform);
  }

  @Override
  public byte[] apply(Message<InputStream> message) {
    return handle(LambdaEvents.bytes(message));
  }

  /** One event's bytes to the answer's: the ids of the records Lambda should deliver again. */
  public byte[] handle(byte[] event) {
    StreamInferenceHandler.Batch batch = StreamInferenceHandler.records(event);
    ScoreRecordsFunction.Result result = function.apply(batch.records(), batch.ordering());
    log.info("batch scored", "records", result.in(), "scored", result.scored(), "poisoned", result.poisoned(),
        "retried", result.retry().size());
    return batchItemFailures(result.retry());
  }

  /** {@code {"batchItemFailures":[{"itemIdentifier":...}]}}, the partial batch response of SQS and Kinesis. */
  static byte[] batchItemFailures(List<String> ids) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(32 + 48 * ids.size());
    try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeArrayFieldStart("batchItemFailures");
      for (String id : ids) {
        g.writeStartObject();
        g.writeStringField("itemIdentifier", id);
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}

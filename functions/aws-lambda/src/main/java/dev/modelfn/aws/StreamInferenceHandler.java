package dev.modelfn.aws;

import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.aws.internal.AwsPredictors;
import dev.modelfn.codec.Json;
import dev.modelfn.config.EnvVars;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.core.stream.DeadLetters;
import dev.modelfn.core.stream.PredictionSink;
import dev.modelfn.core.stream.ScoreRecordsFunction;
import dev.modelfn.core.stream.SourceRecord;
import dev.modelfn.model.ModelMetadata;
import dev.modelfn.model.Predictor;
import dev.modelfn.telemetry.JsonLogger;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Lambda handler for stream inference: Kinesis and SQS (standard and FIFO) event batches. Answers
 * with {@code batchItemFailures} (to be enabled on the event source mapping as
 * {@code ReportBatchItemFailures}); poison records never appear there, they go to the poison
 * queue. Sink: {@code MODELFN_SINK_QUEUE_URL}, {@code MODELFN_SINK_STREAM} or
 * {@code MODELFN_SINK_BUCKET}; dead letters: {@code MODELFN_POISON_QUEUE_URL}.
 */
public final class StreamInferenceHandler implements RequestStreamHandler {
  private final ScoreRecordsFunction function;
  private final JsonLogger log;

  public StreamInferenceHandler() {
    this(System.getenv());
  }

  public StreamInferenceHandler(Map<String, String> env) {
    ModelfnConfig config = ModelfnConfig.from(env);
    this.log = new JsonLogger("dev.modelfn.aws.StreamInferenceHandler", config.logLevel());
    Predictor predictor = AwsPredictors.create(config, env);
    ModelMetadata md = predictor.metadata();
    String poison = env.get(EnvVars.POISON_QUEUE_URL);
    if (poison == null || poison.isBlank()) {
      throw new ModelfnException(Problem.CONFIGURATION_ERROR, EnvVars.POISON_QUEUE_URL + " is not set: poison records need a dead-letter"
          + " queue, or they would block their shard");
    }
    var sqs = AwsPredictors.sqsClient(env);
    DeadLetters letters = StreamSinks.deadLetterQueue(sqs, poison);
    PredictionSink sink;
    if (present(env, EnvVars.SINK_QUEUE_URL)) {
      sink = StreamSinks.queue(sqs, env.get(EnvVars.SINK_QUEUE_URL));
    } else if (present(env, EnvVars.SINK_STREAM)) {
      sink = StreamSinks.stream(AwsPredictors.kinesisClient(env), env.get(EnvVars.SINK_STREAM));
    } else if (present(env, EnvVars.SINK_BUCKET)) {
      sink = StreamSinks.bucket(AwsPredictors.s3Client(env), env.get(EnvVars.SINK_BUCKET),
          env.getOrDefault(EnvVars.SINK_PREFIX, "stream-predictions/"));
    } else {
      throw new ModelfnException(Problem.CONFIGURATION_ERROR, "no sink: set " + EnvVars.SINK_QUEUE_URL + ", " + EnvVars.SINK_STREAM + " or "
          + EnvVars.SINK_BUCKET);
    }
    this.function = new ScoreRecordsFunction(predictor, sink, letters, new EmfMetrics(config.metricsNamespace(),
        config.metricsEnabled(), dev.modelfn.telemetry.Metrics.modelDimensions(md.name(), md.version())));
  }

  private static boolean present(Map<String, String> env, String name) {
    String v = env.get(name);
    return v != null && !v.isBlank();
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    output.write(Json.mapper().writeValueAsBytes(handle(records(input.readAllBytes()))));
  }

  /** Reads a Kinesis or SQS event's records from its bytes. */
  public static Batch records(byte[] event) {
    return records(Json.parse(event));
  }

  /** A Kinesis or SQS event's records, and the ordering its platform retries them with. */
  public record Batch(List<SourceRecord> records, ScoreRecordsFunction.Ordering ordering) {}

  /** Reads the records of a Kinesis or SQS event (Kinesis data base64-decoded). */
  public static Batch records(JsonNode event) {
    List<SourceRecord> records = new ArrayList<>();
    ScoreRecordsFunction.Ordering ordering = ScoreRecordsFunction.Ordering.NONE;
    for (JsonNode r : event.path("Records")) {
      switch (r.path("eventSource").asText()) {
        case "aws:kinesis" -> {
          JsonNode k = r.path("kinesis");
          byte[] payload;
          try {
            payload = Base64.getDecoder().decode(k.path("data").asText());
          } catch (IllegalArgumentException e) {
            payload = k.path("data").asText().getBytes(StandardCharsets.UTF_8); // decoded as poison below
          }
          double arrival = k.path("approximateArrivalTimestamp").asDouble(0);
          records.add(new SourceRecord(k.path("sequenceNumber").asText(), r.path("eventID").asText(),
              Optional.empty(), payload, arrival > 0 ? Optional.of(Instant.ofEpochMilli((long) (arrival * 1000)))
                  : Optional.empty()));
          ordering = ScoreRecordsFunction.Ordering.SHARD;
        }
        case "aws:sqs" -> {
          JsonNode a = r.path("attributes");
          long sent = a.path("SentTimestamp").asLong(0);
          records.add(new SourceRecord(r.path("messageId").asText(), r.path("eventSourceARN").asText(),
              Optional.ofNullable(a.hasNonNull("MessageGroupId") ? a.get("MessageGroupId").asText() : null),
              r.path("body").asText().getBytes(StandardCharsets.UTF_8),
              sent > 0 ? Optional.of(Instant.ofEpochMilli(sent)) : Optional.empty()));
          if (r.path("eventSourceARN").asText().endsWith(".fifo")) {
            ordering = ScoreRecordsFunction.Ordering.FIFO_GROUPS;
          }
        }
        default -> throw new IllegalArgumentException("not a Kinesis or SQS record: eventSource '"
            + r.path("eventSource").asText() + "'");
      }
    }
    return new Batch(records, ordering);
  }

  /** Scores a Kinesis or SQS event; the answer lists the records to retry. */
  public ObjectNode handle(JsonNode event) {
    return handle(records(event));
  }

  /** Scores the records of an event; the answer lists the records to retry. */
  public ObjectNode handle(Batch batch) {
    List<SourceRecord> records = batch.records();
    ScoreRecordsFunction.Ordering ordering = batch.ordering();
    ScoreRecordsFunction.Result result = function.apply(records, ordering);
    log.info("batch scored", "records", result.in(), "scored", result.scored(), "poisoned", result.poisoned(),
        "retried", result.retry().size());
    ObjectNode answer = Json.mapper().createObjectNode();
    ArrayNode failures = answer.putArray("batchItemFailures");
    result.retry().forEach(id -> failures.addObject().put("itemIdentifier", id));
    return answer;
  }
}

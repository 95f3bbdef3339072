package dev.modelfn.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.aws.internal.AwsPredictors;
import dev.modelfn.codec.Json;
import dev.modelfn.config.EnvVars;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.core.platform.Functions;
import dev.modelfn.core.platform.Platform;
import dev.modelfn.core.stream.DeadLetters;
import dev.modelfn.core.stream.PredictionSink;
import dev.modelfn.core.stream.ScoreRecordsFunction;
import dev.modelfn.core.stream.SourceRecord;
import dev.modelfn.errors.InvalidInputException;
import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
import dev.modelfn.model.ModelMetadata;
import dev.modelfn.model.Predictor;
import dev.modelfn.telemetry.JsonLogger;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
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
    this(env, new AwsPlatform(env));
  }

  /**
   * On the given platform's ports: another adapter that receives the same Lambda events (Spring
   * Cloud Function's {@code FunctionInvoker}) reuses this event mapping whole.
   */
  public StreamInferenceHandler(Map<String, String> env, Platform platform) {
    ModelfnConfig config = ModelfnConfig.from(env);
    this.log = new JsonLogger("dev.modelfn.aws.StreamInferenceHandler", config.logLevel());
    this.function = Functions.scoreRecords(env, platform);
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    output.write(Json.mapper().writeValueAsBytes(handle(records(input.readAllBytes()))));
  }

  /**
   * Reads a Kinesis or SQS event's records from its bytes, in one pass of Jackson's streaming
   * parser (Kinesis data base64-decoded; data that is not base64 is kept as it is, to be dead-lettered).
   */
  public static Batch records(byte[] event) {
    List<SourceRecord> records = new ArrayList<>();
    ScoreRecordsFunction.Ordering ordering = ScoreRecordsFunction.Ordering.NONE;
    try (JsonParser p = Json.ENVELOPE_FACTORY.createParser(event)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new InvalidInputException("", "a Kinesis or SQS event object", "another JSON value");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (!field.equals("Records") || value != JsonToken.START_ARRAY) {
          p.skipChildren();
          continue;
        }
        while (p.nextToken() == JsonToken.START_OBJECT) {
          RecordFields r = readRecord(p);
          switch (r.eventSource == null ? "" : r.eventSource) {
            case "aws:kinesis" -> {
              records.add(r.kinesis());
              ordering = ScoreRecordsFunction.Ordering.SHARD;
            }
            case "aws:sqs" -> {
              records.add(r.sqs());
              if (r.eventSourceArn.endsWith(".fifo")) {
                ordering = ScoreRecordsFunction.Ordering.FIFO_GROUPS;
              }
            }
            default -> throw new IllegalArgumentException("not a Kinesis or SQS record: eventSource '"
                + (r.eventSource == null ? "" : r.eventSource) + "'");
          }
        }
      }
    } catch (JsonProcessingException e) {
      throw new InvalidInputException("", "valid JSON", "malformed JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Batch(records, ordering);
  }

  /** The members of one Kinesis or SQS record that stream inference uses; the others are skipped. */
  private static final class RecordFields {
    String eventSource;
    String eventId = "";
    String eventSourceArn = "";
    String messageId = "";
    String body = "";
    String sequenceNumber = "";
    String data = "";
    double arrival;
    long sentTimestamp;
    String messageGroupId;

    SourceRecord kinesis() {
      byte[] payload;
      try {
        payload = Base64.getDecoder().decode(data);
      } catch (IllegalArgumentException e) {
        payload = data.getBytes(StandardCharsets.UTF_8); // decoded as poison later
      }
      return new SourceRecord(sequenceNumber, eventId, Optional.empty(), payload,
          arrival > 0 ? Optional.of(Instant.ofEpochMilli((long) (arrival * 1000))) : Optional.empty());
    }

    SourceRecord sqs() {
      return new SourceRecord(messageId, eventSourceArn, Optional.ofNullable(messageGroupId),
          body.getBytes(StandardCharsets.UTF_8),
          sentTimestamp > 0 ? Optional.of(Instant.ofEpochMilli(sentTimestamp)) : Optional.empty());
    }
  }

  private static RecordFields readRecord(JsonParser p) throws IOException {
    RecordFields r = new RecordFields();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken t = p.nextToken();
      switch (field) {
        case "eventSource" -> r.eventSource = text(p, t, r.eventSource);
        case "eventID" -> r.eventId = text(p, t, r.eventId);
        case "eventSourceARN" -> r.eventSourceArn = text(p, t, r.eventSourceArn);
        case "messageId" -> r.messageId = text(p, t, r.messageId);
        case "body" -> r.body = text(p, t, r.body);
        case "kinesis" -> {
          while (t == JsonToken.START_OBJECT && p.nextToken() == JsonToken.FIELD_NAME) {
            String k = p.currentName();
            JsonToken v = p.nextToken();
            switch (k) {
              case "sequenceNumber" -> r.sequenceNumber = text(p, v, r.sequenceNumber);
              case "data" -> r.data = text(p, v, r.data);
              case "approximateArrivalTimestamp" -> r.arrival = v.isNumeric() ? p.getDoubleValue() : 0;
              default -> p.skipChildren();
            }
          }
          if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
          }
        }
        case "attributes" -> {
          while (t == JsonToken.START_OBJECT && p.nextToken() == JsonToken.FIELD_NAME) {
            String k = p.currentName();
            JsonToken v = p.nextToken();
            switch (k) {
              case "SentTimestamp" -> r.sentTimestamp = v == JsonToken.VALUE_STRING || v.isNumeric()
                  ? parseLong(p.getText()) : 0;
              case "MessageGroupId" -> r.messageGroupId = v == JsonToken.VALUE_NULL ? null : p.getText();
              default -> p.skipChildren();
            }
          }
          if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
          }
        }
        default -> p.skipChildren();
      }
    }
    return r;
  }

  /** A member's text (numbers and booleans as their text, as a tree's {@code asText} gives them). */
  private static String text(JsonParser p, JsonToken t, String dflt) throws IOException {
    if (t.isScalarValue() && t != JsonToken.VALUE_NULL) {
      return p.getText();
    }
    p.skipChildren();
    return dflt;
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** A Kinesis or SQS event's records, and the ordering its platform retries them with. */
  public record Batch(List<SourceRecord> records, ScoreRecordsFunction.Ordering ordering) {}

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

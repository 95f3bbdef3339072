package dev.modelfn.core.stream;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.modelfn.codec.InstancesCodec;
import dev.modelfn.codec.Json;
import dev.modelfn.codec.Predictions;
import dev.modelfn.errors.InvalidInputException;
import dev.modelfn.model.InferenceRequest;
import dev.modelfn.model.InferenceResult;
import dev.modelfn.model.ModelMetadata;
import dev.modelfn.model.Predictor;
import dev.modelfn.model.Tensor;
import dev.modelfn.telemetry.Metrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Scores a batch of stream records: every record is decoded on its own (a JSON instance: an
 * object of named features or an array of values), all valid ones are scored in one model call,
 * and each prediction is published with its source id, the model's name and version and
 * timestamps. Failures are per record: a record that cannot be decoded or that the model refuses
 * is a poison record, sent to the dead letters with its payload, position and reason and counted
 * as processed; a record whose prediction the sink did not take is reported for retry.
 */
public final class ScoreRecordsFunction {
  /** How the platform retries a batch, which decides what else must be reported with a failure. */
  public enum Ordering {
    /** Kinesis: the platform resumes from the lowest reported sequence number. */
    SHARD,
    /** SQS FIFO: after a failure in a message group, the rest of that group must fail too. */
    FIFO_GROUPS,
    /** SQS standard: each record on its own. */
    NONE
  }

  /** What happened to a batch: the ids to retry and the counts. */
  public record Result(List<String> retry, int in, int scored, int poisoned) {}

  private final Predictor predictor;
  private final PredictionSink sink;
  private final DeadLetters deadLetters;
  private final Metrics metrics;

  public ScoreRecordsFunction(Predictor predictor, PredictionSink sink, DeadLetters deadLetters, Metrics metrics) {
    this.predictor = predictor;
    this.sink = sink;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
  }

  public Result apply(List<SourceRecord> records, Ordering ordering) {
    long t0 = System.nanoTime();
    ModelMetadata md = predictor.metadata();
    var spec = md.signature().tabularInput().filter(t -> t.type() == dev.modelfn.model.ElementType.FP32)
        .orElseThrow(() -> new IllegalStateException("stream inference reads records into a single [rows, features]"
            + " FP32 input; this model has " + md.signature().inputs().size() + " input(s): "
            + md.signature().describeInputs() + " (serve it through OIP v2 or v1 :predict)"));
    int width = md.signature().featureNames().isEmpty() ? (int) spec.shape().get(1).longValue()
        : md.signature().featureNames().size();
    List<SourceRecord> valid = new ArrayList<>();
    List<DeadLetters.Letter> letters = new ArrayList<>();
    float[] x = new float[records.size() * width];
    for (SourceRecord r : records) {
      try {
        ArrayNode one = JsonNodeFactory.instance.arrayNode().add(Json.parse(r.payload()));
        float[] v = (float[]) InstancesCodec.decode(one, "", md.signature(), 1).inputs().get(0).data();
        System.arraycopy(v, 0, x, valid.size() * width, width);
        valid.add(r);
      } catch (InvalidInputException e) {
        letters.add(letter(r, md, reason(e)));
      }
    }
    Set<String> failed = new LinkedHashSet<>();
    int scored = 0;
    if (!valid.isEmpty()) {
      InferenceResult result;
      try {
        result = infer(spec.name(), x, valid.size(), width);
      } catch (InvalidInputException refused) {
        // the model refused the batch: find the records it refuses one by one, score the rest
        List<SourceRecord> ok = new ArrayList<>();
        float[] kept = new float[valid.size() * width];
        for (int i = 0; i < valid.size(); i++) {
          float[] row = java.util.Arrays.copyOfRange(x, i * width, (i + 1) * width);
          try {
            infer(spec.name(), row, 1, width);
            System.arraycopy(row, 0, kept, ok.size() * width, width);
            ok.add(valid.get(i));
          } catch (InvalidInputException e) {
            letters.add(letter(valid.get(i), md, reason(e)));
          }
        }
        valid = ok;
        result = ok.isEmpty() ? null : infer(spec.name(), kept, ok.size(), width);
      }
      if (result != null) {
        failed.addAll(sink.publish(items(valid, result, md)));
        scored = failed.isEmpty() ? valid.size() : (int) valid.stream().filter(r -> !failed.contains(r.id())).count();
      }
    }
    if (!letters.isEmpty()) {
      failed.addAll(deadLetters.send(letters));
    }
    return result(records, failed, ordering, scored, letters.size(), t0);
  }

  private InferenceResult infer(String input, float[] x, int rows, int width) {
    float[] data = rows * width == x.length ? x : java.util.Arrays.copyOf(x, rows * width);
    return predictor.infer(InferenceRequest.of(Tensor.ofFloats(input, new long[] {rows, width}, data)));
  }

  /** Applies the platform's ordering rules to the failures and records the metrics. */
  private Result result(List<SourceRecord> records, Set<String> failed, Ordering ordering, int scored, int poisoned,
      long t0) {
    List<String> retry = new ArrayList<>();
    if (failed.isEmpty()) {
      // nothing to retry (the common batch): no look-up per record
    } else if (ordering == Ordering.FIFO_GROUPS) {
      Set<String> brokenGroups = new HashSet<>();
      for (SourceRecord r : records) {
        String g = r.group().orElse("");
        if (failed.contains(r.id()) || brokenGroups.contains(g)) {
          brokenGroups.add(g);
          retry.add(r.id());
        }
      }
    } else {
      for (SourceRecord r : records) {
        if (failed.contains(r.id())) {
          retry.add(r.id());
        }
      }
    }
    Metrics.Entry e = metrics.entry().metric("RecordsIn", records.size(), "Count")
        .metric("RecordsScored", scored, "Count").metric("RecordsPoisoned", poisoned, "Count")
        .metric("RecordsRetried", retry.size(), "Count").millis("BatchLatency", System.nanoTime() - t0);
    long oldest = Long.MAX_VALUE;
    for (SourceRecord r : records) {
      if (r.arrived().isPresent()) {
        oldest = Math.min(oldest, r.arrived().get().toEpochMilli());
      }
    }
    if (oldest != Long.MAX_VALUE) {
      e.metric("IteratorAge", Math.max(0, System.currentTimeMillis() - oldest), "Milliseconds");
    }
    e.emit();
    return new Result(retry, records.size(), scored, poisoned);
  }

  private static final SerializedString SOURCE_ID = new SerializedString("source_id");
  private static final SerializedString MODEL_NAME = new SerializedString("model_name");
  private static final SerializedString MODEL_VERSION = new SerializedString("model_version");
  private static final SerializedString SCORED_AT = new SerializedString("scored_at");
  private static final SerializedString SOURCE_TIMESTAMP = new SerializedString("source_timestamp");
  private static final SerializedString PREDICTION = new SerializedString("prediction");

  /**
   * The predictions as JSON, one document per record: all written by one generator into one buffer
   * (the names and the values every record shares encoded once), then cut into the records' slices.
   */
  private static List<PredictionSink.Item> items(List<SourceRecord> valid, InferenceResult result, ModelMetadata md) {
    Predictions p = new Predictions(md.signature());
    var scores = p.classScores(result);
    SerializedString model = new SerializedString(md.name());
    SerializedString version = new SerializedString(md.version());
    SerializedString now = new SerializedString(Instant.now().toString());
    List<PredictionSink.Item> items = new ArrayList<>(valid.size());
    ByteArrayOutputStream out = new ByteArrayOutputStream(valid.size() * 200);
    int[] ends = new int[valid.size()];
    Instant lastArrival = null;
    SerializedString lastArrivalText = null;
    try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
      for (int i = 0; i < valid.size(); i++) {
        SourceRecord r = valid.get(i);
        g.writeStartObject();
        g.writeFieldName(SOURCE_ID);
        g.writeString(r.id());
        g.writeFieldName(MODEL_NAME);
        g.writeString(model);
        g.writeFieldName(MODEL_VERSION);
        g.writeString(version);
        g.writeFieldName(SCORED_AT);
        g.writeString(now);
        if (r.arrived().isPresent()) {
          if (!r.arrived().get().equals(lastArrival)) { // records of a batch often share their arrival time
            lastArrival = r.arrived().get();
            lastArrivalText = new SerializedString(lastArrival.toString());
          }
          g.writeFieldName(SOURCE_TIMESTAMP);
          g.writeString(lastArrivalText);
        }
        g.writeFieldName(PREDICTION);
        p.writeRow(g, result, scores, i);
        g.writeEndObject();
        ends[i] = out.size() + g.getOutputBuffered();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] all = out.toByteArray();
    int start = 0;
    for (int i = 0; i < valid.size(); i++) {
      // the generator separates root values with a space: skip it
      int from = start < all.length && all[start] == ' ' ? start + 1 : start;
      items.add(new PredictionSink.Item(valid.get(i).id(), java.util.Arrays.copyOfRange(all, from, ends[i])));
      start = ends[i];
    }
    return items;
  }

  private static DeadLetters.Letter letter(SourceRecord r, ModelMetadata md, String reason) {
    var o = Json.mapper().createObjectNode();
    o.put("source_id", r.id()).put("source_position", r.position()).put("model_name", md.name())
        .put("model_version", md.version()).put("reason", reason).put("dead_lettered_at", Instant.now().toString());
    r.group().ifPresent(g -> o.put("message_group", g));
    String text = new String(r.payload(), java.nio.charset.StandardCharsets.UTF_8);
    boolean utf8 = java.util.Arrays.equals(text.getBytes(java.nio.charset.StandardCharsets.UTF_8), r.payload());
    if (utf8) {
      o.put("payload", text);
    } else {
      o.put("payload_base64", java.util.Base64.getEncoder().encodeToString(r.payload()));
    }
    return new DeadLetters.Letter(r.id(), o.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static String reason(InvalidInputException e) {
    String p = e.pointer();
    if (p.startsWith("/0")) {
      p = p.substring(2);
    }
    return (p.isEmpty() ? "" : p + ": ") + "expected " + e.expected() + ", received " + e.received();
  }
}

package dev.modelfn.core.stream;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.modelfn.codec.InstantText;
import dev.modelfn.codec.InstancesCodec;
import dev.modelfn.codec.Json;
import dev.modelfn.codec.PlainAscii;
import dev.modelfn.codec.Predictions;
import dev.modelfn.errors.InvalidInputException;
import dev.modelfn.model.InferenceRequest;
import dev.modelfn.model.InferenceResult;
import dev.modelfn.model.ModelMetadata;
import dev.modelfn.model.Predictor;
import dev.modelfn.model.Tensor;
import dev.modelfn.telemetry.EmfMetrics;
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
  private final EmfMetrics metrics;

  public ScoreRecordsFunction(Predictor predictor, PredictionSink sink, DeadLetters deadLetters, EmfMetrics metrics) {
    this.predictor = predictor;
    this.sink = sink;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
  }

  public Result apply(List<SourceRecord> records, Ordering ordering) {
    long t0 = System.nanoTime();
    ModelMetadata md = predictor.metadata();
    var spec = md.signature().tabularInput().filter(t -> t.type() == dev.modelfn.model.ElementType.FP32)
        .orElseThrow(() -> new IllegalStateException("stream inference needs a model with a single [rows, features]"
            + " FP32 input; this one has " + md.signature().inputs()));
    int width = md.signature().featureNames().isEmpty() ? (int) spec.shape().get(1).longValue()
        : md.signature().featureNames().size();
    List<SourceRecord> valid = new ArrayList<>();
    List<DeadLetters.Letter> letters = new ArrayList<>();
    float[] x = new float[records.size() * width];
    for (SourceRecord r : records) {
      try {
        ArrayNode one = Json.mapper().createArrayNode().add(Json.parse(r.payload()));
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
    EmfMetrics.Entry e = metrics.entry().metric("RecordsIn", records.size(), "Count")
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

  /** The predictions as JSON: a classifier's written directly as bytes, anything else by Jackson. */
  private static List<PredictionSink.Item> items(List<SourceRecord> valid, InferenceResult result, ModelMetadata md) {
    Predictions p = new Predictions(md.signature());
    var scores = p.classScores(result);
    if (scores.isPresent()) {
      return classifierItems(valid, scores.get(), md);
    }
    String now = Instant.now().toString();
    List<PredictionSink.Item> items = new ArrayList<>(valid.size());
    ByteArrayOutputStream out = new ByteArrayOutputStream(valid.size() * 200);
    int[] ends = new int[valid.size()];
    Instant lastArrival = null;
    String lastArrivalText = null;
    try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
      for (int i = 0; i < valid.size(); i++) {
        SourceRecord r = valid.get(i);
        g.writeStartObject();
        g.writeStringField("source_id", r.id());
        g.writeStringField("model_name", md.name());
        g.writeStringField("model_version", md.version());
        g.writeStringField("scored_at", now);
        if (r.arrived().isPresent()) {
          if (!r.arrived().get().equals(lastArrival)) { // records of a batch often share their arrival time
            lastArrival = r.arrived().get();
            lastArrivalText = lastArrival.toString();
          }
          g.writeStringField("source_timestamp", lastArrivalText);
        }
        g.writeFieldName("prediction");
        p.writeRow(g, result, scores, i);
        g.writeEndObject();
        g.flush();
        ends[i] = out.size();
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

  /**
   * {@code {"source_id":…,"model_name":…,"model_version":…,"scored_at":…,"source_timestamp":…,
   * "prediction":{"label":…,"probabilities":{…}}}} with the constant parts made once per batch.
   */
  private static List<PredictionSink.Item> classifierItems(List<SourceRecord> valid, Tensor scores, ModelMetadata md) {
    List<String> labels = md.signature().labels();
    int k = labels.size();
    float[] s = (float[]) scores.data();
    byte[] middle = (",\"model_name\":" + quote(md.name()) + ",\"model_version\":" + quote(md.version())
        + ",\"scored_at\":" + quote(Instant.now().toString())).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[][] labelBytes = new byte[k][];
    byte[][] probNames = new byte[k][];
    for (int j = 0; j < k; j++) {
      labelBytes[j] = quote(labels.get(j)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      probNames[j] = ((j == 0 ? "" : ",") + quote(labels.get(j)) + ":").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
    byte[] openPrediction = ",\"prediction\":{\"label\":".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] openProbabilities = ",\"probabilities\":{".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    List<PredictionSink.Item> items = new ArrayList<>(valid.size());
    InstantText.Writer arrivals = new InstantText.Writer();
    byte[] openTimestamp = ",\"source_timestamp\":\"".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] openSource = "{\"source_id\":".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] close = "}}}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    // An unsynchronized buffer: ByteArrayOutputStream locks on every write, a dozen per prediction.
    byte[] b = new byte[256];
    for (int i = 0; i < valid.size(); i++) {
      SourceRecord r = valid.get(i);
      int n = 0;
      n = put(b = room(b, n, openSource.length), n, openSource);
      n = putQuoted(b = room(b, n, r.id().length() * 6 + 2), n, r.id());
      n = put(b = room(b, n, middle.length), n, middle);
      if (r.arrived().isPresent()) {
        n = put(b = room(b, n, openTimestamp.length + InstantText.MAX_LENGTH + 1), n, openTimestamp);
        n = arrivals.write(r.arrived().get(), b, n); // each record's own time: no formatter, no String
        b[n++] = '"';
      }
      byte[] label = labelBytes[Predictions.argmax(scores, i)];
      n = put(b = room(b, n, openPrediction.length + label.length + openProbabilities.length), n, openPrediction);
      n = put(b, n, label);
      n = put(b, n, openProbabilities);
      for (int j = 0; j < k; j++) {
        b = room(b, n, probNames[j].length + dev.modelfn.codec.FloatText.ROOM);
        n = put(b, n, probNames[j]);
        n = dev.modelfn.codec.FloatText.write(s[i * k + j], b, n); // the same text as Jackson's, without a String
      }
      n = put(b = room(b, n, close.length), n, close);
      items.add(new PredictionSink.Item(r.id(), java.util.Arrays.copyOf(b, n)));
    }
    return items;
  }

  private static byte[] room(byte[] b, int used, int more) {
    return used + more <= b.length ? b : java.util.Arrays.copyOf(b, Math.max(b.length * 2, used + more));
  }

  private static int put(byte[] b, int at, byte[] src) {
    System.arraycopy(src, 0, b, at, src.length);
    return at + src.length;
  }

  /**
   * {@code s} as a JSON string literal; needs {@code 6 * length + 2} bytes of room. Source ids
   * (sequence numbers, message ids) are plain ASCII: their UTF-8 bytes are as many as their chars,
   * are checked eight at a time and are copied as they are.
   */
  private static int putQuoted(byte[] b, int at, String s) {
    byte[] u = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (u.length != s.length() || PlainAscii.run(u, 0) != u.length) { // not ASCII, or a byte JSON escapes
      byte[] q = quote(s).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      System.arraycopy(q, 0, b, at, q.length); // fits: at most 6 bytes a char, with its quotes
      return at + q.length;
    }
    b[at] = '"';
    System.arraycopy(u, 0, b, at + 1, u.length);
    b[at + 1 + u.length] = '"';
    return at + u.length + 2;
  }

  /** A JSON string literal, with quotes. */
  private static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(s, sb);
    return sb.append('"').toString();
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

package dev.modelfn.core.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.codec.Json;
import dev.modelfn.core.storage.BlobStore;
import dev.modelfn.errors.InvalidInputException;
import dev.modelfn.model.ModelMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The manifest beside each input ({@code manifests/<key>.json}): the claim on the work, the run's
 * status, counts, timings and throughput, and while a run is handed over to a continuation, the
 * exact place to resume. Its schema and its state transitions live here: {@link #start} (running),
 * {@link #resume} (a continuation takes the claim back), {@link #handOver} (continued), {@link
 * #complete} and {@link #fail}.
 */
final class Manifest {
  static final String RUNNING = "running";
  static final String CONTINUED = "continued";
  static final String COMPLETED = "completed";
  static final String FAILED = "failed";

  final ObjectNode root;

  Manifest(ObjectNode root) {
    this.root = root;
  }

  static Manifest parse(byte[] bytes) {
    try {
      JsonNode n = Json.parse(bytes);
      if (n == null || !n.isObject()) {
        throw new IllegalArgumentException("a manifest is a JSON object");
      }
      return new Manifest((ObjectNode) n);
    } catch (InvalidInputException e) {
      throw new UncheckedIOException(new IOException("unreadable manifest: " + e.getMessage(), e));
    }
  }

  /** A new claim on the work: running, with a fresh claim id and a lease. */
  static Manifest start(String bucket, String key, BlobStore.Info input, ModelMetadata md, long leaseUntilEpochMs) {
    Manifest m = new Manifest(JsonNodeFactory.instance.objectNode());
    m.root.put("status", RUNNING).put("claim", UUID.randomUUID().toString()).put("leaseUntilEpochMs", leaseUntilEpochMs);
    m.root.putObject("input").put("bucket", bucket).put("key", key).put("etag", input.etag()).put("size", input.size());
    m.root.putObject("model").put("name", md.name()).put("version", md.version());
    m.root.putObject("timings").put("startedAt", Instant.now().toString()).put("invocations", 1);
    return m;
  }

  /** A continuation takes the work back: running again, with a new lease, one invocation more. */
  void resume(long leaseUntilEpochMs) {
    root.put("status", RUNNING).put("leaseUntilEpochMs", leaseUntilEpochMs);
    root.with("timings").put("invocations", root.path("timings").path("invocations").asInt() + 1);
  }

  /** Where the run writes: its output and rejects keys, and the input's format. */
  void target(String outputKey, String rejectsKey, String format, boolean gzip) {
    root.put("output", outputKey).put("rejects", rejectsKey);
    root.with("input").put("format", format).put("gzip", gzip);
  }

  /** The run hands over to a continuation: continued, under a new claim id, with its counts so far. */
  void handOver(PartWriter.Covered at) {
    root.put("status", CONTINUED).put("claim", UUID.randomUUID().toString());
    root.putObject("rows").put("in", at.rowsIn()).put("out", at.rowsOut()).put("rejected", at.rejected());
  }

  /** The run is done: counts, timings, throughput over all invocations, and the JVM's peak heap. */
  void complete(long rowsIn, long rowsOut, long rejected, double lastInvocationSeconds, double waitingForInputSeconds,
      double waitingForUploadsSeconds, long peakHeapMiB, long peakOldGenMiB, long maxHeapMiB) {
    root.put("status", COMPLETED).remove("progress");
    root.remove("leaseUntilEpochMs");
    root.putObject("rows").put("in", rowsIn).put("out", rowsOut).put("rejected", rejected);
    ObjectNode timings = root.with("timings");
    timings.put("finishedAt", Instant.now().toString());
    timings.put("lastInvocationSeconds", lastInvocationSeconds);
    // where the last invocation waited: on reading and parsing, or on part uploads
    timings.put("waitingForInputSeconds", waitingForInputSeconds);
    timings.put("waitingForUploadsSeconds", waitingForUploadsSeconds);
    double total = Duration.between(Instant.parse(timings.path("startedAt").asText()), Instant.now()).toMillis()
        / 1000.0;
    timings.put("seconds", total);
    root.put("throughputRowsPerSecond", total > 0 ? Math.round(rowsIn / Math.max(total, 1e-3)) : rowsIn);
    root.putObject("jvm").put("peakHeapMiB", peakHeapMiB).put("peakOldGenMiB", peakOldGenMiB)
        .put("maxHeapMiB", maxHeapMiB);
  }

  /** The run failed for a reason in the file (or the configuration): it is not retried. */
  void fail(String reason) {
    root.put("status", FAILED).put("error", reason).remove("progress");
    root.remove("leaseUntilEpochMs");
    root.with("timings").put("finishedAt", Instant.now().toString());
  }

  String error() {
    return root.path("error").asText();
  }

  boolean hasProgress() {
    return root.has("progress");
  }

  byte[] bytes() {
    try {
      return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String status() {
    return root.path("status").asText("");
  }

  String claim() {
    return root.path("claim").asText("");
  }

  String inputEtag() {
    return root.path("input").path("etag").asText("");
  }

  String modelVersion() {
    return root.path("model").path("version").asText("");
  }

  long leaseUntil() {
    return root.path("leaseUntilEpochMs").asLong(0);
  }

  /** One writer's checkpoint: its upload, its parts, and the object holding the bytes after them. */
  record WriterState(String uploadId, List<BlobStore.Part> parts, String tailKey) {
    ObjectNode toJson() {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      if (uploadId != null) {
        o.put("uploadId", uploadId);
      }
      ArrayNode ps = o.putArray("parts");
      for (BlobStore.Part p : parts) {
        ps.addObject().put("number", p.number()).put("etag", p.etag());
      }
      o.put("tail", tailKey);
      return o;
    }

    static WriterState of(JsonNode o) {
      List<BlobStore.Part> parts = new ArrayList<>();
      for (JsonNode p : o.path("parts")) {
        parts.add(new BlobStore.Part(p.path("number").asInt(), p.path("etag").asText()));
      }
      return new WriterState(o.hasNonNull("uploadId") ? o.get("uploadId").asText() : null, parts,
          o.path("tail").asText());
    }
  }

  /**
   * Where a continuation resumes: the batch boundary, the CSV header (null without one), whether
   * the output's header line is written, and each writer's state.
   */
  record Progress(PartWriter.Covered at, List<String> header, boolean headerRead, boolean outputHeaderWritten,
      WriterState output, WriterState rejects) {}

  Progress progress() {
    JsonNode p = root.path("progress");
    List<String> header = null;
    if (p.path("header").isArray()) {
      header = new ArrayList<>();
      for (JsonNode h : p.path("header")) {
        header.add(h.asText());
      }
    }
    JsonNode c = p.path("at");
    PartWriter.Covered at = new PartWriter.Covered(c.path("row").asLong(), c.path("offset").asLong(),
        c.path("line").asLong(), c.path("rowsIn").asLong(), c.path("rowsOut").asLong(), c.path("rejected").asLong());
    return new Progress(at, header, p.path("headerRead").asBoolean(false),
        p.path("outputHeaderWritten").asBoolean(false), WriterState.of(p.path("output")),
        WriterState.of(p.path("rejects")));
  }

  void progress(Progress progress) {
    ObjectNode p = root.putObject("progress");
    if (progress.header() != null) {
      ArrayNode h = p.putArray("header");
      progress.header().forEach(h::add);
    }
    PartWriter.Covered at = progress.at();
    p.putObject("at").put("row", at.row()).put("offset", at.offset()).put("line", at.line())
        .put("rowsIn", at.rowsIn()).put("rowsOut", at.rowsOut()).put("rejected", at.rejected());
    p.put("headerRead", progress.headerRead()).put("outputHeaderWritten", progress.outputHeaderWritten());
    p.set("output", progress.output().toJson());
    p.set("rejects", progress.rejects().toJson());
  }
}

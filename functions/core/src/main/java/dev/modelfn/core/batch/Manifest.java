package dev.modelfn.core.batch;

import dev.modelfn.core.storage.BlobStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.codec.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The manifest beside each input ({@code manifests/<key>.json}): the claim on the work, the run's
 * status, counts, timings and throughput, and while a run is handed over to a continuation, the
 * exact place to resume.
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
      JsonNode n = Json.mapper().readTree(bytes);
      if (n == null || !n.isObject()) {
        throw new IllegalArgumentException("a manifest is a JSON object");
      }
      return new Manifest((ObjectNode) n);
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable manifest: " + e.getMessage(), e);
    }
  }

  static Manifest fresh() {
    return new Manifest(Json.mapper().createObjectNode());
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
      ObjectNode o = Json.mapper().createObjectNode();
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

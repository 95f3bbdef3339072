package dev.modelfn.core.async;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.codec.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An asynchronous job's document, as stored in {@code jobs/<id>/job.json} and (without internal
 * fields) answered at {@code GET /v2/jobs/<id>}. Mutable: read, change, write back with the entity
 * tag it was read with.
 */
public final class Job {
  /** A job's status. */
  public enum Status {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CALLBACK_FAILED;

    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Status of(String s) {
      return valueOf(s.toUpperCase(Locale.ROOT));
    }

    /** True once the prediction has an outcome (whatever became of the callback). */
    public boolean finished() {
      return this == SUCCEEDED || this == FAILED || this == CALLBACK_FAILED;
    }
  }

  private static final Pattern ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private final ObjectNode doc;

  private Job(ObjectNode doc) {
    this.doc = doc;
  }

  /** True for a well-formed job id (a lower-case UUID); anything else is never looked up. */
  public static boolean validId(String id) {
    return id != null && ID.matcher(id).matches();
  }

  static Job create(String id, String model, String version, Instant now) {
    ObjectNode d = Json.mapper().createObjectNode();
    d.put("id", id);
    d.put("status", Status.QUEUED.json());
    d.put("model_name", model);
    d.put("model_version", version);
    d.put("created_at", now.toString());
    d.put("updated_at", now.toString());
    return new Job(d);
  }

  static Job parse(byte[] bytes) {
    JsonNode n = Json.parse(bytes);
    if (!n.isObject() || !n.hasNonNull("id") || !n.hasNonNull("status")) {
      throw new IllegalArgumentException("not a job document");
    }
    return new Job((ObjectNode) n);
  }

  byte[] bytes() {
    try {
      return Json.mapper().writeValueAsBytes(doc);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String id() {
    return doc.get("id").asText();
  }

  public Status status() {
    return Status.of(doc.get("status").asText());
  }

  public String modelName() {
    return doc.path("model_name").asText();
  }

  public String modelVersion() {
    return doc.path("model_version").asText();
  }

  public Optional<String> callbackUrl() {
    return text("callback_url");
  }

  public Optional<String> text(String field) {
    JsonNode n = doc.get(field);
    return n == null || n.isNull() ? Optional.empty() : Optional.of(n.asText());
  }

  /** The request as submitted: content type, JSON header length (binary tensors), size, digest. */
  ObjectNode request() {
    return object("request");
  }

  /** The callback's state: attempts, last error, delivery time. */
  ObjectNode callback() {
    return object("callback");
  }

  private ObjectNode object(String field) {
    JsonNode n = doc.get(field);
    return n instanceof ObjectNode o ? o : doc.putObject(field);
  }

  public int callbackAttempts() {
    return doc.path("callback").path("attempts").asInt(0);
  }

  public boolean callbackDelivered() {
    return doc.path("callback").hasNonNull("delivered_at");
  }

  public Optional<String> lastCallbackError() {
    JsonNode n = doc.path("callback").get("last_error");
    return n == null || n.isNull() ? Optional.empty() : Optional.of(n.asText());
  }

  public Optional<JsonNode> error() {
    JsonNode n = doc.get("error");
    return n == null || n.isNull() ? Optional.empty() : Optional.of(n);
  }

  Job status(Status s, Instant now) {
    doc.put("status", s.json());
    doc.put("updated_at", now.toString());
    return this;
  }

  Job put(String field, String value) {
    if (value == null) {
      doc.remove(field);
    } else {
      doc.put(field, value);
    }
    return this;
  }

  Job put(String field, long value) {
    doc.put(field, value);
    return this;
  }

  /** The remote invocation of the job, when an asynchronous endpoint runs it. */
  public Optional<JsonNode> remote() {
    JsonNode n = doc.get("remote");
    return n == null || !n.isObject() ? Optional.empty() : Optional.of(n);
  }

  Job remote(ObjectNode remote) {
    doc.set("remote", remote);
    return this;
  }

  Job error(JsonNode problem) {
    doc.set("error", problem);
    return this;
  }

  /** The document a client sees: everything but the storage keys. */
  ObjectNode view() {
    ObjectNode v = doc.deepCopy();
    v.remove("result_key");
    ObjectNode r = (ObjectNode) v.get("request");
    if (r != null) {
      r.remove("input_key");
    }
    return v;
  }

  ObjectNode doc() {
    return doc;
  }
}

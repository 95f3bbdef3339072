package dev.modelfn.core.async;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.codec.Json;
import dev.modelfn.core.http.HttpRequest;
import dev.modelfn.core.http.HttpResponse;
import dev.modelfn.core.http.JobRoutes;
import dev.modelfn.errors.InvalidInputException;
import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
import dev.modelfn.model.ModelMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The HTTP side of asynchronous inference: takes a job ({@code POST .../infer-async}, answered
 * {@code 202 Accepted} with the job id and its status URL) and answers its status
 * ({@code GET /v2/jobs/{id}}). The request has been validated against the model by the caller, so
 * a job that is queued is one the model can run.
 *
 * <p>Bodies up to {@code inlineBytes} travel in the queue message; larger ones are stored beside
 * the job and the message carries only the id. An {@code Idempotency-Key} header (1 to 255
 * printable characters) returns the same job when a submit is repeated, and 422 when the key comes
 * back with a different request.
 */
public final class AsyncJobs implements JobRoutes {
  /** Largest body that travels inside the queue message (SQS allows 256 KiB, base64 adds a third). */
  public static final int DEFAULT_INLINE_BYTES = 150 * 1024;

  private final JobStore store;
  private final JobQueue queue;
  private final CallbackPolicy policy;
  private final int inlineBytes;
  private final Clock clock;

  public AsyncJobs(JobStore store, JobQueue queue, CallbackPolicy policy, int inlineBytes, Clock clock) {
    this.store = store;
    this.queue = queue;
    this.policy = policy;
    this.inlineBytes = inlineBytes;
    this.clock = clock;
  }

  /**
   * Queues a job for a request already checked against the model.
   *
   * @param callbackUrl where to post the result, or null to let the client poll
   */
  @Override
  public HttpResponse submit(HttpRequest req, ModelMetadata md, String callbackUrl, Map<String, String> headers) {
    if (callbackUrl != null) {
      try {
        policy.check(callbackUrl);
      } catch (CallbackPolicy.RefusedException e) {
        throw new InvalidInputException("/parameters/callback_url",
            "a public https URL whose host resolves only to public addresses", e.getMessage());
      }
    }
    String contentType = req.header("content-type").orElse(HttpResponse.JSON);
    String headerLength = req.header("inference-header-content-length").orElse(null);
    String requestSha = sha256(md.name() + "\n" + contentType + "\n" + headerLength + "\n" + callbackUrl + "\n",
        req.body());
    String id = UUID.randomUUID().toString();
    String idemDigest = null;
    Optional<String> key = req.header("idempotency-key");
    if (key.isPresent()) {
      String k = key.get();
      if (k.isEmpty() || k.length() > 255 || !k.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
        throw new InvalidInputException("/headers/Idempotency-Key", "1 to 255 printable ASCII characters",
            k.length() + " characters");
      }
      idemDigest = sha256(md.name() + "\n" + k + "\n", new byte[0]);
      Optional<JsonNode> earlier;
      try {
        earlier = store.claimIdempotency(idemDigest, id, requestSha);
      } catch (RuntimeException e) {
        throw new ModelfnException(Problem.JOB_QUEUE_UNAVAILABLE, "the job store did not answer: " + e.getMessage(), e);
      }
      if (earlier.isPresent()) {
        if (!earlier.get().path("request_sha256").asText().equals(requestSha)) {
          throw new ModelfnException(Problem.IDEMPOTENCY_KEY_REUSED, "Idempotency-Key '" + k + "' was first used with a different request"
              + " (job " + earlier.get().path("job_id").asText() + "); use a new key for a new request", null);
        }
        id = earlier.get().path("job_id").asText();
        Optional<Job> existing = store.find(id);
        if (existing.isPresent()) {
          Map<String, String> h = new LinkedHashMap<>(headers);
          h.put("idempotent-replayed", "true");
          return accepted(existing.get(), h);
        }
        idemDigest = null; // the earlier submit stopped before its job was written: finish it with the same id
      }
    }
    Job job = Job.create(id, md.name(), md.version(), clock.instant());
    ObjectNode r = job.request();
    r.put("content_type", contentType);
    if (headerLength != null) {
      r.put("header_length", headerLength);
    }
    r.put("bytes", req.body().length);
    r.put("sha256", requestSha);
    if (callbackUrl != null) {
      job.put("callback_url", callbackUrl);
      job.callback().put("attempts", 0);
    }
    boolean inline = req.body().length <= inlineBytes;
    try {
      if (!inline) {
        store.putInput(id, req.body());
        r.put("input_key", store.inputKey(id));
      }
      if (!store.create(job)) {
        return accepted(store.find(id).orElse(job), headers);
      }
    } catch (RuntimeException e) {
      release(idemDigest);
      throw new ModelfnException(Problem.JOB_QUEUE_UNAVAILABLE, "the job store did not answer: " + e.getMessage(), e);
    }
    ObjectNode message = Json.mapper().createObjectNode().put("type", "run").put("job_id", id);
    if (inline) {
      message.put("body_base64", Base64.getEncoder().encodeToString(req.body()));
    }
    try {
      queue.send(Json.mapper().writeValueAsBytes(message), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      try {
        store.delete(id);
      } catch (RuntimeException ignored) {
        // the job stays 'queued' with nothing to run it; the 503 tells the client to submit again
      }
      release(idemDigest);
      throw new ModelfnException(Problem.JOB_QUEUE_UNAVAILABLE, "the job queue did not answer: " + e.getMessage(), e);
    }
    return accepted(job, headers);
  }

  private void release(String idemDigest) {
    if (idemDigest != null) {
      try {
        store.releaseIdempotency(idemDigest);
      } catch (RuntimeException ignored) {
        // a retry with the same key then finishes the job this submit started
      }
    }
  }

  private HttpResponse accepted(Job job, Map<String, String> headers) {
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("id", job.id());
    body.put("status", job.status().json());
    body.put("model_name", job.modelName());
    body.put("model_version", job.modelVersion());
    body.put("status_url", statusPath(job.id()));
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put("location", statusPath(job.id()));
    return HttpResponse.of(202, HttpResponse.JSON, bytes(body), h);
  }

  public static String statusPath(String id) {
    return "/v2/jobs/" + id;
  }

  /** {@code GET /v2/jobs/{id}}: the job document, with the inference response once it succeeded. */
  @Override
  public HttpResponse status(String id, Map<String, String> headers) {
    Optional<Job> job = Job.validId(id) ? store.find(id) : Optional.empty();
    if (job.isEmpty()) {
      throw new ModelfnException(Problem.JOB_NOT_FOUND, "no job '" + id + "'; job ids are the ids answered by POST"
          + " /v2/models/{name}/infer-async", null);
    }
    ObjectNode view = job.get().view();
    if (job.get().text("result_key").isPresent()) {
      store.result(id).ifPresent(b -> view.set("result", Json.parse(b)));
    }
    return HttpResponse.of(200, HttpResponse.JSON, bytes(view), headers);
  }

  static byte[] bytes(JsonNode node) {
    try {
      return Json.mapper().writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String sha256(String prefix, byte[] body) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(prefix.getBytes(StandardCharsets.UTF_8));
      d.update(body);
      return HexFormat.of().formatHex(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

package dev.modelfn.core.async;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.callback.CallbackSigner;
import dev.modelfn.codec.Json;
import dev.modelfn.core.http.HttpRequest;
import dev.modelfn.core.http.HttpResponse;
import dev.modelfn.core.predict.PredictHttpFunction;
import dev.modelfn.telemetry.JsonLogger;
import dev.modelfn.telemetry.Metrics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Runs asynchronous jobs from the job queue and delivers their callbacks.
 *
 * <p>A {@code run} message: the job turns {@code running}, its request goes through the same
 * {@code /v2/models/{name}/infer} path as a synchronous one, the response is stored as the result
 * and the job turns {@code succeeded} (or {@code failed} with the problem document). Then the
 * callback is posted, signed (see {@link CallbackSigner}). A failed delivery is retried by a
 * {@code callback} message sent back to the queue with a delay: exponential backoff with jitter
 * ({@code base * 2^(attempt-1)}, capped, half of it random). After the last attempt the job turns
 * {@code callback_failed} with the last error, and a record goes to the dead-letter queue.
 *
 * <p>Messages can arrive twice: a finished job is not run again, and a callback attempt that was
 * already made is not repeated.
 */
public final class AsyncJobWorker {
  /** A failure that should put the message back on the queue (the model was not ready, storage failed). */
  public static final class RetryLaterException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RetryLaterException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Callback delivery settings.
   *
   * @param maxAttempts deliveries before the job is {@code callback_failed} (including the first)
   * @param backoffBase delay before the second attempt, doubled for each further one
   * @param backoffCap longest delay (SQS allows 15 minutes)
   * @param inlineResultBytes results up to this size travel in the callback; larger ones are named
   *     by their location
   */
  public record Settings(int maxAttempts, Duration backoffBase, Duration backoffCap, int inlineResultBytes) {
    public Settings {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("callback attempts must be at least 1, got " + maxAttempts);
      }
      if (backoffCap.compareTo(Duration.ofMinutes(15)) > 0) {
        backoffCap = Duration.ofMinutes(15);
      }
    }
  }

  private final PredictHttpFunction predict;
  private final JobStore store;
  private final JobQueue queue;
  private final CallbackClient client;
  private final Supplier<CallbackSigner> signer;
  private final Settings settings;
  private final Clock clock;
  private final Random random;
  private final JsonLogger log;
  private final Metrics metrics;
  private final AsyncEndpoint remote;
  private final AsyncEndpoint.Polling polling;

  /**
   * @param signer the current signer (secrets can rotate); answers null when no secret is
   *     configured, and every delivery then fails with that reason
   */
  public AsyncJobWorker(PredictHttpFunction predict, JobStore store, JobQueue queue, CallbackClient client,
      Supplier<CallbackSigner> signer, Settings settings, Clock clock, Random random, JsonLogger log, Metrics metrics) {
    this(predict, store, queue, client, signer, settings, clock, random, log, metrics, null, null);
  }

  /**
   * A worker whose jobs run on a remote asynchronous endpoint ({@code remote}, polled as {@code
   * polling} says) instead of {@code predict}, which may then be null.
   */
  public AsyncJobWorker(PredictHttpFunction predict, JobStore store, JobQueue queue, CallbackClient client,
      Supplier<CallbackSigner> signer, Settings settings, Clock clock, Random random, JsonLogger log, Metrics metrics,
      AsyncEndpoint remote, AsyncEndpoint.Polling polling) {
    if (predict == null && remote == null) {
      throw new IllegalArgumentException("a job worker needs a predict function or a remote endpoint");
    }
    if (remote != null && polling == null) {
      throw new IllegalArgumentException("a remote endpoint needs its polling settings");
    }
    this.remote = remote;
    this.polling = polling;
    this.predict = predict;
    this.store = store;
    this.queue = queue;
    this.client = client;
    this.signer = signer;
    this.settings = settings;
    this.clock = clock;
    this.random = random;
    this.log = log;
    this.metrics = metrics;
  }

  /**
   * Handles one queue message.
   *
   * @throws RetryLaterException when the message should come back later
   * @throws IllegalArgumentException when the message is not a job message (retrying cannot help)
   */
  public void handle(byte[] message) {
    JsonNode m;
    try {
      m = Json.parse(message);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("job message is not JSON: " + e.getMessage(), e);
    }
    String id = m.path("job_id").asText("");
    if (!Job.validId(id)) {
      throw new IllegalArgumentException("job message has no valid job_id: '" + id + "'");
    }
    String type = m.path("type").asText("");
    try {
      switch (type) {
        case "run" -> run(id, m);
        case "poll" -> poll(id, m.path("attempt").asInt(1));
        case "callback" -> {
          int attempt = m.path("attempt").asInt(0);
          if (attempt < 1) {
            throw new IllegalArgumentException("callback message for job " + id + " has no attempt number");
          }
          existing(id, "callback").ifPresent(job -> deliver(job, attempt));
        }
        default -> throw new IllegalArgumentException("job message type '" + type + "' is not run, poll or callback");
      }
    } catch (IllegalArgumentException | RetryLaterException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new RetryLaterException("job " + id + ": " + e.getMessage(), e);
    }
  }

  /** The job a message is about; a message for a job that does not exist is logged and dropped. */
  private Optional<Job> existing(String id, String message) {
    Optional<Job> found = store.find(id);
    if (found.isEmpty()) {
      log.warn(message + " for a job that does not exist; dropped", "job_id", id);
    }
    return found;
  }

  private void run(String id, JsonNode m) {
    Optional<Job> found = existing(id, "run message");
    if (found.isEmpty()) {
      return;
    }
    Job job = found.get();
    if (!job.status().finished()) {
      Instant started = clock.instant();
      job = store.update(id, j -> j.status().finished() ? null : j.status(Job.Status.RUNNING, started)
          .put("started_at", started.toString())).orElseThrow();
    }
    if (!job.status().finished()) {
      job = remote != null ? submitRemote(job, m) : execute(job, m, System.nanoTime());
    }
    deliverFirst(job);
  }

  /** The first callback of a job that has its outcome (later ones come as callback messages). */
  private void deliverFirst(Job job) {
    if (job.status().finished() && job.callbackUrl().isPresent() && !job.callbackDelivered()
        && job.callbackAttempts() == 0 && job.status() != Job.Status.CALLBACK_FAILED) {
      deliver(job, 1);
    }
  }

  /**
   * Hands the job to the remote endpoint: its input stored (if it came inline), the invocation
   * recorded on the job, and the first poll queued. A job submitted before (a repeated message) is
   * not submitted again.
   */
  private Job submitRemote(Job job, JsonNode m) {
    String id = job.id();
    if (job.remote().isPresent()) {
      return job;
    }
    if (m.hasNonNull("body_base64")) {
      store.putInput(id, Base64.getDecoder().decode(m.get("body_base64").asText()));
    }
    JsonNode r = job.request();
    String contentType = r.hasNonNull("header_length")
        ? "application/vnd.sagemaker-triton.binary+json;json-header-size=" + r.get("header_length").asText()
        : r.path("content_type").asText(HttpResponse.JSON);
    AsyncEndpoint.Invocation inv;
    try {
      inv = remote.invoke(store.inputLocation(id), contentType, id);
    } catch (AsyncEndpoint.RefusedException e) {
      return finish(job, false, null, problem("remote-refused", "the endpoint " + remote.name()
          + " refused the job: " + e.getMessage()), System.nanoTime());
    }
    Instant now = clock.instant();
    ObjectNode rem = Json.mapper().createObjectNode().put("endpoint", remote.name())
        .put("inference_id", inv.inferenceId()).put("output_location", inv.outputLocation())
        .put("submitted_at", now.toString());
    if (inv.failureLocation() != null) {
      rem.put("failure_location", inv.failureLocation());
    }
    Job submitted = store.update(id, j -> j.status().finished() || j.remote().isPresent() ? null
        : j.remote(rem)).orElseThrow();
    queue.send(pollMessage(id, 1), (int) polling.firstPoll().toSeconds());
    log.info("job submitted to the remote endpoint", "job_id", id, "endpoint", remote.name(), "output_location",
        inv.outputLocation());
    return submitted;
  }

  /** Looks for the remote answer; finishes the job, or polls again later, or gives up after the wait. */
  private void poll(String id, int attempt) {
    Optional<Job> found = existing(id, "poll");
    if (found.isEmpty()) {
      return;
    }
    Job job = found.get();
    if (job.status().finished()) {
      deliverFirst(job);
      return;
    }
    JsonNode rem = job.remote().orElseThrow(() -> new IllegalArgumentException("poll message for job " + id
        + ", which was never submitted to a remote endpoint"));
    if (polling == null) {
      throw new RetryLaterException("job " + id + " waits on the endpoint " + rem.path("endpoint").asText()
          + ", but this worker has no remote endpoint configured", null);
    }
    String endpoint = rem.path("endpoint").asText();
    Instant submitted = Instant.parse(rem.path("submitted_at").asText());
    long t0 = System.nanoTime();
    Optional<byte[]> output = store.readLocation(rem.path("output_location").asText());
    Job finished;
    if (output.isPresent()) {
      finished = finish(job, true, output.get(), null, t0);
    } else {
      Optional<byte[]> failure = rem.hasNonNull("failure_location")
          ? store.readLocation(rem.get("failure_location").asText()) : Optional.empty();
      if (failure.isPresent()) {
        finished = finish(job, false, null, problem("remote-inference-failed", "the endpoint " + endpoint
            + " failed the inference: " + new String(failure.get(), StandardCharsets.UTF_8)), t0);
      } else if (Duration.between(submitted, clock.instant()).compareTo(polling.maxWait()) >= 0) {
        finished = finish(job, false, null, problem("remote-timeout", "no answer from the endpoint " + endpoint
            + " within " + polling.maxWait().toSeconds() + " s at " + rem.path("output_location").asText()), t0);
      } else {
        long delay = Math.min(polling.pollCap().toSeconds(), polling.firstPoll().toSeconds() << Math.min(attempt, 20));
        queue.send(pollMessage(id, attempt + 1), (int) delay);
        return;
      }
    }
    deliverFirst(finished);
  }

  private static byte[] pollMessage(String id, int attempt) {
    return AsyncJobs.bytes(Json.mapper().createObjectNode().put("type", "poll").put("job_id", id)
        .put("attempt", attempt));
  }

  private static JsonNode problem(String kind, String detail) {
    return Json.mapper().createObjectNode().put("type", "urn:modelfn:problem:" + kind).put("title", kind)
        .put("status", 502).put("detail", detail);
  }

  private Job execute(Job job, JsonNode m, long t0) {
    String id = job.id();
    byte[] body = m.hasNonNull("body_base64") ? Base64.getDecoder().decode(m.get("body_base64").asText())
        : store.input(id);
    JsonNode r = job.request();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("content-type", r.path("content_type").asText(HttpResponse.JSON));
    if (r.hasNonNull("header_length")) {
      headers.put("inference-header-content-length", r.get("header_length").asText());
    }
    HttpResponse resp = predict.apply(new HttpRequest("POST", "/v2/models/" + job.modelName() + "/infer", headers,
        Map.of(), body, id));
    if (resp.status() == 503) {
      throw new RetryLaterException("job " + id + ": the model is not ready: " + resp.bodyText(), null);
    }
    boolean ok = resp.status() == 200;
    return finish(job, ok, ok ? resp.body() : null, ok ? null : Json.parse(resp.body()), t0);
  }

  /** Records a job's outcome: the result stored, or the problem; metrics and the log line. */
  private Job finish(Job job, boolean ok, byte[] result, JsonNode problem, long t0) {
    String id = job.id();
    long nanos = System.nanoTime() - t0;
    Instant done = clock.instant();
    if (ok) {
      store.putResult(id, result);
    }
    Job finished = store.update(id, j -> {
      if (j.status().finished()) {
        return null;
      }
      j.status(ok ? Job.Status.SUCCEEDED : Job.Status.FAILED, done).put("outcome", ok ? "succeeded" : "failed")
          .put("finished_at", done.toString()).put("run_ms", nanos / 1_000_000);
      if (ok) {
        j.put("result_key", store.resultKey(id));
      } else {
        j.error(problem);
      }
      return j;
    }).orElseThrow();
    log.info(ok ? "job succeeded" : "job failed", "job_id", id, "run_ms", nanos / 1e6);
    metrics.entry().metric(ok ? "JobsSucceeded" : "JobsFailed", 1, "Count").millis("JobRunLatency", nanos)
        .property("job_id", id).emit();
    return finished;
  }

  /** The callback's body: the outcome, and the result (inline or its location) or the error. */
  byte[] callbackBody(Job job) {
    ObjectNode b = Json.mapper().createObjectNode();
    b.put("job_id", job.id());
    b.put("status", job.text("outcome").orElse(job.status().json()));
    b.put("model_name", job.modelName());
    b.put("model_version", job.modelVersion());
    job.text("created_at").ifPresent(t -> b.put("created_at", t));
    job.text("finished_at").ifPresent(t -> b.put("finished_at", t));
    b.put("status_url", AsyncJobs.statusPath(job.id()));
    if (job.text("result_key").isPresent()) {
      Optional<byte[]> result = store.result(job.id());
      if (result.isPresent() && result.get().length <= settings.inlineResultBytes()) {
        b.set("result", Json.parse(result.get()));
      } else {
        b.put("result_location", store.resultLocation(job.id()));
      }
    }
    job.error().ifPresent(e -> b.set("error", e));
    return AsyncJobs.bytes(b);
  }

  private void deliver(Job job, int attempt) {
    String id = job.id();
    if (job.callbackDelivered() || job.callbackAttempts() >= attempt || job.callbackUrl().isEmpty()
        || job.status() == Job.Status.CALLBACK_FAILED) {
      return; // a duplicate message: this attempt was made already
    }
    String url = job.callbackUrl().get();
    byte[] body = callbackBody(job);
    Instant now = clock.instant();
    CallbackClient.Outcome outcome;
    CallbackSigner signer = this.signer.get();
    if (signer == null) {
      outcome = new CallbackClient.Outcome(false, 0,
          "no callback signing secret is configured (MODELFN_CALLBACK_SECRET or MODELFN_CALLBACK_SECRET_ARN)");
    } else {
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put(CallbackSigner.HEADER, signer.sign(now.getEpochSecond(), body));
      headers.put("Modelfn-Job-Id", id);
      headers.put("Modelfn-Delivery-Id", id + "/" + attempt);
      headers.put("Modelfn-Delivery-Attempt", Integer.toString(attempt));
      outcome = client.post(url, body, headers);
    }
    boolean last = attempt >= settings.maxAttempts();
    Duration delay = outcome.delivered() || last ? Duration.ZERO : backoff(attempt);
    Instant done = clock.instant();
    // The next step is queued before the job records this attempt: if recording fails, the message
    // comes back and this attempt is repeated, rather than the retries silently ending.
    if (!outcome.delivered() && !last) {
      ObjectNode next = Json.mapper().createObjectNode().put("type", "callback").put("job_id", id)
          .put("attempt", attempt + 1);
      queue.send(AsyncJobs.bytes(next), (int) delay.toSeconds());
    } else if (!outcome.delivered()) {
      ObjectNode letter = Json.mapper().createObjectNode().put("job_id", id).put("callback_url", url)
          .put("attempts", attempt).put("last_error", outcome.error())
          .put("status_url", AsyncJobs.statusPath(id)).put("failed_at", done.toString());
      queue.deadLetter(AsyncJobs.bytes(letter));
    }
    store.update(id, j -> {
      if (j.callbackAttempts() >= attempt) {
        return null;
      }
      ObjectNode c = j.callback();
      c.put("attempts", attempt);
      c.put("last_attempt_at", done.toString());
      if (outcome.status() > 0) {
        c.put("last_status", outcome.status());
      }
      if (outcome.delivered()) {
        c.put("delivered_at", done.toString());
        c.remove("next_attempt_at");
      } else {
        c.put("last_error", outcome.error());
        if (last) {
          c.remove("next_attempt_at");
          j.status(Job.Status.CALLBACK_FAILED, done);
        } else {
          c.put("next_attempt_at", done.plus(delay).toString());
        }
      }
      return j;
    });
    if (outcome.delivered()) {
      log.info("callback delivered", "job_id", id, "attempt", attempt, "status", outcome.status());
      metrics.entry().metric("CallbacksDelivered", 1, "Count").metric("CallbackAttempts", attempt, "Count")
          .property("job_id", id).emit();
    } else if (last) {
      log.warn("callback failed for good", "job_id", id, "attempts", attempt, "error", outcome.error());
      metrics.entry().metric("CallbackFailures", 1, "Count").metric("CallbacksAbandoned", 1, "Count")
          .property("job_id", id).emit();
    } else {
      log.info("callback failed; will retry", "job_id", id, "attempt", attempt, "error", outcome.error(),
          "retry_in_s", delay.toSeconds());
      metrics.entry().metric("CallbackFailures", 1, "Count").property("job_id", id).emit();
    }
  }

  /** Exponential backoff with equal jitter, in whole seconds (as SQS delays are). */
  Duration backoff(int attempt) {
    long base = settings.backoffBase().toMillis();
    long cap = settings.backoffCap().toMillis();
    long full = Math.min(cap, base << Math.min(attempt - 1, 20));
    long jittered = full / 2 + (long) (random.nextDouble() * (full - full / 2));
    long seconds = (jittered + 999) / 1000;
    return Duration.ofSeconds(Math.max(base > 0 ? 1 : 0, Math.min(900, seconds)));
  }
}

package dev.modelfn.errors;

/**
 * The kinds of problem modelfn reports to a caller: each with its HTTP status, a stable slug (the
 * RFC 9457 {@code type} is {@code urn:modelfn:problem:<slug>}), a title, and whether retrying the
 * same request can succeed. Batch and stream functions send non-retryable problems of a record to
 * the rejects or dead-letter place; retryable ones are retried by the platform.
 */
public enum Problem {
  /** Malformed or invalid input for the model; carried by {@link InvalidInputException}. */
  INVALID_INPUT(400, "invalid-input", "Invalid input", false),
  /** The request names a model or version this function does not serve. */
  MODEL_NOT_FOUND(404, "model-not-found", "Model not found", false),
  /** No route for the request's path. */
  ROUTE_NOT_FOUND(404, "route-not-found", "Route not found", false),
  /** The path exists but not for this method; the response's {@code Allow} header lists those that do. */
  METHOD_NOT_ALLOWED(405, "method-not-allowed", "Method not allowed", false),
  /** The body is larger than {@code MODELFN_MAX_BODY_BYTES}. */
  PAYLOAD_TOO_LARGE(413, "payload-too-large", "Payload too large", false),
  /** The request's content type (or accept) cannot be read (or produced) by the route. */
  UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type", "Unsupported media type", false),
  /** An {@code Idempotency-Key} was sent again with a different request. */
  IDEMPOTENCY_KEY_REUSED(422, "idempotency-key-reused", "Idempotency-Key reused", false),
  /** No asynchronous job with that id. */
  JOB_NOT_FOUND(404, "job-not-found", "Job not found", false),
  /** The function's configuration is wrong: the message names the variable. */
  CONFIGURATION_ERROR(500, "configuration-error", "Configuration error", false),
  /** The model failed on input that passed validation; a remote backend's fault may be retryable. */
  INFERENCE_FAILED(500, "inference-failed", "Inference failed", false),
  /** Asynchronous inference is not configured on this function. */
  ASYNC_NOT_CONFIGURED(501, "async-not-configured", "Asynchronous inference not configured", false),
  /** The model (or its remote endpoint) is not ready yet. */
  MODEL_NOT_READY(503, "model-not-ready", "Model not ready", true),
  /** The model could not be fetched or loaded; the message says why. */
  MODEL_LOAD_FAILED(503, "model-load-failed", "Model could not be loaded", false),
  /** The job queue could not take the job. */
  JOB_QUEUE_UNAVAILABLE(503, "job-queue-unavailable", "Job queue unavailable", true);

  private final int status;
  private final String slug;
  private final String title;
  private final boolean retryable;

  Problem(int status, String slug, String title, boolean retryable) {
    this.status = status;
    this.slug = slug;
    this.title = title;
    this.retryable = retryable;
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** The stable slug, for example {@code invalid-input}. */
  public String slug() {
    return slug;
  }

  public String title() {
    return title;
  }

  /** True when the same request may succeed later, unless the error says otherwise. */
  public boolean retryable() {
    return retryable;
  }
}

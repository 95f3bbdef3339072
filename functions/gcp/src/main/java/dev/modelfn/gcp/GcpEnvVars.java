package dev.modelfn.gcp;

/**
 * The environment variables only the Google Cloud adapter reads, beside the project's own in
 * {@link dev.modelfn.config.EnvVars} (which keep their meaning here: {@code MODELFN_MODEL_URI} may be
 * a {@code gs://} URI, {@code MODELFN_SINK_BUCKET} a Cloud Storage bucket). See docs/gcp.md.
 */
public final class GcpEnvVars {
  private GcpEnvVars() {}

  /**
   * The project that owns the Pub/Sub topics named without a project and that log entries are
   * correlated with traces in; else {@code GOOGLE_CLOUD_PROJECT}, else the client libraries'
   * default (the metadata server on Google Cloud).
   */
  public static final String PROJECT = "MODELFN_GCP_PROJECT";

  /** Stream inference: the Pub/Sub topic poison messages go to, with their payload and reason. Required. */
  public static final String DEAD_LETTER_TOPIC = "MODELFN_GCP_DEAD_LETTER_TOPIC";

  /** Stream inference: the Pub/Sub topic predictions are published to (else {@code MODELFN_SINK_BUCKET}). */
  public static final String SINK_TOPIC = "MODELFN_GCP_SINK_TOPIC";

  /**
   * Batch scoring: the Pub/Sub topic a run that nears its timeout hands over to; the same entry point
   * subscribed to it resumes the run. Needed only when an object takes longer than one invocation.
   */
  public static final String CONTINUATION_TOPIC = "MODELFN_GCP_CONTINUATION_TOPIC";

  /**
   * Batch scoring: the function's timeout in seconds (the {@code --timeout} it is deployed with;
   * default 540, the longest for event-driven functions). The run hands over {@code
   * MODELFN_BATCH_SAFETY_SECONDS} before it ends.
   */
  public static final String TIMEOUT_SECONDS = "MODELFN_GCP_TIMEOUT_SECONDS";

  /**
   * Asynchronous jobs: the Pub/Sub topic of job messages (id or {@code projects/P/topics/T}): runs
   * queued by the HTTP function's {@code infer-async} route and the worker's delayed callback
   * retries. {@link AsyncJobCloudEventFunction} is subscribed to it ({@code --trigger-topic}). With
   * {@code MODELFN_DATA_BUCKET} it turns the async routes on; it takes the place of {@code
   * MODELFN_JOBS_QUEUE_URL}, an SQS queue, which is refused on Google Cloud.
   */
  public static final String JOBS_TOPIC = "MODELFN_GCP_JOBS_TOPIC";

  /**
   * Asynchronous jobs: the Pub/Sub topic a job's callback goes to when its last delivery attempt
   * failed (in place of {@code MODELFN_CALLBACK_DLQ_URL}). Optional: without it the job still ends
   * {@code callback_failed} with the last error.
   */
  public static final String JOBS_DEAD_LETTER_TOPIC = "MODELFN_GCP_JOBS_DEAD_LETTER_TOPIC";

  /** The prefix of the temporary part objects of batch outputs (default {@code .modelfn-uploads/}). */
  public static final String UPLOAD_PREFIX = "MODELFN_GCP_UPLOAD_PREFIX";

  /** {@code host:port} of a Cloud Storage emulator (plain HTTP, no credentials), as gcloud's tools use it. */
  public static final String STORAGE_EMULATOR_HOST = "STORAGE_EMULATOR_HOST";

  /** {@code host:port} of a Pub/Sub emulator (plaintext gRPC, no credentials), as gcloud's tools use it. */
  public static final String PUBSUB_EMULATOR_HOST = "PUBSUB_EMULATOR_HOST";

  /** Set by Google Cloud on many runtimes; read after {@link #PROJECT}. */
  public static final String GOOGLE_CLOUD_PROJECT = "GOOGLE_CLOUD_PROJECT";
}

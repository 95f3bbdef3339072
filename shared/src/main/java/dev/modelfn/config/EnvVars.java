package dev.modelfn.config;

import java.util.List;

/**
 * Every environment variable modelfn reads. CDK stacks, Terraform modules and {@code local-dev} set
 * exactly these names; {@link ModelfnConfig} parses them.
 */
public final class EnvVars {
  private EnvVars() {}

  /** Where the ONNX model is: {@code file:/path}, {@code classpath:path} or {@code s3://bucket/key}. */
  public static final String MODEL_URI = "MODELFN_MODEL_URI";
  /** Name the model is served under; default: the model file name without {@code .onnx}. */
  public static final String MODEL_NAME = "MODELFN_MODEL_NAME";
  /** Version reported with every prediction; default: the ONNX {@code model_version}, else {@code 1}. */
  public static final String MODEL_VERSION = "MODELFN_MODEL_VERSION";
  /** Predictor backend: {@code onnx} (in-process ONNX Runtime, default) or {@code sagemaker}. */
  public static final String PREDICTOR = "MODELFN_PREDICTOR";
  /** SageMaker endpoint name, required when {@link #PREDICTOR} is {@code sagemaker}. */
  public static final String SAGEMAKER_ENDPOINT = "MODELFN_SAGEMAKER_ENDPOINT";
  /** Input tensor name the SageMaker endpoint expects; default {@code input}. */
  public static final String SAGEMAKER_INPUT_NAME = "MODELFN_SAGEMAKER_INPUT_NAME";
  /**
   * Comma-separated feature names, in tensor column order. Overrides the names carried by the model;
   * required for named instances and CSV headers with the SageMaker backend.
   */
  public static final String FEATURE_NAMES = "MODELFN_FEATURE_NAMES";
  /**
   * Comma-separated class labels, in the order of the model's score columns. Overrides the labels
   * carried by the model; lets SageMaker-backed functions answer with labels.
   */
  public static final String LABELS = "MODELFN_LABELS";
  /** Largest request body accepted, in bytes; default 6 MB (the Lambda synchronous payload limit). */
  public static final String MAX_BODY_BYTES = "MODELFN_MAX_BODY_BYTES";
  /** Largest number of instances (rows) in one request; default 1000. */
  public static final String MAX_INSTANCES = "MODELFN_MAX_INSTANCES";
  /** Folder for models fetched from S3, cached by ETag; default {@code /tmp/modelfn-models}. */
  public static final String MODEL_CACHE_DIR = "MODELFN_MODEL_CACHE_DIR";
  /** Folder holding the ONNX Runtime native libraries for this platform (see NativeLibraries). */
  public static final String ORT_NATIVE_DIR = "MODELFN_ORT_NATIVE_DIR";
  /** ONNX Runtime intra-op threads; default 1 (best latency for small models on Lambda). */
  public static final String INTRA_OP_THREADS = "MODELFN_INTRA_OP_THREADS";
  /** Log level: {@code DEBUG}, {@code INFO} (default), {@code WARN}, {@code ERROR}. */
  public static final String LOG_LEVEL = "MODELFN_LOG_LEVEL";
  /** CloudWatch namespace of the EMF metrics; default {@code modelfn}. */
  public static final String METRICS_NAMESPACE = "MODELFN_METRICS_NAMESPACE";
  /** {@code true} (default) to emit CloudWatch EMF metrics on stdout, {@code false} to turn them off. */
  public static final String METRICS_ENABLED = "MODELFN_METRICS_ENABLED";

  // Resources, set by the deployment templates and by the local cloud (local-dev/cloud.json).

  /** Bucket for batch input ({@link #INPUT_PREFIX}), predictions, manifests, rejects and job results. */
  public static final String DATA_BUCKET = "MODELFN_DATA_BUCKET";
  /** Key prefix of batch input objects; default {@code incoming/}. */
  public static final String INPUT_PREFIX = "MODELFN_INPUT_PREFIX";
  /** Queue that carries S3 object-created events (and continuations) to the batch function. */
  public static final String BATCH_QUEUE_URL = "MODELFN_BATCH_QUEUE_URL";
  /** Stream of records for stream inference. */
  public static final String INPUT_STREAM = "MODELFN_INPUT_STREAM";
  /** Queue of records for stream inference (the SQS variant). */
  public static final String RECORDS_QUEUE_URL = "MODELFN_RECORDS_QUEUE_URL";
  /** Queue where stream inference sends predictions. */
  public static final String SINK_QUEUE_URL = "MODELFN_SINK_QUEUE_URL";
  /** Kinesis stream where stream inference sends predictions (instead of {@link #SINK_QUEUE_URL}). */
  public static final String SINK_STREAM = "MODELFN_SINK_STREAM";
  /** Bucket where stream inference writes one JSON Lines object per batch (instead of a queue or stream). */
  public static final String SINK_BUCKET = "MODELFN_SINK_BUCKET";
  /** Key prefix of those objects; default {@code stream-predictions/}. */
  public static final String SINK_PREFIX = "MODELFN_SINK_PREFIX";
  /** Dead-letter queue for poison records: payload, source position, model version and reason. */
  public static final String POISON_QUEUE_URL = "MODELFN_POISON_QUEUE_URL";
  /** Queue of asynchronous inference jobs. */
  public static final String JOBS_QUEUE_URL = "MODELFN_JOBS_QUEUE_URL";
  /** Where callbacks that could not be delivered after every attempt are recorded (an SQS queue). */
  public static final String CALLBACK_DLQ_URL = "MODELFN_CALLBACK_DLQ_URL";
  /** Key prefix of jobs, inputs and results in the data bucket; default {@code jobs/}. */
  public static final String JOBS_PREFIX = "MODELFN_JOBS_PREFIX";
  /** Largest async request body carried inside the queue message, in bytes; default 153600. */
  public static final String ASYNC_INLINE_BYTES = "MODELFN_ASYNC_INLINE_BYTES";
  /** The secret callbacks are signed with (HMAC-SHA256; at least 16 bytes). */
  public static final String CALLBACK_SECRET = "MODELFN_CALLBACK_SECRET";
  /** ARN or name of a Secrets Manager secret holding the callback secret (read at start, refreshed). */
  public static final String CALLBACK_SECRET_ARN = "MODELFN_CALLBACK_SECRET_ARN";
  /** CIDRs that callbacks may reach although not public (http allowed there); default none. */
  public static final String CALLBACK_ALLOW_CIDRS = "MODELFN_CALLBACK_ALLOW_CIDRS";
  /** Callback deliveries before a job is {@code callback_failed}; default 8. */
  public static final String CALLBACK_MAX_ATTEMPTS = "MODELFN_CALLBACK_MAX_ATTEMPTS";
  /** Delay before the second callback attempt, doubled for each further one, in seconds; default 10. */
  public static final String CALLBACK_BACKOFF_SECONDS = "MODELFN_CALLBACK_BACKOFF_SECONDS";
  /** Longest delay between callback attempts, in seconds (at most 900); default 900. */
  public static final String CALLBACK_BACKOFF_MAX_SECONDS = "MODELFN_CALLBACK_BACKOFF_MAX_SECONDS";
  /** Connect and read timeout of one callback delivery, in seconds; default 10. */
  public static final String CALLBACK_TIMEOUT_SECONDS = "MODELFN_CALLBACK_TIMEOUT_SECONDS";

  /**
   * A SageMaker asynchronous endpoint that runs the async jobs ({@code InvokeEndpointAsync}, input
   * and output in S3) instead of the worker's own model.
   */
  public static final String SAGEMAKER_ASYNC_ENDPOINT = "MODELFN_SAGEMAKER_ASYNC_ENDPOINT";
  /** Seconds before the first look for a remote job's output, doubled for each further one; default 5. */
  public static final String ASYNC_POLL_SECONDS = "MODELFN_ASYNC_POLL_SECONDS";
  /** Longest wait between two looks for a remote job's output, in seconds (at most 900); default 60. */
  public static final String ASYNC_POLL_MAX_SECONDS = "MODELFN_ASYNC_POLL_MAX_SECONDS";
  /** Seconds a remote job may take before it fails as timed out; default 3600. */
  public static final String ASYNC_MAX_WAIT_SECONDS = "MODELFN_ASYNC_MAX_WAIT_SECONDS";

  /** Rows per batch-scoring micro-batch (one model call each); default 512. */
  public static final String BATCH_ROWS = "MODELFN_BATCH_ROWS";
  /** Size of the multipart-upload parts batch scoring writes, in MiB (5 or more); default 8. */
  public static final String BATCH_PART_MIB = "MODELFN_BATCH_PART_MIB";
  /** Seconds before the invocation's end at which batch scoring hands over to a continuation; default 30. */
  public static final String BATCH_SAFETY_SECONDS = "MODELFN_BATCH_SAFETY_SECONDS";
  /** Output format of batch scoring, {@code csv} or {@code jsonl}; default: the input's. */
  public static final String BATCH_OUTPUT_FORMAT = "MODELFN_BATCH_OUTPUT_FORMAT";

  // Release strategies (set by the CDK constructs and the Terraform modules).

  /**
   * ARN of the shadow alias the predict function copies sampled requests to, by asynchronous
   * invocation ({@code InvocationType=Event}) after answering; unset: no shadow traffic.
   */
  public static final String SHADOW_FUNCTION = "MODELFN_SHADOW_FUNCTION";
  /** Percentage of requests copied to the shadow, 0 to 100; default 10. */
  public static final String SHADOW_SAMPLE_PERCENT = "MODELFN_SHADOW_SAMPLE_PERCENT";
  /** Qualified ARN of the function version the golden-request replay checks. */
  public static final String GOLDEN_TARGET = "MODELFN_GOLDEN_TARGET";
  /** Folder of golden requests ({@code <case>.json} + {@code <case>.expected.json}); default {@code $LAMBDA_TASK_ROOT/golden}. */
  public static final String GOLDEN_DIR = "MODELFN_GOLDEN_DIR";
  /** Largest difference allowed between a golden number and the answered one; default 1e-5. */
  public static final String GOLDEN_TOLERANCE = "MODELFN_GOLDEN_TOLERANCE";

  /** All names, for documentation and for checks that templates set nothing else. */
  public static final List<String> ALL =
      List.of(
          MODEL_URI,
          MODEL_NAME,
          MODEL_VERSION,
          PREDICTOR,
          SAGEMAKER_ENDPOINT,
          SAGEMAKER_INPUT_NAME,
          FEATURE_NAMES,
          LABELS,
          MAX_BODY_BYTES,
          MAX_INSTANCES,
          MODEL_CACHE_DIR,
          ORT_NATIVE_DIR,
          INTRA_OP_THREADS,
          LOG_LEVEL,
          METRICS_NAMESPACE,
          METRICS_ENABLED,
          DATA_BUCKET,
          INPUT_PREFIX,
          BATCH_QUEUE_URL,
          INPUT_STREAM,
          RECORDS_QUEUE_URL,
          SINK_QUEUE_URL,
          POISON_QUEUE_URL,
          JOBS_QUEUE_URL,
          CALLBACK_DLQ_URL,
          JOBS_PREFIX,
          ASYNC_INLINE_BYTES,
          CALLBACK_SECRET,
          CALLBACK_SECRET_ARN,
          CALLBACK_ALLOW_CIDRS,
          CALLBACK_MAX_ATTEMPTS,
          CALLBACK_BACKOFF_SECONDS,
          CALLBACK_BACKOFF_MAX_SECONDS,
          CALLBACK_TIMEOUT_SECONDS,
          BATCH_ROWS,
          BATCH_PART_MIB,
          BATCH_SAFETY_SECONDS,
          BATCH_OUTPUT_FORMAT,
          SINK_STREAM,
          SINK_BUCKET,
          SINK_PREFIX,
          SHADOW_FUNCTION,
          SHADOW_SAMPLE_PERCENT,
          GOLDEN_TARGET,
          GOLDEN_DIR,
          GOLDEN_TOLERANCE,
          SAGEMAKER_ASYNC_ENDPOINT,
          ASYNC_POLL_SECONDS,
          ASYNC_POLL_MAX_SECONDS,
          ASYNC_MAX_WAIT_SECONDS);
}

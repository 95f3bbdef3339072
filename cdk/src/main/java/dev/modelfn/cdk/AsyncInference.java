package dev.modelfn.cdk;

import dev.modelfn.cdk.internal.Grants;
import dev.modelfn.cdk.internal.Nag;
import dev.modelfn.cdk.internal.Queues;
import dev.modelfn.config.EnvVars;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.amazon.awscdk.services.sqs.Queue;
import software.constructs.Construct;

/**
 * Async inference: {@code POST /v2/models/{name}/infer-async} and {@code GET /v2/jobs/{id}} on the
 * endpoint's API (the predict function gets the job queue and the data bucket), a job queue with a
 * dead-letter queue, the job worker ({@code dev.modelfn.aws.AsyncJobHandler}) on its {@code live}
 * alias, job records, inputs and results under {@code jobs/} of the data bucket, a dead-letter queue
 * for callbacks that failed every attempt, and the callback signing secret, generated in Secrets
 * Manager and readable by the worker only.
 */
public final class AsyncInference extends Construct {
  /** The job worker handler. */
  public static final String HANDLER = "dev.modelfn.aws.AsyncJobHandler::handleRequest";

  private final Function worker;
  private final Alias alias;
  private final Queue jobs;
  private final Queue jobsDlq;
  private final Queue callbackDlq;
  private final Secret signingSecret;

  public AsyncInference(Construct scope, String id, ModelEndpoint endpoint, IBucket dataBucket, Props props) {
    super(scope, id);
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(dataBucket, "dataBucket");
    this.jobsDlq = Queues.deadLetter(this, "JobsDlq");
    this.jobs = Queues.withDeadLetter(this, "Jobs", jobsDlq, 5, Queues.visibilityFor(props.timeoutSeconds));
    this.callbackDlq = Queues.deadLetter(this, "CallbacksDlq");
    this.signingSecret = Secret.Builder.create(this, "CallbackSigningSecret")
        .description("HMAC-SHA256 key modelfn signs async callbacks with; receivers verify with it")
        .generateSecretString(SecretStringGenerator.builder().passwordLength(48).excludePunctuation(true).build())
        .removalPolicy(RemovalPolicy.RETAIN).build();
    Nag.callbackSecret(signingSecret);

    Map<String, String> shared = Map.of(EnvVars.DATA_BUCKET, dataBucket.getBucketName(), EnvVars.JOBS_QUEUE_URL,
        jobs.getQueueUrl(), EnvVars.JOBS_PREFIX, props.jobsPrefix);
    ModelPackage modelPackage = endpoint.modelPackage();
    Map<String, String> workerEnv = new java.util.LinkedHashMap<>(shared);
    workerEnv.put(EnvVars.CALLBACK_DLQ_URL, callbackDlq.getQueueUrl());
    workerEnv.put(EnvVars.CALLBACK_SECRET_ARN, signingSecret.getSecretArn());
    workerEnv.put(EnvVars.CALLBACK_MAX_ATTEMPTS, Integer.toString(props.callbackMaxAttempts));
    if (props.remoteEndpoint != null) {
      workerEnv.put(EnvVars.SAGEMAKER_ASYNC_ENDPOINT, props.remoteEndpoint);
    }
    this.worker = modelPackage.function(this, "Worker", new FunctionSettings("async job worker ("
        + modelPackage.modelName() + ")", HANDLER, props.memoryMb, props.timeoutSeconds,
        ModelPackage.LATENCY_JVM_OPTIONS, false, props.reservedConcurrency, workerEnv), true);
    this.alias = Alias.Builder.create(this, "Live").aliasName("live").version(worker.getCurrentVersion()).build();

    // Submit and status on the predict function.
    Function submit = endpoint.function();
    shared.forEach(submit::addEnvironment);
    jobs.grantSendMessages(submit);
    Grants.read(submit, dataBucket, props.jobsPrefix);
    Grants.write(submit, dataBucket, props.jobsPrefix);
    Grants.delete(submit, dataBucket, props.jobsPrefix); // a job, and its idempotency claim, not enqueued
    Grants.list(submit, dataBucket, props.jobsPrefix);

    // The worker: jobs in, results out, retries through delayed messages on the same queue.
    Grants.read(worker, dataBucket, props.jobsPrefix);
    Grants.write(worker, dataBucket, props.jobsPrefix);
    Grants.list(worker, dataBucket, props.jobsPrefix);
    jobs.grantSendMessages(worker);
    callbackDlq.grantSendMessages(worker);
    signingSecret.grantRead(worker);
    if (props.remoteEndpoint != null) {
      // InvokeEndpointAsync on that endpoint only, and the answers (and failures) under its output prefix.
      worker.addToRolePolicy(PolicyStatement.Builder.create().actions(List.of("sagemaker:InvokeEndpointAsync"))
          .resources(List.of(Stack.of(this).formatArn(ArnComponents.builder().service("sagemaker")
              .resource("endpoint").resourceName(props.remoteEndpoint.toLowerCase(java.util.Locale.ROOT))
              .build()))).build());
      Grants.read(worker, props.remoteOutputBucket, props.remoteOutputPrefix);
      Grants.list(worker, props.remoteOutputBucket, props.remoteOutputPrefix);
    }
    alias.addEventSource(SqsEventSource.Builder.create(jobs).batchSize(props.batchSize)
        .maxBatchingWindow(Duration.seconds(1)).reportBatchItemFailures(true).build());
  }

  public Function worker() {
    return worker;
  }

  public Alias alias() {
    return alias;
  }

  public Queue jobsQueue() {
    return jobs;
  }

  public Queue jobsDeadLetterQueue() {
    return jobsDlq;
  }

  public Queue callbackDeadLetterQueue() {
    return callbackDlq;
  }

  public Secret signingSecret() {
    return signingSecret;
  }

  /** The async settings; defaults: {@code jobs/}, 1024 MB, 120 s, 5 jobs per batch, 8 callback attempts. */
  public static final class Props extends FunctionProps<Props> {
    private Props() {
      super(1024, 120);
    }

    private String jobsPrefix = "jobs/";
    private int batchSize = 5;
    private int callbackMaxAttempts = 8;
    private String remoteEndpoint;
    private IBucket remoteOutputBucket;
    private String remoteOutputPrefix;

    public static Props defaults() {
      return new Props();
    }

    public Props jobsPrefix(String v) {
      if (v == null || !v.endsWith("/") || v.startsWith("/")) {
        throw new IllegalArgumentException("jobsPrefix: expected a prefix ending in '/', got '" + v + "'");
      }
      this.jobsPrefix = v;
      return this;
    }

    public Props batchSize(int v) {
      this.batchSize = v;
      return this;
    }

    /**
     * Runs the jobs on a SageMaker asynchronous endpoint instead of the worker's own model: the
     * worker may call {@code InvokeEndpointAsync} on it and read what it writes under {@code
     * outputPrefix} of {@code outputBucket} (the endpoint's S3 output and failure paths). The
     * endpoint's own role must be able to read the job inputs under {@code jobs/} of the data bucket.
     */
    public Props sageMakerAsyncEndpoint(String endpointName, IBucket outputBucket, String outputPrefix) {
      if (endpointName == null || !endpointName.matches("[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}")) {
        throw new IllegalArgumentException("SageMaker endpoint name: expected up to 63 letters, digits and '-', got '"
            + endpointName + "'");
      }
      if (outputPrefix == null || !outputPrefix.endsWith("/") || outputPrefix.startsWith("/")) {
        throw new IllegalArgumentException("outputPrefix: expected a key prefix ending in '/', got '" + outputPrefix
            + "'");
      }
      this.remoteEndpoint = endpointName;
      this.remoteOutputBucket = Objects.requireNonNull(outputBucket, "outputBucket");
      this.remoteOutputPrefix = outputPrefix;
      return this;
    }

    public Props callbackMaxAttempts(int v) {
      if (v < 1) {
        throw new IllegalArgumentException("callbackMaxAttempts: expected 1 or more, got " + v);
      }
      this.callbackMaxAttempts = v;
      return this;
    }

  }
}

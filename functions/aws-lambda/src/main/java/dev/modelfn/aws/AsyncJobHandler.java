package dev.modelfn.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.aws.internal.AwsPredictors;
import dev.modelfn.codec.Json;
import dev.modelfn.config.EnvVars;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.core.async.AsyncConfig;
import dev.modelfn.core.async.AsyncJobWorker;
import dev.modelfn.core.async.CallbackClient;
import dev.modelfn.core.predict.PredictFunction;
import dev.modelfn.core.predict.PredictHttpFunction;
import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
import dev.modelfn.telemetry.JsonLogger;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Lambda handler for asynchronous jobs. Trigger: the job queue ({@code MODELFN_JOBS_QUEUE_URL}) as an
 * SQS event source with {@code ReportBatchItemFailures}; runs each job, stores its result in the data
 * bucket (or hands it to the SageMaker asynchronous endpoint {@code MODELFN_SAGEMAKER_ASYNC_ENDPOINT}
 * and polls its output) and posts the signed callback, retrying failed deliveries through delayed messages on the
 * same queue. Answers {@code batchItemFailures} for messages that should come back (model not ready,
 * storage unavailable); a message that is not a job message is logged and dropped.
 */
public final class AsyncJobHandler implements RequestStreamHandler {
  private final AsyncJobWorker worker;
  private final JsonLogger log;

  public AsyncJobHandler() {
    this(System.getenv());
  }

  public AsyncJobHandler(Map<String, String> env) {
    String remoteName = env.getOrDefault(EnvVars.SAGEMAKER_ASYNC_ENDPOINT, "").trim();
    // Jobs run on a SageMaker asynchronous endpoint, or on the worker's own model (which it then loads).
    ModelfnConfig config = remoteName.isEmpty() ? ModelfnConfig.from(env) : null;
    this.log = new JsonLogger("dev.modelfn.aws.AsyncJobHandler", config != null ? config.logLevel()
        : env.getOrDefault(EnvVars.LOG_LEVEL, "INFO"));
    AsyncConfig async = AsyncConfig.from(env).orElseThrow(() -> new ModelfnException(Problem.CONFIGURATION_ERROR, "the job worker needs "
        + EnvVars.DATA_BUCKET + " (results) and " + EnvVars.JOBS_QUEUE_URL + " (callback retries)"));
    PredictHttpFunction predict = config == null ? null
        : new PredictHttpFunction(new PredictFunction(AwsPredictors.create(config, env)), config, null,
            EmfMetrics.factory(config.metricsNamespace(), config.metricsEnabled()));
    SageMakerAsyncEndpoint remote = remoteName.isEmpty() ? null
        : new SageMakerAsyncEndpoint(AwsPredictors.sageMakerClient(env), remoteName);
    var signer = CallbackSecrets.from(env, () -> {
      var b = SecretsManagerClient.builder()
          .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create());
      String endpoint = env.get("AWS_ENDPOINT_URL");
      if (endpoint != null && !endpoint.isBlank()) {
        b.endpointOverride(java.net.URI.create(endpoint.trim()));
      }
      return b.build();
    }, Clock.systemUTC());
    if (signer.get() == null) {
      log.warn("no callback signing secret: callbacks will fail until one is configured", "set",
          EnvVars.CALLBACK_SECRET_ARN + " or " + EnvVars.CALLBACK_SECRET);
    }
    Map<String, String> dims = new java.util.LinkedHashMap<>();
    dims.put("Model", predict != null ? predict.metadata().name()
        : env.getOrDefault(EnvVars.MODEL_NAME, remoteName));
    if (predict != null) {
      dims.put("ModelVersion", predict.metadata().version());
    }
    EmfMetrics metrics = new EmfMetrics(env.getOrDefault(EnvVars.METRICS_NAMESPACE, "modelfn"),
        !"false".equalsIgnoreCase(env.getOrDefault(EnvVars.METRICS_ENABLED, "true").trim()), dims);
    this.worker = new AsyncJobWorker(predict, AsyncJobsAws.store(async, env),
        AsyncJobsAws.queue(AwsPredictors.sqsClient(env), async.queueUrl(), async.deadLetterUrl()),
        CallbackClient.create(AsyncJobsAws.policy(async), async.timeout()), signer, async.delivery(),
        Clock.systemUTC(), new SecureRandom(), log, metrics, remote,
        remote == null ? null : AsyncConfig.polling(env));
    if (remote != null) {
      log.info("jobs run on a SageMaker asynchronous endpoint", "endpoint", remoteName);
    }
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    output.write(Json.mapper().writeValueAsBytes(handle(Json.parse(input.readAllBytes()))));
  }

  /** Handles an SQS event; the answer names the messages to deliver again. */
  public ObjectNode handle(JsonNode event) {
    ObjectNode answer = Json.mapper().createObjectNode();
    ArrayNode failures = answer.putArray("batchItemFailures");
    for (JsonNode r : event.path("Records")) {
      String messageId = r.path("messageId").asText();
      try {
        worker.handle(r.path("body").asText().getBytes(StandardCharsets.UTF_8));
      } catch (AsyncJobWorker.RetryLaterException e) {
        log.warn("job message will be retried", "message_id", messageId, "detail", e.getMessage());
        failures.addObject().put("itemIdentifier", messageId);
      } catch (IllegalArgumentException e) {
        log.error("job message dropped", e, "message_id", messageId);
      }
    }
    return answer;
  }
}

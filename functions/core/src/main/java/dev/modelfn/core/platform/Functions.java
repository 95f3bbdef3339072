package dev.modelfn.core.platform;

import dev.modelfn.config.EnvValues;
import dev.modelfn.config.EnvVars;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.core.async.AsyncConfig;
import dev.modelfn.core.async.AsyncEndpoint;
import dev.modelfn.core.async.AsyncJobWorker;
import dev.modelfn.core.async.AsyncJobs;
import dev.modelfn.core.async.CallbackClient;
import dev.modelfn.core.async.CallbackPolicy;
import dev.modelfn.core.batch.ScoreObjectFunction;
import dev.modelfn.core.predict.PredictFunction;
import dev.modelfn.core.predict.PredictHttpFunction;
import dev.modelfn.core.stream.ScoreRecordsFunction;
import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
import dev.modelfn.model.ModelMetadata;
import dev.modelfn.model.Predictor;
import dev.modelfn.telemetry.JsonLogger;
import dev.modelfn.telemetry.Metrics;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The composition root: each function built from the environment (see docs/configuration.md) and a
 * platform's ports. Adapters call these once per process and keep the function; a handler is then
 * only the mapping of its platform's events.
 */
public final class Functions {
  private Functions() {}

  /** The synchronous HTTP surface (OIP v2, v1, SageMaker, and the async routes where configured). */
  public static PredictHttpFunction predictHttp(Map<String, String> env, Platform platform) {
    ModelfnConfig config = ModelfnConfig.from(env);
    AsyncJobs jobs = AsyncConfig.from(env).map(c -> new AsyncJobs(platform.jobStore(c), platform.jobQueue(c),
        policy(c), c.inlineBytes(), Clock.systemUTC())).orElse(null);
    return new PredictHttpFunction(new PredictFunction(platform.predictor(config)), config, jobs, metrics(config, platform),
        platform.asyncSettings());
  }

  /** Batch scoring of one object at a time, with the settings of {@link ScoreObjectFunction.Settings#from}. */
  public static ScoreObjectFunction scoreObject(Map<String, String> env, Platform platform) {
    ModelfnConfig config = ModelfnConfig.from(env);
    ScoreObjectFunction.Settings settings = ScoreObjectFunction.Settings.from(env);
    return new ScoreObjectFunction(platform.predictor(config), platform.blobStore(), platform.continuations(),
        settings, new JsonLogger("dev.modelfn.batch", config.logLevel()));
  }

  /** Stream inference of record batches (Kinesis, SQS, Pub/Sub). */
  public static ScoreRecordsFunction scoreRecords(Map<String, String> env, Platform platform) {
    ModelfnConfig config = ModelfnConfig.from(env);
    // the dead letters and the sink before the model: a missing setting fails at once
    var deadLetters = platform.deadLetters();
    var sink = platform.predictionSink();
    Predictor predictor = platform.predictor(config);
    ModelMetadata md = predictor.metadata();
    return new ScoreRecordsFunction(predictor, sink, deadLetters,
        metrics(config, platform).forDimensions(Metrics.modelDimensions(md.name(), md.version())));
  }

  /**
   * The asynchronous job worker: runs each job on the configured model, or on the platform's remote
   * {@link Platform#asyncEndpoint() asynchronous endpoint} when it has one (no model is loaded then),
   * stores the result and delivers the signed callback.
   */
  public static AsyncJobWorker asyncWorker(Map<String, String> env, Platform platform) {
    AsyncConfig async = AsyncConfig.from(env).orElseThrow(() -> new ModelfnException(Problem.CONFIGURATION_ERROR,
        "the job worker needs " + EnvVars.DATA_BUCKET + " (results) and " + EnvVars.JOBS_QUEUE_URL
            + " (jobs and callback retries)"));
    Optional<AsyncEndpoint> remote = platform.asyncEndpoint();
    String logLevel = EnvValues.text(env, EnvVars.LOG_LEVEL).orElse("INFO");
    JsonLogger log = new JsonLogger("dev.modelfn.async", logLevel);
    Map<String, String> dims = new LinkedHashMap<>();
    PredictHttpFunction predict = null;
    Metrics.Factory metrics;
    if (remote.isEmpty()) {
      ModelfnConfig config = ModelfnConfig.from(env);
      metrics = metrics(config, platform);
      predict = new PredictHttpFunction(new PredictFunction(platform.predictor(config)), config, null, metrics);
      dims.putAll(Metrics.modelDimensions(predict.metadata().name(), predict.metadata().version()));
    } else {
      metrics = platform.metrics(EnvValues.text(env, EnvVars.METRICS_NAMESPACE).orElse("modelfn"),
          EnvValues.bool(env, EnvVars.METRICS_ENABLED, true));
      dims.put("Model", EnvValues.text(env, EnvVars.MODEL_NAME).orElse(remote.get().name()));
      log.info("jobs run on a remote asynchronous endpoint", "endpoint", remote.get().name());
    }
    var signer = platform.callbackSigner();
    if (signer.get() == null) {
      log.warn("no callback signing secret: callbacks will fail until one is configured", "set",
          EnvVars.CALLBACK_SECRET_ARN + " or " + EnvVars.CALLBACK_SECRET);
    }
    return new AsyncJobWorker(predict, platform.jobStore(async), platform.jobQueue(async),
        CallbackClient.create(policy(async), async.timeout()), signer, async.delivery(), Clock.systemUTC(),
        new SecureRandom(), log, metrics.forDimensions(dims), remote.orElse(null),
        remote.isEmpty() ? null : AsyncConfig.polling(env));
  }

  private static Metrics.Factory metrics(ModelfnConfig config, Platform platform) {
    return platform.metrics(config.metricsNamespace(), config.metricsEnabled());
  }

  private static CallbackPolicy policy(AsyncConfig c) {
    return new CallbackPolicy(c.allowCidrs(), InetAddress::getAllByName);
  }
}

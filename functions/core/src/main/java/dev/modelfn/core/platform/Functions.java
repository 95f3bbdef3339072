package dev.modelfn.core.platform;

import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.core.batch.ScoreObjectFunction;
import dev.modelfn.core.predict.PredictFunction;
import dev.modelfn.core.predict.PredictHttpFunction;
import dev.modelfn.core.stream.ScoreRecordsFunction;
import dev.modelfn.model.ModelMetadata;
import dev.modelfn.model.Predictor;
import dev.modelfn.telemetry.JsonLogger;
import dev.modelfn.telemetry.Metrics;
import java.util.Map;

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
    return new PredictHttpFunction(new PredictFunction(platform.predictor(config)), config,
        platform.jobs().orElse(null), platform.metrics(config));
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
        platform.metrics(config).forDimensions(Metrics.modelDimensions(md.name(), md.version())));
  }
}

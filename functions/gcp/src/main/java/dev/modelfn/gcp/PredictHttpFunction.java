package dev.modelfn.gcp;

import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.config.PredictorKind;
import dev.modelfn.core.platform.Functions;
import dev.modelfn.gcp.internal.GcfHttp;
import dev.modelfn.gcp.internal.TraceContext;
import dev.modelfn.model.ModelMetadata;
import dev.modelfn.model.OnnxRuntimeEnvironment;
import dev.modelfn.model.TensorSpec;
import dev.modelfn.telemetry.JsonLogger;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * Google Cloud Functions entry point for synchronous prediction. Trigger: HTTP ({@code
 * --trigger-http}); the whole HTTP surface of docs/http-api.md (OIP v2, v1, SageMaker routes) with
 * the same answers as the Lambda handler, and the async routes ({@code infer-async}, {@code
 * /v2/jobs/{id}}) when jobs are configured. The model and the function are built once per instance,
 * in the constructor the Functions Framework calls.
 */
public final class PredictHttpFunction implements HttpFunction {
  private final dev.modelfn.core.predict.PredictHttpFunction function;
  private final JsonLogger log;

  /** The Functions Framework's constructor: configuration from the environment. */
  public PredictHttpFunction() {
    this(System.getenv());
  }

  /**
   * Builds the function from an explicit environment (tests). With {@code MODELFN_GCP_JOBS_TOPIC}
   * and {@code MODELFN_DATA_BUCKET} set, the async routes queue jobs on that Pub/Sub topic.
   */
  public PredictHttpFunction(Map<String, String> environment) {
    this(environment, GcpFunctions.platform(environment));
  }

  /** Builds the function on a given platform. */
  public PredictHttpFunction(Map<String, String> environment, GcpPlatform platform) {
    Map<String, String> env = GcpFunctions.environment(environment);
    ModelfnConfig config = ModelfnConfig.from(env);
    if (config.predictor() == PredictorKind.ONNX) {
      // ONNX Runtime initialises on one core while the request path's code loads on the other
      OnnxRuntimeEnvironment.startLoading(env);
      OnnxRuntimeEnvironment.prepareLogging();
      dev.modelfn.core.predict.PredictHttpFunction.warmUp();
    }
    this.log = new JsonLogger("dev.modelfn.gcp.PredictHttpFunction", config.logLevel());
    this.function = Functions.predictHttp(env, platform);
    ModelMetadata md = function.metadata();
    log.info("model loaded", "model", md.name(), "model_version", md.version(), "platform", md.platform(),
        "inputs", md.signature().inputs().stream().map(TensorSpec::name).toList());
  }

  @Override
  public void service(HttpRequest request, HttpResponse response) throws IOException {
    dev.modelfn.core.http.HttpRequest req = GcfHttp.request(request, body(request));
    TraceContext.set(GcfHttp.trace(req.headers()).orElse(null));
    try {
      GcfHttp.write(function.apply(req), response);
    } finally {
      TraceContext.clear();
    }
  }

  /**
   * The whole body (Cloud Functions caps a request at 32 MB): the core answers 413 above {@code
   * MODELFN_MAX_BODY_BYTES}, naming the size as the Lambda handler does.
   */
  private static byte[] body(HttpRequest request) throws IOException {
    try (InputStream in = request.getInputStream()) {
      return in.readAllBytes();
    }
  }

  public dev.modelfn.core.predict.PredictHttpFunction function() {
    return function;
  }
}

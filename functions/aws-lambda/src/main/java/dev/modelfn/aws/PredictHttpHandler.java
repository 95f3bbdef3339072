package dev.modelfn.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.modelfn.aws.internal.ApiGatewayEvents;
import dev.modelfn.aws.internal.ShadowCopier;
import dev.modelfn.codec.Json;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.core.http.HttpResponse;
import dev.modelfn.core.http.Problems;
import dev.modelfn.core.platform.Functions;
import dev.modelfn.core.platform.Platform;
import dev.modelfn.core.predict.PredictHttpFunction;
import dev.modelfn.core.predict.Priming;
import dev.modelfn.errors.InvalidInputException;
import dev.modelfn.model.ModelMetadata;
import dev.modelfn.model.OnnxRuntimeEnvironment;
import dev.modelfn.model.TensorSpec;
import dev.modelfn.telemetry.JsonLogger;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.UUID;
import org.crac.Core;
import org.crac.Resource;

/**
 * Lambda handler for synchronous prediction. Trigger: API Gateway HTTP API (payload 2.0), REST API
 * proxy (payload 1.0) or a Lambda function URL; event and response as raw JSON bytes.
 *
 * <p>The model, predictor and function are built once per process in the constructor. With
 * SnapStart, {@link #beforeCheckpoint} primes the whole handler path (event decoding, every route's
 * codec, ONNX Runtime, response encoding) so the snapshot holds loaded classes and warmed code.
 */
public final class PredictHttpHandler implements RequestStreamHandler, Resource {

  private final PredictHttpFunction function;
  private final JsonLogger log;
  private final ShadowCopier shadow;
  private volatile boolean restored;
  private volatile boolean priming;

  /** Lambda's constructor: configuration from the environment; registers the SnapStart hooks. */
  public PredictHttpHandler() {
    this(System.getenv());
    Core.getGlobalContext().register(this);
  }

  /** Builds the handler from an explicit environment (tests, local serving). */
  public PredictHttpHandler(Map<String, String> env) {
    this(env, new AwsPlatform(env));
  }

  /**
   * Builds the handler on the given platform's ports: another adapter that receives the same API
   * Gateway events (Spring Cloud Function's {@code FunctionInvoker} on Lambda) reuses this event
   * mapping whole.
   */
  public PredictHttpHandler(Map<String, String> env, Platform platform) {
    ModelfnConfig config = ModelfnConfig.from(env);
    if (config.predictor() == dev.modelfn.config.PredictorKind.ONNX) {
      // ONNX Runtime initialises on one core while the request path's code loads on the other.
      OnnxRuntimeEnvironment.startLoading(env);
      OnnxRuntimeEnvironment.prepareLogging();
      ApiGatewayEvents.warmUp();
      PredictHttpFunction.warmUp();
    }
    this.log = new JsonLogger("dev.modelfn.aws.PredictHttpHandler", config.logLevel());
    this.function = Functions.predictHttp(env, platform);
    this.shadow = ShadowCopier.from(env, log).orElse(null);
    ModelMetadata md = function.metadata();
    log.info("model loaded", "model", md.name(), "model_version", md.version(), "platform", md.platform(),
        "inputs", md.signature().inputs().stream().map(TensorSpec::name).toList());
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    byte[] event = input.readAllBytes();
    output.write(handle(event, context == null ? UUID.randomUUID().toString() : context.getAwsRequestId()));
  }

  /**
   * Handles one event's bytes and returns the response event's bytes. With shadow traffic on, a
   * sampled answered request is then copied to the shadow (after the answer is made, which the copy
   * never changes).
   */
  public byte[] handle(byte[] event, String lambdaRequestId) {
    long t0 = shadow == null ? 0 : System.nanoTime();
    ApiGatewayEvents.Decoded decoded;
    try {
      decoded = ApiGatewayEvents.decode(event, lambdaRequestId);
    } catch (InvalidInputException e) {
      log.info("event rejected", "request_id", lambdaRequestId, "detail", e.getMessage());
      HttpResponse problem = Problems.response(e, "/", lambdaRequestId, Map.of("x-request-id", lambdaRequestId));
      return ApiGatewayEvents.encode(ApiGatewayEvents.Format.V2, problem);
    }
    HttpResponse resp = function.apply(decoded.request());
    byte[] answer = ApiGatewayEvents.encode(decoded.format(), resp);
    if (shadow != null && !priming && shadow.sampled()) {
      shadow.copy(event, answer, System.nanoTime() - t0, decoded.request().requestId());
    }
    return answer;
  }

  public PredictHttpFunction function() {
    return function;
  }

  /** True after a SnapStart restore. */
  public boolean restored() {
    return restored;
  }

  @Override
  public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
    prime();
  }

  @Override
  public void afterRestore(org.crac.Context<? extends Resource> context) {
    // Nothing unique is cached by the handler: request ids come from each event, and UUIDs and
    // SecureRandom are reseeded by the runtime on restore. Record the restore for the logs.
    restored = true;
    log.info("restored from snapshot", "model", function.metadata().name());
  }

  /**
   * Runs the core's priming requests ({@link Priming}) through the whole handler, as payload 2.0
   * events and, for the v1 route, as a REST API (1.0) event too, discarding the answers and the logs
   * and metrics they produce. Returns the number of requests answered 200.
   */
  public int prime() {
    priming = true;
    try {
      // each request as an HTTP API (2.0) event, and the v1 route's also as a REST API (1.0) event: both
      // must answer 200 for the request to count
      return Priming.run(Priming.requests(function.metadata()), req -> {
        int status = status(handle(ApiGatewayEvents.requestEvent(ApiGatewayEvents.Format.V2, req), Priming.REQUEST_ID));
        if (req.path().startsWith("/v1/")) {
          int rest = status(handle(ApiGatewayEvents.requestEvent(ApiGatewayEvents.Format.V1, req), Priming.REQUEST_ID));
          return rest == 200 ? status : rest;
        }
        return status;
      }, log);
    } finally {
      priming = false;
    }
  }

  private static int status(byte[] responseEvent) {
    return Json.parse(responseEvent).path("statusCode").asInt();
  }
}

package dev.modelfn.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.aws.internal.ApiGatewayEvents;
import dev.modelfn.aws.internal.ShadowCopier;
import dev.modelfn.codec.Json;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.core.http.HttpResponse;
import dev.modelfn.core.http.Problems;
import dev.modelfn.core.platform.Functions;
import dev.modelfn.core.predict.PredictHttpFunction;
import dev.modelfn.errors.InvalidInputException;
import dev.modelfn.model.ModelMetadata;
import dev.modelfn.model.OnnxRuntimeEnvironment;
import dev.modelfn.model.TensorSpec;
import dev.modelfn.telemetry.JsonLogger;
import dev.modelfn.telemetry.Logs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
  private static final int PRIMING_ROUNDS = 25;

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
    ModelfnConfig config = ModelfnConfig.from(env);
    if (config.predictor() == dev.modelfn.config.PredictorKind.ONNX) {
      // ONNX Runtime initialises on one core while the request path's code loads on the other.
      OnnxRuntimeEnvironment.startLoading(env);
      OnnxRuntimeEnvironment.prepareLogging();
      ApiGatewayEvents.warmUp();
      PredictHttpFunction.warmUp();
    }
    this.log = new JsonLogger("dev.modelfn.aws.PredictHttpHandler", config.logLevel());
    this.function = Functions.predictHttp(env, new AwsPlatform(env));
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
   * Runs synthetic requests through every serving route and both event formats, discarding the
   * answers and the logs and metrics they produce. Returns the number of requests answered 200.
   */
  public int prime() {
    ModelMetadata md = function.metadata();
    byte[][] events = primingEvents(md);
    PrintStream previous = Logs.sink();
    Logs.setSink(new PrintStream(OutputStream.nullOutputStream()));
    int ok = 0;
    priming = true;
    try {
      for (int round = 0; round < PRIMING_ROUNDS; round++) {
        for (byte[] e : events) {
          String resp = new String(handle(e, "priming"), StandardCharsets.UTF_8);
          if (resp.contains("\"statusCode\":200")) {
            ok++;
          }
        }
      }
    } finally {
      priming = false;
      Logs.setSink(previous);
    }
    log.info("primed", "requests_ok", ok, "requests", PRIMING_ROUNDS * events.length);
    return ok;
  }

  private static byte[][] primingEvents(ModelMetadata md) {
    String base = "/v2/models/" + md.name();
    var tab = md.signature().tabularInput();
    int cols = md.signature().featureCount();
    if (tab.isEmpty() || cols <= 0) {
      return new byte[][] {v2Event("GET", "/v2/health/ready", null, null), v2Event("GET", base, null, null)};
    }
    ObjectNode v2 = Json.mapper().createObjectNode();
    ObjectNode in = v2.putArray("inputs").addObject();
    in.put("name", tab.get().name()).put("datatype", tab.get().type().name());
    in.putArray("shape").add(1).add(cols);
    ArrayNode data = in.putArray("data");
    StringBuilder csv = new StringBuilder();
    ObjectNode v1 = Json.mapper().createObjectNode();
    ArrayNode row = v1.putArray("instances").addArray();
    for (int c = 0; c < cols; c++) {
      data.add(0);
      row.add(0);
      csv.append(c == 0 ? "0" : ",0");
    }
    return new byte[][] {
      v2Event("POST", base + "/infer", v2.toString(), "application/json"),
      v1Event("POST", "/v1/models/" + md.name() + ":predict", v1.toString(), "application/json"),
      v2Event("POST", "/invocations", csv.toString(), "text/csv"),
      v2Event("GET", "/v2/health/ready", null, null)
    };
  }

  private static byte[] v2Event(String method, String path, String body, String contentType) {
    ObjectNode e = Json.mapper().createObjectNode();
    e.put("version", "2.0").put("routeKey", "$default").put("rawPath", path).put("rawQueryString", "");
    ObjectNode headers = e.putObject("headers");
    if (contentType != null) {
      headers.put("content-type", contentType);
    }
    ObjectNode ctx = e.putObject("requestContext");
    ctx.put("requestId", "priming").put("stage", "$default");
    ctx.putObject("http").put("method", method).put("path", path);
    if (body != null) {
      e.put("body", body).put("isBase64Encoded", false);
    }
    return e.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] v1Event(String method, String path, String body, String contentType) {
    ObjectNode e = Json.mapper().createObjectNode();
    e.put("resource", "/{proxy+}").put("path", path).put("httpMethod", method);
    e.putObject("headers").put("Content-Type", contentType);
    e.putObject("requestContext").put("requestId", "priming").put("stage", "prod");
    e.put("body", body).put("isBase64Encoded", false);
    return e.toString().getBytes(StandardCharsets.UTF_8);
  }
}

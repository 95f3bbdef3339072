package dev.modelfn.spring.lambda;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.aws.internal.ApiGatewayEvents;
import dev.modelfn.aws.internal.ShadowCopier;
import dev.modelfn.codec.Json;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.config.PredictorKind;
import dev.modelfn.core.http.HttpResponse;
import dev.modelfn.core.http.Problems;
import dev.modelfn.core.platform.Functions;
import dev.modelfn.core.platform.Platform;
import dev.modelfn.core.predict.PredictHttpFunction;
import dev.modelfn.errors.InvalidInputException;
import dev.modelfn.model.ModelMetadata;
import dev.modelfn.model.OnnxRuntimeEnvironment;
import dev.modelfn.model.TensorSpec;
import dev.modelfn.telemetry.JsonLogger;
import dev.modelfn.telemetry.Logs;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;
import org.crac.Resource;
import org.springframework.messaging.Message;

/**
 * The {@code predict} bean: API Gateway HTTP API (payload 2.0), REST API proxy (payload 1.0) and
 * function URL events in, the response event out, as {@code dev.modelfn.aws.PredictHttpHandler}
 * answers them (the same codec, {@link ApiGatewayEvents}, around the same core function, built by
 * {@link Functions#predictHttp}); shadow traffic ({@code MODELFN_SHADOW_FUNCTION}) as there.
 *
 * <p>With SnapStart, {@link #beforeCheckpoint} primes the request path (event decoding, every
 * serving route, ONNX Runtime, encoding) so that the snapshot holds loaded classes and warmed code.
 */
public final class PredictEventFunction implements Function<Message<InputStream>, byte[]>, Resource {
  private static final int PRIMING_ROUNDS = 25;

  private final PredictHttpFunction function;
  private final ShadowCopier shadow;
  private final JsonLogger log;
  private volatile boolean priming;

  /** Builds the function from the environment and the platform's ports (AWS on Lambda). */
  public PredictEventFunction(Map<String, String> env, Platform platform) {
    ModelfnConfig config = ModelfnConfig.from(env);
    if (config.predictor() == PredictorKind.ONNX) {
      // ONNX Runtime initialises on one core while the request path's code loads on the other
      OnnxRuntimeEnvironment.startLoading(env);
      OnnxRuntimeEnvironment.prepareLogging();
      ApiGatewayEvents.warmUp();
      PredictHttpFunction.warmUp();
    }
    this.log = new JsonLogger("dev.modelfn.spring.predict", config.logLevel());
    this.function = Functions.predictHttp(env, platform);
    this.shadow = ShadowCopier.from(env, log).orElse(null);
    ModelMetadata md = function.metadata();
    log.info("model loaded", "model", md.name(), "model_version", md.version(), "platform", md.platform(),
        "inputs", md.signature().inputs().stream().map(TensorSpec::name).toList());
  }

  @Override
  public byte[] apply(Message<InputStream> message) {
    return handle(LambdaEvents.bytes(message), LambdaEvents.requestId(message));
  }

  /** One event's bytes to the response event's bytes; {@code lambdaRequestId} where the event has no request id. */
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

  @Override
  public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
    prime();
  }

  @Override
  public void afterRestore(org.crac.Context<? extends Resource> context) {
    // nothing unique is cached here: request ids come from each event; the runtime reseeds randomness
    log.info("restored from snapshot", "model", function.metadata().name());
  }

  /**
   * Runs synthetic requests through every serving route in both event formats, discarding the
   * answers and the log and metric lines they make. Returns the number answered 200.
   */
  public int prime() {
    byte[][] events = primingEvents(function.metadata());
    PrintStream previous = Logs.sink();
    Logs.setSink(new PrintStream(OutputStream.nullOutputStream()));
    int ok = 0;
    priming = true;
    try {
      for (int round = 0; round < PRIMING_ROUNDS; round++) {
        for (byte[] e : events) {
          if (new String(handle(e, "priming"), StandardCharsets.UTF_8).contains("\"statusCode\":200")) {
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

  /** A request of one all-zero row on each serving route (the model's own inputs), and readiness. */
  static byte[][] primingEvents(ModelMetadata md) {
    String base = "/v2/models/" + md.name();
    var tab = md.signature().tabularInput();
    int cols = md.signature().featureCount();
    if (tab.isEmpty() || cols <= 0) {
      return new byte[][] {event("2.0", "GET", "/v2/health/ready", null, null), event("2.0", "GET", base, null, null)};
    }
    ObjectNode v2 = Json.mapper().createObjectNode();
    ObjectNode in = v2.putArray("inputs").addObject();
    in.put("name", tab.get().name()).put("datatype", tab.get().type().name());
    in.putArray("shape").add(1).add(cols);
    ArrayNode data = in.putArray("data");
    ObjectNode v1 = Json.mapper().createObjectNode();
    ArrayNode row = v1.putArray("instances").addArray();
    StringBuilder csv = new StringBuilder();
    for (int c = 0; c < cols; c++) {
      data.add(0);
      row.add(0);
      csv.append(c == 0 ? "0" : ",0");
    }
    return new byte[][] {
      event("2.0", "POST", base + "/infer", v2.toString(), "application/json"),
      event("1.0", "POST", "/v1/models/" + md.name() + ":predict", v1.toString(), "application/json"),
      event("2.0", "POST", "/invocations", csv.toString(), "text/csv"),
      event("2.0", "GET", "/v2/health/ready", null, null)
    };
  }

  /** An HTTP API 2.0 event, or a REST API 1.0 proxy event. */
  private static byte[] event(String version, String method, String path, String body, String contentType) {
    ObjectNode e = Json.mapper().createObjectNode();
    ObjectNode headers;
    ObjectNode ctx;
    if (version.equals("2.0")) {
      e.put("version", "2.0").put("routeKey", "$default").put("rawPath", path).put("rawQueryString", "");
      headers = e.putObject("headers");
      ctx = e.putObject("requestContext");
      ctx.put("stage", "$default").putObject("http").put("method", method).put("path", path);
    } else {
      e.put("resource", "/{proxy+}").put("path", path).put("httpMethod", method);
      headers = e.putObject("headers");
      ctx = e.putObject("requestContext");
      ctx.put("stage", "prod");
    }
    ctx.put("requestId", "priming");
    if (contentType != null) {
      headers.put("content-type", contentType);
    }
    if (body != null) {
      e.put("body", body).put("isBase64Encoded", false);
    }
    return e.toString().getBytes(StandardCharsets.UTF_8);
  }
}

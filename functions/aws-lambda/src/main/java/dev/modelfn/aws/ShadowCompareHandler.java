package dev.modelfn.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.codec.Json;
import dev.modelfn.config.EnvVars;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.core.release.ResponseDiff;
import dev.modelfn.core.release.ShadowCompareFunction;
import dev.modelfn.errors.InvalidInputException;
import dev.modelfn.telemetry.JsonLogger;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.crac.Core;
import org.crac.Resource;

/**
 * Lambda handler of the shadow. Trigger: asynchronous invocation by the live predict function with
 * {@code {"event": the API Gateway event, "response": the live response event, "latency_ms": the
 * live handler time}}; scores the event with the candidate model through the same predict path,
 * compares with the live answer and emits {@code ShadowAgreement}, {@code ShadowLatencyDelta},
 * {@code ShadowMaxDelta} and {@code ShadowErrors} (EMF, dimension {@code Model}). The candidate's own
 * request metrics are turned off, so that the live model's metrics and alarms see live traffic only.
 */
public final class ShadowCompareHandler implements RequestStreamHandler, Resource {
  /** Numbers closer than this count as the same answer; probabilities move less than that between CPUs. */
  static final double TOLERANCE = 1e-4;

  private final PredictHttpHandler candidate;
  private final ShadowCompareFunction compare;
  private final JsonLogger log;

  public ShadowCompareHandler() {
    this(System.getenv());
    Core.getGlobalContext().register(this);
  }

  public ShadowCompareHandler(Map<String, String> env) {
    Map<String, String> candidateEnv = new HashMap<>(env);
    candidateEnv.put(EnvVars.METRICS_ENABLED, "false");
    candidateEnv.remove(EnvVars.SHADOW_FUNCTION); // a shadow never copies onwards
    this.candidate = new PredictHttpHandler(candidateEnv);
    ModelfnConfig config = ModelfnConfig.from(env);
    this.log = new JsonLogger("dev.modelfn.aws.ShadowCompareHandler", config.logLevel());
    this.compare = new ShadowCompareFunction(TOLERANCE, new AwsPlatform(env)
        .metrics(config.metricsNamespace(), config.metricsEnabled())
        .forDimensions(Map.of("Model", candidate.function().metadata().name())));
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    String id = context == null ? UUID.randomUUID().toString() : context.getAwsRequestId();
    output.write(Json.mapper().writeValueAsBytes(handle(Json.parse(input.readAllBytes()), id)));
  }

  /** Compares one copied request; the answer says whether the candidate agreed. */
  public ObjectNode handle(JsonNode copy, String lambdaRequestId) throws IOException {
    JsonNode event = copy.get("event");
    JsonNode live = copy.get("response");
    JsonNode liveMs = copy.get("latency_ms");
    if (event == null || !event.isObject() || live == null || !live.isObject() || liveMs == null
        || !liveMs.isNumber()) {
      throw new InvalidInputException("/", "a shadow copy: {\"event\": {...}, \"response\": {...}, \"latency_ms\": n}",
          copy.getNodeType().toString());
    }
    String requestId = event.path("requestContext").path("requestId").asText(lambdaRequestId);
    byte[] eventBytes = Json.mapper().writeValueAsBytes(event);
    long t0 = System.nanoTime();
    byte[] answer = candidate.handle(eventBytes, lambdaRequestId);
    double candidateMs = (System.nanoTime() - t0) / 1e6;
    ShadowCompareFunction.Comparison c = compare.compare(requestId, ResponseDiff.readable(live), liveMs.asDouble(),
        ResponseDiff.readable(Json.mapper().readTree(answer)), candidateMs);
    if (!c.agreed()) {
      log.info("shadow disagreed", "request_id", requestId, "max_delta", c.maxDelta(), "first",
          c.firstMismatches().stream().map(Object::toString).toList());
    }
    ObjectNode out = Json.mapper().createObjectNode();
    out.put("request_id", requestId).put("agreed", c.agreed()).put("max_delta", c.maxDelta())
        .put("latency_delta_ms", c.latencyDeltaMs());
    var mismatches = out.putArray("mismatches");
    c.firstMismatches().forEach(m -> mismatches.add(m.toString()));
    return out;
  }

  @Override
  public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
    candidate.prime();
  }

  @Override
  public void afterRestore(org.crac.Context<? extends Resource> context) {
    log.info("restored from snapshot", "model", candidate.function().metadata().name());
  }
}

package dev.modelfn.aws.internal;

import dev.modelfn.config.EnvVars;
import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
import dev.modelfn.telemetry.JsonLogger;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;

/**
 * The live side of shadow traffic: for a sampled share of answered requests, sends the request
 * event, the live response event and the live handler time to the shadow alias by asynchronous
 * invocation ({@code InvocationType=Event}: Lambda queues it and answers 202 at once). A copy that
 * cannot be sent is logged and dropped; the caller's answer is already made and never changes.
 */
public final class ShadowCopier {
  /** Lambda's limit for an asynchronous invocation's payload (256 KB). */
  static final int MAX_PAYLOAD = 256 * 1024;

  private final String target;
  private final double percent;
  private final Consumer<byte[]> sender;
  private final JsonLogger log;

  ShadowCopier(String target, double percent, Consumer<byte[]> sender, JsonLogger log) {
    this.target = target;
    this.percent = percent;
    this.sender = sender;
    this.log = log;
  }

  /** From {@code MODELFN_SHADOW_FUNCTION} and {@code MODELFN_SHADOW_SAMPLE_PERCENT}; empty when unset. */
  public static Optional<ShadowCopier> from(Map<String, String> env, JsonLogger log) {
    String target = env.get(EnvVars.SHADOW_FUNCTION);
    if (target == null || target.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(new ShadowCopier(target.trim(), percent(env), lambdaSender(env, target.trim()), log));
  }

  /** With an explicit sender (tests). */
  public static ShadowCopier of(String target, double percent, Consumer<byte[]> sender, JsonLogger log) {
    return new ShadowCopier(target, percent, sender, log);
  }

  static double percent(Map<String, String> env) {
    String v = env.getOrDefault(EnvVars.SHADOW_SAMPLE_PERCENT, "10").trim();
    double p;
    try {
      p = Double.parseDouble(v);
    } catch (NumberFormatException e) {
      p = Double.NaN;
    }
    if (!(p >= 0 && p <= 100)) {
      throw new ModelfnException(Problem.CONFIGURATION_ERROR, EnvVars.SHADOW_SAMPLE_PERCENT + ": expected a percentage from 0 to 100, got '"
          + v + "'");
    }
    return p;
  }

  private static Consumer<byte[]> lambdaSender(Map<String, String> env, String target) {
    LambdaClient[] client = new LambdaClient[1];
    return payload -> {
      synchronized (client) {
        if (client[0] == null) {
          client[0] = AwsPredictors.lambdaClient(env);
        }
      }
      client[0].invoke(b -> b.functionName(target).invocationType(InvocationType.EVENT)
          .payload(SdkBytes.fromByteArrayUnsafe(payload)));
    };
  }

  /** Whether this request is in the sample. */
  public boolean sampled() {
    return percent >= 100 || (percent > 0 && ThreadLocalRandom.current().nextDouble() * 100 < percent);
  }

  /** Sends one copy; never throws. */
  public void copy(byte[] event, byte[] response, long liveNanos, String requestId) {
    byte[] payload = payload(event, response, liveNanos);
    if (payload.length > MAX_PAYLOAD) {
      log.debug("shadow copy skipped: payload over the asynchronous invocation limit", "request_id", requestId,
          "bytes", payload.length);
      return;
    }
    try {
      sender.accept(payload);
    } catch (RuntimeException e) {
      log.warn("shadow copy not sent", "request_id", requestId, "target", target, "detail", String.valueOf(e));
    }
  }

  /** {@code {"event":EVENT,"response":RESPONSE,"latency_ms":MS}}, the two events embedded as they are. */
  static byte[] payload(byte[] event, byte[] response, long liveNanos) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(event.length + response.length + 64);
    out.writeBytes("{\"event\":".getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(event);
    out.writeBytes(",\"response\":".getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(response);
    out.writeBytes((",\"latency_ms\":" + liveNanos / 1e6 + "}").getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }
}

package dev.modelfn.spring.lambda;

import dev.modelfn.aws.PredictHttpHandler;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.core.platform.Platform;
import dev.modelfn.core.predict.PredictHttpFunction;
import dev.modelfn.telemetry.JsonLogger;
import java.io.InputStream;
import java.util.Map;
import java.util.function.Function;
import org.crac.Resource;
import org.springframework.messaging.Message;

/**
 * The {@code predict} bean: API Gateway HTTP API (payload 2.0), REST API proxy (payload 1.0) and
 * function URL events in, the response event out. The event mapping is the Lambda adapter's own
 * ({@link PredictHttpHandler}: the same codec around the same core function, shadow traffic
 * included), built on the platform's ports, so that both answer alike by construction.
 *
 * <p>With SnapStart, {@link #beforeCheckpoint} primes the request path through the handler's
 * priming (every serving route, both event formats) so that the snapshot holds loaded classes and
 * warmed code.
 */
public final class PredictEventFunction implements Function<Message<InputStream>, byte[]>, Resource {
  private final PredictHttpHandler handler;
  private final JsonLogger log;

  /** Builds the function from the environment and the platform's ports (AWS on Lambda). */
  public PredictEventFunction(Map<String, String> env, Platform platform) {
    this.handler = new PredictHttpHandler(env, platform);
    this.log = new JsonLogger("dev.modelfn.spring.predict", ModelfnConfig.from(env).logLevel());
  }

  @Override
  public byte[] apply(Message<InputStream> message) {
    return handler.handle(LambdaEvents.bytes(message), LambdaEvents.requestId(message));
  }

  /** One event's bytes to the response event's bytes; {@code lambdaRequestId} where the event has no request id. */
  public byte[] handle(byte[] event, String lambdaRequestId) {
    return handler.handle(event, lambdaRequestId);
  }

  public PredictHttpFunction function() {
    return handler.function();
  }

  @Override
  public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
    prime();
  }

  @Override
  public void afterRestore(org.crac.Context<? extends Resource> context) {
    // nothing unique is cached here: request ids come from each event; the runtime reseeds randomness
    log.info("restored from snapshot", "model", function().metadata().name());
  }

  /** Primes the whole request path (see {@link PredictHttpHandler#prime()}); the number of requests answered 200. */
  public int prime() {
    return handler.prime();
  }
}

package dev.modelfn.spring.lambda;

import dev.modelfn.aws.PredictHttpHandler;
import dev.modelfn.telemetry.Logs;
import dev.modelfn.testing.Fixtures;
import dev.modelfn.testing.WarmPaths;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.cloud.function.adapter.aws.FunctionInvoker;

/**
 * The warm cost of Spring Cloud Function on Lambda, side by side in one run: the fraud model's API
 * Gateway v2 OIP request through {@code FunctionInvoker.handleRequest} (the {@code predict} bean),
 * through the Lambda handler, and the raw {@code session.run} on the same row, alternating in
 * blocks. Prints p50 of each and each one's p50 over the raw call.
 *
 * <p>Run: {@code java -cp <functions/spring test class path> dev.modelfn.spring.lambda.SpringWarmPath [rounds]}.
 */
public final class SpringWarmPath {
  private SpringWarmPath() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    int block = 200;
    Logs.setSink(new PrintStream(OutputStream.nullOutputStream()));
    Map<String, String> env = Fixtures.fraudEnv("MODELFN_METRICS_ENABLED", "true");
    FunctionInvoker invoker = Invokers.start("predict", env);
    PredictHttpHandler lambda = new PredictHttpHandler(env);
    byte[] event = Fixtures.bytes("http/api-v2/infer-oip.json");
    try (WarmPaths.RawFraud raw = new WarmPaths.RawFraud(WarmPaths.fraudRow())) {
      Map<String, Runnable> paths = new LinkedHashMap<>();
      paths.put("raw session.run", raw);
      paths.put("Lambda handler", () -> lambda.handle(event, "bench"));
      paths.put("SCF FunctionInvoker", () -> {
        if (Invokers.invoke(invoker, event, "bench").length < 20) {
          throw new IllegalStateException("no answer");
        }
      });
      WarmPaths.printSideBySide("warm path, fraud (API Gateway v2, OIP v2 JSON)", paths, rounds, block, 20_000,
          System.out);
    }
  }
}

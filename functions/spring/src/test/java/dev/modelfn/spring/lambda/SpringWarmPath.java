package dev.modelfn.spring.lambda;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.modelfn.aws.PredictHttpHandler;
import dev.modelfn.telemetry.Logs;
import dev.modelfn.testing.Fixtures;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
    var body = dev.modelfn.codec.Json.parse(dev.modelfn.aws.internal.ApiGatewayEvents.decode(event, "b").request().body());
    var in = body.path("inputs").get(0).path("data");
    var flat = in.get(0).isArray() ? in.get(0) : in;
    float[] row = new float[16];
    for (int i = 0; i < 16; i++) {
      row[i] = (float) flat.get(i).asDouble();
    }
    OrtEnvironment ortEnv = OrtEnvironment.getEnvironment();
    try (OrtSession raw = ortEnv.createSession(Fixtures.path("models/fraud/fraud.onnx").toString(),
        new OrtSession.SessionOptions())) {
      Runnable rawCall = () -> {
        try (OnnxTensor t = OnnxTensor.createTensor(ortEnv, new float[][] {row});
            OrtSession.Result r = raw.run(Map.of("input", t))) {
          r.get(0).getValue();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      };
      Runnable lambdaCall = () -> lambda.handle(event, "bench");
      Runnable springCall = () -> {
        byte[] answer = Invokers.invoke(invoker, event, "bench");
        if (answer.length < 20) {
          throw new IllegalStateException("no answer");
        }
      };
      List<Runnable> calls = List.of(rawCall, lambdaCall, springCall);
      for (int i = 0; i < 20_000; i++) {
        calls.forEach(Runnable::run);
      }
      List<List<Long>> times = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
      for (int r = 0; r < rounds; r++) {
        for (int c = 0; c < calls.size(); c++) {
          for (int i = 0; i < block; i++) {
            long t0 = System.nanoTime();
            calls.get(c).run();
            times.get(c).add(System.nanoTime() - t0);
          }
        }
      }
      double rawP50 = p50(times.get(0));
      double lambdaP50 = p50(times.get(1));
      double springP50 = p50(times.get(2));
      System.out.printf("warm path, fraud (API Gateway v2, OIP v2 JSON), %d rounds x %d calls each, alternating;"
          + " microseconds%n", rounds, block);
      System.out.printf("  raw session.run          p50 %8.1f%n", rawP50);
      System.out.printf("  Lambda handler           p50 %8.1f   over raw %+7.1f (%.2fx)%n", lambdaP50, lambdaP50 - rawP50,
          lambdaP50 / rawP50);
      System.out.printf("  SCF FunctionInvoker      p50 %8.1f   over raw %+7.1f (%.2fx)%n", springP50, springP50 - rawP50,
          springP50 / rawP50);
    }
  }

  private static double p50(List<Long> ns) {
    long[] s = ns.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(s);
    return s[s.length / 2] / 1000.0;
  }
}

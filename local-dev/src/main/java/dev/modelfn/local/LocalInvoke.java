package dev.modelfn.local;

import dev.modelfn.local.cloud.CloudConfig;
import dev.modelfn.local.cloud.LocalCloud;
import dev.modelfn.local.lambda.FunctionInitException;
import dev.modelfn.local.lambda.FunctionSpec;
import dev.modelfn.local.lambda.InvocationResult;
import dev.modelfn.local.lambda.LocalAccount;
import dev.modelfn.local.lambda.LocalLambdaFunction;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code local-dev/invoke}: runs one function once with an event file, like {@code sam local invoke}. */
@Command(name = "local-dev/invoke", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Invokes a function once with an event and prints its response on stdout",
        "(its logs go to stderr). The function runs as on Lambda: from its",
        "deployment package, in its own JVM under the Lambda Java runtime client,",
        "with AWS_ENDPOINT_URL pointing at the local cloud (start it with",
        "local-dev/up) and the queue URLs, bucket and stream names of --config in",
        "its environment, as local-dev/up gives them. Exit status: 0 when the",
        "function answered, 1 when it failed, 2 for bad arguments, 3 when it",
        "could not start.",
        ""})
public final class LocalInvoke implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "FUNCTION",
      description = "modelfn-predict (the model endpoint) or a function declared in --config")
  String function;

  @Option(names = "--event", required = true, paramLabel = "FILE",
      description = "the event, e.g. events/http/api-v2/infer-oip.json; - reads standard input")
  String event;

  @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE", description = "extra environment variable (repeatable)")
  Map<String, String> env = new LinkedHashMap<>();

  @Option(names = "--model", paramLabel = "PATH",
      description = "the ONNX model the function serves (any function; as local-dev/up --model)")
  Path model;

  @Option(names = "--name", paramLabel = "NAME", description = "the model's name (default: the file name of --model)")
  String name;

  @Option(names = "--config", paramLabel = "FILE", description = "declared functions (default: local-dev/cloud.json)")
  Path config;

  @Option(names = "--endpoint", defaultValue = "http://127.0.0.1:4566", paramLabel = "URL",
      description = "the AWS endpoint the function gets in AWS_ENDPOINT_URL (default: ${DEFAULT-VALUE})")
  String endpoint;

  private final PrintStream out;
  private final PrintStream err;

  LocalInvoke(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() throws Exception {
    Path home = Path.of(System.getProperty("modelfn.home", ".")).toAbsolutePath().normalize();
    Path target = home.resolve("local-dev/target");
    byte[] payload;
    try {
      payload = event.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(event));
    } catch (IOException e) {
      err.println("local-dev/invoke: --event " + event + ": cannot read it (" + e.getMessage() + ")");
      return 2;
    }
    // The environment local-dev/up gives the same function: the local cloud's endpoint, region and
    // credentials, every resource of the config under its env name (queue URLs, bucket and stream
    // names), the function's own environment, the model of --model/--name, then -e.
    String edge = endpoint.replaceAll("/+$", "");
    java.util.function.Function<String, String> queueUrls = q -> edge + "/" + LocalAccount.ID + "/" + q;
    Map<String, String> fenv = new LinkedHashMap<>(Map.of("AWS_ENDPOINT_URL", edge, "AWS_REGION",
        LocalAccount.REGION, "AWS_DEFAULT_REGION", LocalAccount.REGION, "AWS_ACCESS_KEY_ID",
        LocalAccount.ACCESS_KEY_ID, "AWS_SECRET_ACCESS_KEY", LocalAccount.SECRET_ACCESS_KEY));
    Map<String, String> modelEnv = new LinkedHashMap<>();
    if (model != null) {
      Path m = model.toAbsolutePath().normalize();
      if (!Files.isRegularFile(m)) {
        err.println("local-dev/invoke: --model " + model + ": no such file; expected an .onnx model file");
        return 2;
      }
      modelEnv.put("MODELFN_MODEL_URI", m.toUri().toString());
      modelEnv.put("MODELFN_MODEL_NAME", name != null ? name : m.getFileName().toString().replaceFirst("\\.onnx$", ""));
    } else if (name != null) {
      modelEnv.put("MODELFN_MODEL_URI", "classpath:models/fraud/fraud.onnx");
      modelEnv.put("MODELFN_MODEL_NAME", name);
    }
    FunctionSpec spec;
    try {
      CloudConfig cfg = CloudConfig.read(config != null ? config : home.resolve("local-dev/cloud.json"));
      fenv.putAll(LocalCloud.resourceEnvironment(cfg, queueUrls));
      if (function.equals("modelfn-predict")) {
        fenv.put("MODELFN_MODEL_URI", "classpath:models/fraud/fraud.onnx");
        fenv.put("MODELFN_MODEL_NAME", "fraud");
        fenv.putAll(modelEnv);
        fenv.put("MODELFN_METRICS_ENABLED", "false");
        fenv.put("MODELFN_CALLBACK_ALLOW_CIDRS", "127.0.0.0/8,::1/128");
        fenv.putAll(env);
        spec = new FunctionSpec(function, LocalDev.PREDICT_HANDLER, target.resolve("functions/modelfn-aws-lambda.zip"),
            fenv, 2048, Duration.ofSeconds(30), List.of());
      } else {
        CloudConfig.Function f = cfg.functions().stream().filter(x -> x.name().equals(function)).findFirst()
            .orElse(null);
        if (f == null) {
          err.println("local-dev/invoke: no function '" + function + "': expected modelfn-predict or one of "
              + cfg.functions().stream().map(CloudConfig.Function::name).toList() + " from the config");
          return 2;
        }
        fenv.putAll(CloudConfig.resolve(f.environment(), queueUrls));
        fenv.putAll(modelEnv);
        fenv.putAll(env);
        spec = new FunctionSpec(f.name(), f.handler(), home.resolve(f.code()), fenv,
            f.memoryMb() == null ? 1024 : f.memoryMb(), Duration.ofSeconds(f.timeoutSeconds() == null ? 30
                : f.timeoutSeconds()), List.of());
      }
    } catch (IllegalArgumentException e) {
      err.println("local-dev/invoke: " + e.getMessage());
      return 2;
    }
    try (LocalLambdaFunction fn = new LocalLambdaFunction(spec, LocalAccount.runtimeDir(home),
        home.resolve("local-dev/.cache"), Path.of(System.getProperty("java.home"), "bin", "java"), LocalAccount.REGION,
        err::println)) {
      InvocationResult r;
      try {
        r = fn.invoke(payload);
      } catch (FunctionInitException e) {
        err.println("local-dev/invoke: " + e.getMessage());
        return 3;
      }
      out.println(new String(r.payload(), StandardCharsets.UTF_8));
      out.flush();
      err.printf("%s %s in %d ms (init %d ms)%n", spec.name(), r.failed() ? "failed (" + r.functionError() + ")"
          : "answered", r.duration().toMillis(), fn.lastInitDuration().toMillis());
      return r.failed() ? 1 : 0;
    } catch (IllegalArgumentException e) {
      err.println("local-dev/invoke: " + e.getMessage());
      return 2;
    }
  }
}

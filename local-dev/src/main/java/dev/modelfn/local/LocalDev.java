package dev.modelfn.local;

import dev.modelfn.local.apigw.LocalHttpApi;
import dev.modelfn.local.apigw.PortInUseException;
import dev.modelfn.local.cloud.CloudConfig;
import dev.modelfn.local.cloud.LambdaService;
import dev.modelfn.local.cloud.LocalCloud;
import dev.modelfn.local.cloud.ServerStartException;
import dev.modelfn.local.lambda.FunctionInitException;
import dev.modelfn.local.lambda.FunctionSpec;
import dev.modelfn.local.lambda.LocalAccount;
import dev.modelfn.local.lambda.LocalLambdaFunction;
import dev.modelfn.local.platform.AdapterServer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code local-dev/up}: serves a model over HTTP through the Lambda handler that production runs. */
@Command(name = "local-dev/up", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Starts the local cloud and serves an ONNX model at http://HOST:PORT as the",
        "deployed function does: each request becomes an API Gateway HTTP API",
        "(payload 2.0) event for dev.modelfn.aws.PredictHttpHandler, run from the",
        "Lambda deployment package under the AWS Lambda Java runtime client in its",
        "own JVM. The local cloud: S3, SQS and Kinesis servers behind one AWS",
        "endpoint (--edge-port), the resources, functions and triggers of",
        "local-dev/cloud.json, and the Lambda API. Ctrl-C (SIGINT) or SIGTERM stops",
        "it all.",
        ""})
public final class LocalDev implements Callable<Integer> {
  static final String PREDICT_HANDLER = "dev.modelfn.aws.PredictHttpHandler::handleRequest";

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to listen on (default: ${DEFAULT-VALUE})")
  String host;

  @Option(names = "--port", defaultValue = "3000", description = "HTTP port (default: ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--model", paramLabel = "PATH",
      description = "ONNX model file that every function serves: predict, batch, stream and async"
          + " (default: the example fraud model inside the deployment package)")
  Path model;

  @Option(names = "--name", paramLabel = "NAME",
      description = "model name in the URLs (default: fraud, or the file name of --model without .onnx)")
  String name;

  @Option(names = "--model-version", paramLabel = "VERSION",
      description = "model version to report (default: the ONNX model_version)")
  String modelVersion;

  @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE",
      description = "extra environment variable for every function (repeatable), e.g. -e MODELFN_LOG_LEVEL=DEBUG")
  Map<String, String> env = new LinkedHashMap<>();

  @Option(names = "--memory", defaultValue = "2048", description = "function memory in MB (default: ${DEFAULT-VALUE})")
  int memoryMb;

  @Option(names = "--timeout", defaultValue = "30", description = "function timeout in seconds (default: ${DEFAULT-VALUE})")
  int timeoutSeconds;

  @Option(names = "--package", paramLabel = "ZIP", description = "deployment package (default: the one built by Maven)")
  Path packageZip;

  @Option(names = "--java", paramLabel = "PATH", description = "java executable for the function (default: this JVM's)")
  Path javaPath;

  @Option(names = "--jvm-option", paramLabel = "OPTION",
      description = "extra JVM option for the function, as JAVA_TOOL_OPTIONS would add it (repeatable)")
  List<String> jvmOptions = new ArrayList<>();

  @Option(names = "--runtime", defaultValue = "managed", paramLabel = "managed|custom",
      description = "managed: Lambda's Java runtime client (as the java17+ runtimes); custom: the package's bootstrap"
          + " and modelfn's runtime client (as provided.al2023 or a container image). Default: ${DEFAULT-VALUE}")
  String runtime;

  @Option(names = "--quiet", description = "do not print the access log")
  boolean quiet;

  @Option(names = "--edge-port", defaultValue = "4566",
      description = "port of the local cloud's AWS endpoint for S3, SQS, Kinesis and Lambda (default: ${DEFAULT-VALUE})")
  int edgePort;

  @Option(names = "--services", defaultValue = "s3,sqs,kinesis", split = ",", paramLabel = "LIST",
      description = "servers of the local cloud to start (default: ${DEFAULT-VALUE})")
  List<String> services;

  @Option(names = "--no-cloud", description = "serve the model only: no S3, SQS, Kinesis or edge endpoint")
  boolean noCloud;

  @Option(names = "--config", paramLabel = "FILE",
      description = "the local cloud's resources: buckets, queues, streams, functions, triggers"
          + " (default: local-dev/cloud.json)")
  Path config;

  @Option(names = "--platform", defaultValue = "lambda", paramLabel = "lambda|spring|gcp",
      description = "the adapter that serves the model at --port: lambda (the deployment package behind the local"
          + " HTTP API, default), spring (the Spring Boot application, functions/spring) or gcp (the Cloud Functions"
          + " jar under the Functions Framework's invoker, functions/gcp); the local cloud's functions stay on Lambda")
  String platform;

  @Option(names = "--persist",
      description = "keep S3 objects and Kinesis records across restarts in local-dev/.data (git-ignored)")
  boolean persist;

  private final PrintStream out;

  LocalDev(PrintStream out) {
    this.out = out;
  }

  /** {@code up [options]} or {@code invoke FUNCTION --event FILE [options]}; {@code up} when neither is given. */
  public static void main(String[] args) {
    List<String> rest = new ArrayList<>(List.of(args));
    String command = !rest.isEmpty() && (rest.get(0).equals("up") || rest.get(0).equals("invoke")) ? rest.remove(0)
        : "up";
    CommandLine cli = command.equals("invoke") ? new CommandLine(new LocalInvoke(System.out, System.err))
        : new CommandLine(new LocalDev(System.out));
    int code = cli.execute(rest.toArray(String[]::new));
    if (code != 0) {
      System.exit(code);
    }
  }

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    Path home = Path.of(System.getProperty("modelfn.home", ".")).toAbsolutePath().normalize();
    Path target = home.resolve("local-dev/target");
    Path zip = packageZip != null ? packageZip : target.resolve("functions/modelfn-aws-lambda.zip");
    Map<String, String> functionEnv = new LinkedHashMap<>();
    String modelName;
    if (model != null) {
      Path m = model.toAbsolutePath().normalize();
      if (!Files.isRegularFile(m)) {
        System.err.println("local-dev: --model " + model + ": no such file; expected an .onnx model file");
        return 2;
      }
      functionEnv.put("MODELFN_MODEL_URI", m.toUri().toString());
      modelName = name != null ? name : m.getFileName().toString().replaceFirst("\\.onnx$", "");
    } else {
      // the example model: packaged in the Lambda zip; the other adapters' jars do not carry it
      functionEnv.put("MODELFN_MODEL_URI", platform.equals("lambda") ? "classpath:models/fraud/fraud.onnx"
          : home.resolve("events/models/fraud/fraud.onnx").toUri().toString());
      modelName = name != null ? name : "fraud";
    }
    functionEnv.put("MODELFN_MODEL_NAME", modelName);
    if (modelVersion != null) {
      functionEnv.put("MODELFN_MODEL_VERSION", modelVersion);
    }
    // What the functions of cloud.json get over their own environment: the model chosen here
    // (else async jobs accepted for it would fail in the worker, and batch and stream would score
    // another model), and the user's -e.
    Map<String, String> cloudFunctionEnv = new LinkedHashMap<>();
    if (model != null || name != null || modelVersion != null) {
      cloudFunctionEnv.putAll(functionEnv);
    }
    cloudFunctionEnv.putAll(env);
    functionEnv.put("MODELFN_METRICS_ENABLED", "false");
    functionEnv.putAll(env);
    FunctionSpec spec;
    try {
      spec = new FunctionSpec("modelfn-predict", PREDICT_HANDLER, zip, functionEnv, memoryMb,
          Duration.ofSeconds(timeoutSeconds), jvmOptions);
    } catch (IllegalArgumentException e) {
      System.err.println("local-dev: " + e.getMessage());
      return 2;
    }
    Path javaExe = javaPath != null ? javaPath : Path.of(System.getProperty("java.home"), "bin", "java");
    LocalLambdaFunction.Launch launch;
    switch (runtime) {
      case "managed" -> launch = LocalLambdaFunction.Launch.MANAGED;
      case "custom" -> launch = LocalLambdaFunction.Launch.CUSTOM;
      default -> {
        System.err.println("local-dev: --runtime " + runtime + ": expected managed or custom");
        return 2;
      }
    }
    PrintStream log = quiet ? new PrintStream(java.io.OutputStream.nullOutputStream()) : out;
    AdapterServer.Kind adapter = null;
    List<String> adapterCommand = null;
    if (!platform.equals("lambda")) {
      adapter = AdapterServer.Kind.of(platform).orElse(null);
      if (adapter == null) {
        System.err.println("local-dev: --platform " + platform + ": expected lambda, spring or gcp");
        return 2;
      }
      adapterCommand = AdapterServer.command(adapter, home, javaExe, host, port).orElse(null);
      if (adapterCommand == null) {
        System.err.println("local-dev: --platform " + platform + " needs its build: " + adapter.buildCommand()
            + " (local-dev/up runs it when it is missing)");
        return 2;
      }
    }

    // A taken HTTP port is reported before the local cloud spends seconds starting.
    try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new java.net.InetSocketAddress(java.net.InetAddress.getByName(host), port));
    } catch (java.net.BindException e) {
      System.err.println("local-dev: " + new PortInUseException(host, port).getMessage());
      return 2;
    }
    LocalCloud cloud = null;
    if (!noCloud) {
      for (String s : services) {
        if (!LocalCloud.SERVICES.contains(s)) {
          System.err.println("local-dev: --services " + s + ": expected some of " + String.join(",", LocalCloud.SERVICES));
          return 2;
        }
      }
      Path cfgFile = config != null ? config : home.resolve("local-dev/cloud.json");
      CloudConfig cfg;
      try {
        cfg = CloudConfig.read(cfgFile);
      } catch (IllegalArgumentException e) {
        System.err.println("local-dev: " + e.getMessage());
        return 2;
      }
      Path cache = home.resolve("local-dev/.cache");
      cloud = new LocalCloud(new LocalCloud.Options(host, edgePort, home, cache, cache.resolve("run"),
          persist ? home.resolve("local-dev/.data") : null, javaExe, new java.util.LinkedHashSet<>(services),
          line -> out.println("[cloud] " + line)), cfg, cloudFunctionEnv);
      LocalCloud starting = cloud;
      Thread early = new Thread(starting::close, "local-dev-early-shutdown");
      Runtime.getRuntime().addShutdownHook(early);
      try {
        cloud.start();
      } catch (PortInUseException e) {
        System.err.println("local-dev: " + e.getMessage().replace("--port", "--edge-port"));
        return 2;
      } catch (ServerStartException | IllegalArgumentException e) {
        System.err.println("local-dev: " + e.getMessage());
        return 3;
      }
      Runtime.getRuntime().removeShutdownHook(early);
      functionEnv.putAll(cloud.functionEnvironment());
      // Async callbacks may go to a receiver on this machine (the job worker allow-lists loopback too).
      functionEnv.put("MODELFN_CALLBACK_ALLOW_CIDRS", "127.0.0.0/8,::1/128");
      functionEnv.putAll(env); // the user's -e wins
      try {
        spec = new FunctionSpec(spec.name(), spec.handler(), spec.code(), functionEnv, spec.memoryMb(), spec.timeout(),
            spec.jvmOptions());
      } catch (IllegalArgumentException e) {
        System.err.println("local-dev: " + e.getMessage());
        cloud.close();
        return 2;
      }
    }

    if (adapter != null) {
      return serveThrough(adapter, adapterCommand, functionEnv, cloud, modelName, t0);
    }
    LocalLambdaFunction function;
    LocalHttpApi api;
    FunctionSpec fspec = spec;
    LambdaService.LogCapture logs = LambdaService.capture(line -> out.println("[" + fspec.name() + "] " + line));
    try {
      function = new LocalLambdaFunction(spec, LocalAccount.runtimeDir(home), home.resolve("local-dev/.cache"),
          javaExe, LocalAccount.REGION, logs, launch);
      api = new LocalHttpApi(host, port, function, line -> log.println("[http] " + line));
    } catch (PortInUseException | IllegalArgumentException e) {
      System.err.println("local-dev: " + e.getMessage());
      if (cloud != null) {
        cloud.close();
      }
      return 2;
    }
    LocalCloud running = cloud;
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      api.close();
      function.close();
      if (running != null) {
        running.close();
      }
      stopped.countDown();
    }, "local-dev-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    if (cloud != null) {
      cloud.addFunction(function, logs);
    }
    try {
      function.start();
    } catch (FunctionInitException e) {
      System.err.println("local-dev: " + e.getMessage());
      return 3;
    }
    api.start();
    String base = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + api.port();
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"service", "endpoint", "resources"});
    rows.add(new String[] {"http-api", base, "$default -> " + spec.name()});
    rows.add(new String[] {"lambda", spec.name() + " (pid " + function.pid().orElse(-1) + ")", spec.handler() + " ("
        + runtime + " runtime), " + modelName + " from " + functionEnv.get("MODELFN_MODEL_URI")});
    printStatus(rows, cloud);
    if (cloud != null) {
      out.printf("%nlocal cloud started in %.1f s (servers in parallel, resources created); logs in %s%n",
          cloud.startDuration().toMillis() / 1000.0, home.resolve("local-dev/.cache/run/logs"));
    }
    out.printf("%nmodelfn local-dev ready at %s in %.1f s (function init %.1f s). Try:%n", base,
        (System.nanoTime() - t0) / 1e9, function.lastInitDuration().toMillis() / 1000.0);
    out.printf("  curl -s %s/v2/models/%s%n", base, modelName);
    if (model == null) {
      out.printf("  curl -s -X POST %s/invocations -H 'content-type: text/csv' --data-binary @events/batch/fraud-sample.csv%n",
          base);
      if (cloud != null && services.contains("s3") && services.contains("sqs")) {
        out.printf("  curl -s -X POST %s/v2/models/%s/infer-async -H 'content-type: application/json'"
            + " -d @events/async/request.json%n", base, modelName);
      }
    } else {
      out.printf("  curl -s -X POST %s/v2/models/%s/infer -H 'content-type: application/json' -d '%s'%n",
          base, modelName, exampleInferBody(function, modelName));
    }
    if (cloud != null) {
      out.printf("  aws --endpoint-url %s s3 ls        # credentials: any, e.g. AWS_ACCESS_KEY_ID=test"
          + " AWS_SECRET_ACCESS_KEY=test%n", cloud.endpoint());
      out.printf("  aws --endpoint-url %s lambda invoke --function-name %s --cli-binary-format raw-in-base64-out"
          + " --payload %s /tmp/modelfn-out.json%n", cloud.endpoint(), spec.name(), modelName.equals("fraud")
              ? "fileb://events/http/api-v2/model-metadata.json" : "'" + metadataEvent(modelName) + "'");
    }
    long pid = ProcessHandle.current().pid();
    if (sigintIgnored()) {
      out.printf("Ctrl-C cannot stop this process: it was started with SIGINT ignored (a background job). Stop it"
          + " with: kill %d%n", pid);
    } else {
      out.printf("Press Ctrl-C to stop (or: kill %d).%n", pid);
    }
    out.flush();
    stopped.await();
    return 0;
  }

  /** Serves the model at --port through another adapter's deployable until Ctrl-C or SIGTERM. */
  private int serveThrough(AdapterServer.Kind adapter, List<String> command, Map<String, String> env,
      LocalCloud cloud, String modelName, long t0) throws Exception {
    AdapterServer server = AdapterServer.launch(adapter, command, env, host, port,
        line -> out.println("[" + adapter.service() + "] " + line));
    CountDownLatch stopped = new CountDownLatch(1);
    // registered before the wait: Ctrl-C while the adapter starts stops it too
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      if (cloud != null) {
        cloud.close();
      }
      stopped.countDown();
    }, "local-dev-shutdown"));
    try {
      server.awaitReady(Duration.ofSeconds(Math.max(120, timeoutSeconds)));
    } catch (IllegalStateException e) {
      System.err.println("local-dev: " + e.getMessage());
      return 3;
    }
    if (adapter == AdapterServer.Kind.GCP && !host.equals("0.0.0.0") && !host.equals("::")) {
      out.printf("note: the Functions Framework's invoker listens on every interface, not only %s%n", host);
    }
    String base = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"service", "endpoint", "resources"});
    rows.add(new String[] {adapter.service(), base + " (pid " + server.pid() + ")", modelName + " from "
        + env.get("MODELFN_MODEL_URI")});
    printStatus(rows, cloud);
    out.printf("%nmodelfn local-dev ready at %s in %.1f s, served by %s. Try:%n", base, (System.nanoTime() - t0) / 1e9,
        adapter.service());
    out.printf("  curl -s %s/v2/models/%s%n", base, modelName);
    out.printf("  curl -s -X POST %s/v2/models/%s/infer -H 'content-type: application/json' -d '%s'%n", base,
        modelName, exampleInferBody(base, modelName));
    out.printf("Press Ctrl-C to stop (or: kill %d).%n", ProcessHandle.current().pid());
    out.flush();
    stopped.await();
    return 0;
  }

  /** The status table: the given rows, then the local cloud's services. */
  private void printStatus(List<String[]> rows, LocalCloud cloud) {
    if (cloud != null) {
      for (LocalCloud.Status st : cloud.status()) {
        rows.add(new String[] {st.service(), st.endpoint(), st.detail()});
      }
    }
    int w0 = rows.stream().mapToInt(r -> r[0].length()).max().orElse(8);
    int w1 = rows.stream().mapToInt(r -> r[1].length()).max().orElse(8);
    out.println();
    for (String[] r : rows) {
      out.printf("  %-" + w0 + "s  %-" + w1 + "s  %s%n", r[0], r[1], r[2]);
    }
  }

  /** The example body, from the metadata an HTTP server answers. */
  static String exampleInferBody(String base, String modelName) {
    try {
      var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create(base + "/v2/models/" + modelName)).timeout(Duration.ofSeconds(10)).build(),
          java.net.http.HttpResponse.BodyHandlers.ofByteArray());
      return r.statusCode() != 200 ? "{\"inputs\":[...]}"
          : exampleInferBody(new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()));
    } catch (java.io.IOException | RuntimeException e) {
      return "{\"inputs\":[...]}";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "{\"inputs\":[...]}";
    }
  }

  /**
   * A request body that runs as written: each input of the model's metadata, its dynamic
   * dimensions set to 1, filled with zeros (empty strings, false); {@code {"inputs":[...]}} when
   * the metadata cannot be read or the inputs are too large to print.
   */
  static String exampleInferBody(LocalLambdaFunction function, String modelName) {
    try {
      var r = function.invoke(metadataEvent(modelName).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      var json = new com.fasterxml.jackson.databind.ObjectMapper();
      var response = json.readTree(r.payload());
      if (r.failed() || response.path("statusCode").asInt() != 200) {
        return "{\"inputs\":[...]}";
      }
      return exampleInferBody(json.readTree(response.path("body").asText()));
    } catch (java.io.IOException | RuntimeException e) {
      return "{\"inputs\":[...]}";
    }
  }

  /** The example body for OIP v2 model metadata (see {@link #exampleInferBody(LocalLambdaFunction, String)}). */
  static String exampleInferBody(com.fasterxml.jackson.databind.JsonNode metadata) {
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    var body = json.createObjectNode();
    var inputs = body.putArray("inputs");
    int total = 0;
    for (var in : metadata.path("inputs")) {
      var input = inputs.addObject();
      input.put("name", in.path("name").asText());
      var shape = input.putArray("shape");
      int count = 1;
      for (var d : in.path("shape")) {
        int dim = d.asInt() < 1 ? 1 : d.asInt();
        shape.add(dim);
        count *= dim;
        if (count > 64) {
          return "{\"inputs\":[...]}";
        }
      }
      String type = in.path("datatype").asText();
      input.put("datatype", type);
      var data = input.putArray("data");
      for (int i = 0; i < count; i++) {
        switch (type) {
          case "BYTES" -> data.add("");
          case "BOOL" -> data.add(false);
          default -> data.add(0);
        }
      }
      total += count;
    }
    String text = body.toString();
    return inputs.isEmpty() || total > 64 || text.contains("'") ? "{\"inputs\":[...]}" : text;
  }

  /** A minimal HTTP API (payload 2.0) event asking for the model's metadata, as one line of JSON. */
  static String metadataEvent(String modelName) {
    String path = "/v2/models/" + modelName;
    return "{\"version\":\"2.0\",\"routeKey\":\"$default\",\"rawPath\":\"" + path + "\",\"rawQueryString\":\"\","
        + "\"headers\":{\"accept\":\"application/json\"},\"requestContext\":{\"requestId\":\"cli\",\"stage\":"
        + "\"$default\",\"http\":{\"method\":\"GET\",\"path\":\"" + path + "\",\"sourceIp\":\"127.0.0.1\"}},"
        + "\"isBase64Encoded\":false}";
  }

  /**
   * Whether this process ignores SIGINT, as a job started in the background by a non-interactive
   * shell does: the JVM then leaves it ignored, and Ctrl-C does nothing. {@code local-dev/up}
   * restores the default where {@code env --default-signal} exists (GNU coreutils); this tells
   * the user where it does not. Read from {@code /proc} (Linux); elsewhere: false.
   */
  static boolean sigintIgnored() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("SigIgn:")) {
          return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & 0x2L) != 0;
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      // not Linux
    }
    return false;
  }
}

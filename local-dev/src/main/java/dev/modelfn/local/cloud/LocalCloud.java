package dev.modelfn.local.cloud;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.local.FileTrees;
import dev.modelfn.local.lambda.LocalAccount;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The local cloud: S3 (S3Mock), SQS (ElasticMQ) and Kinesis (kinesis-mock) as child processes on
 * loopback, one edge endpoint in front of them, the resources of a {@link CloudConfig}, and S3
 * event notifications. Every client, the SDK's and the AWS CLI's, talks to the edge.
 */
public final class LocalCloud implements AutoCloseable {
  public static final Set<String> SERVICES = Set.of("s3", "sqs", "kinesis");
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @param cacheDir installed servers (the npm package), kept between runs
   * @param runDir this run's logs and, without persistence, its data (emptied on start)
   * @param dataDir where S3 objects and Kinesis records persist across restarts; null for none
   */
  public record Options(String host, int edgePort, Path home, Path cacheDir, Path runDir, Path dataDir, Path java,
      Set<String> services, Consumer<String> log) {}

  /** One row of the status table. */
  public record Status(String service, String endpoint, String detail) {}

  private final Options options;
  /** The description as given, and what of it the started servers host. */
  private final CloudConfig declared;
  private final CloudConfig config;
  private final Map<String, String> functionOverrides;
  private final Map<String, ServerProcess> servers = new LinkedHashMap<>();
  private final Map<String, Integer> backendPorts = new LinkedHashMap<>();
  private final List<Status> status = new ArrayList<>();
  private final AtomicLong sequencer = new AtomicLong(System.currentTimeMillis() << 16);
  private EdgeRouter edge;
  private LambdaService lambda;
  private final List<Runnable> stopTriggers = new ArrayList<>();
  private KinesisClient kinesisPoller;
  private S3Client s3Direct;
  private SqsClient sqs;
  private Duration startDuration = Duration.ZERO;

  public LocalCloud(Options options, CloudConfig config) {
    this(options, config, Map.of());
  }

  /**
   * @param functionOverrides env vars every declared function gets over its own {@code environment}
   *     block: {@code local-dev/up --model/--name} (the model every function serves) and {@code -e}
   */
  public LocalCloud(Options options, CloudConfig config, Map<String, String> functionOverrides) {
    // servers run in the project folder: every path they get is absolute
    this.options = new Options(options.host(), options.edgePort(), abs(options.home()), abs(options.cacheDir()),
        abs(options.runDir()), options.dataDir() == null ? null : abs(options.dataDir()), options.java(),
        options.services(), options.log());
    this.declared = config;
    this.config = config.onlyFor(options.services());
    this.functionOverrides = Map.copyOf(functionOverrides);
  }

  /**
   * Starts the servers (in parallel), the edge, and creates the resources.
   *
   * @throws ServerStartException when a server cannot start (the others are stopped again)
   * @throws dev.modelfn.local.apigw.PortInUseException when the edge port is taken
   */
  public void start() throws IOException {
    long t0 = System.nanoTime();
    Path logs = options.runDir().resolve("logs");
    Path java = options.java();
    String edgeUrl = "http://" + (options.host().equals("0.0.0.0") ? "127.0.0.1" : options.host()) + ":"
        + options.edgePort();
    // Bind the edge first: a taken port is reported before anything starts.
    if (options.services().contains("kinesis")) {
      Servers.requireNode(System.getenv("PATH"));
    }
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (String s : List.of("s3", "sqs", "kinesis")) {
      if (options.services().contains(s)) {
        ports.put(s, Servers.freePort());
      }
    }
    skippedNotes().forEach(options.log());
    edge = new EdgeRouter(options.host(), options.edgePort(), ports, options.log(), this::s3Written);
    try {
      List<ServerProcess.Spec> specs = new ArrayList<>();
      if (ports.containsKey("s3")) {
        Path root = options.dataDir() != null ? options.dataDir().resolve("s3") : options.runDir().resolve("s3");
        if (options.dataDir() == null) {
          FileTrees.deleteTree(root);
        }
        Files.createDirectories(root);
        // S3Mock stages every upload in a temporary file and then moves it into its store: beside
        // the store, that move is a rename (not a copy through another disk), and what a stopped
        // run left there is cleared here
        Path staging = root.resolveSibling("s3-staging");
        FileTrees.deleteTree(staging);
        Files.createDirectories(staging);
        specs.add(Servers.s3(options.home(), java, ports.get("s3"), root, staging, options.dataDir() != null, logs));
      }
      if (ports.containsKey("sqs")) {
        specs.add(Servers.sqs(options.home(), java, ports.get("sqs"), edgeUrl, logs));
      }
      if (ports.containsKey("kinesis")) {
        Path pkg = Servers.installKinesisLocal(options.cacheDir(), options.log());
        Path data = options.dataDir() == null ? null : Files.createDirectories(options.dataDir().resolve("kinesis"));
        specs.add(Servers.kinesis(options.home(), pkg, ports.get("kinesis"), data, logs));
      }
      List<CompletableFuture<Void>> starting = new ArrayList<>();
      for (ServerProcess.Spec spec : specs) {
        ServerProcess p = new ServerProcess(spec);
        servers.put(spec.name(), p);
        starting.add(CompletableFuture.runAsync(p::start, OWN_THREAD));
      }
      for (CompletableFuture<Void> f : starting) {
        try {
          f.join();
        } catch (CompletionException e) {
          throw e.getCause() instanceof RuntimeException r ? r : e;
        }
      }
      backendPorts.putAll(ports);
      edge.start();
      createResources(URI.create("http://127.0.0.1:" + edge.port()));
      lambda = new LambdaService(options.log());
      edge.route("lambda", lambda.port());
      for (CloudConfig.Function f : config.functions()) {
        addFunction(f);
      }
      startTriggers();
    } catch (RuntimeException | IOException e) {
      close();
      throw e;
    }
    startDuration = Duration.ofNanos(System.nanoTime() - t0);
    status.add(0, new Status("edge", edgeUrl, "AWS endpoint for " + String.join(", ", ports.keySet())
        + " (routes by SigV4 credential scope)"));
  }

  /**
   * One line per server that is not started but that the description needs: what is left out
   * (resources, notifications, triggers, environment variables) and how to get it.
   */
  List<String> skippedNotes() {
    Map<String, List<String>> left = new LinkedHashMap<>();
    for (String s : List.of("s3", "sqs", "kinesis")) {
      left.put(s, new ArrayList<>());
    }
    declared.buckets().stream().filter(b -> !config.buckets().contains(b)).forEach(b -> {
      if (config.buckets().stream().noneMatch(c -> c.name().equals(b.name()))) {
        left.get("s3").add("bucket " + b.name() + env(b.env()));
      } else {
        b.notifications().stream().filter(n -> n.queue() != null).forEach(n -> left.get("sqs").add(
            "notification " + b.name() + "/" + (n.prefix() == null ? "" : n.prefix()) + " -> queue " + n.queue()));
      }
    });
    declared.queues().stream().filter(q -> !config.queues().contains(q)).forEach(q -> left.get("sqs")
        .add("queue " + q.name() + env(q.env())));
    declared.streams().stream().filter(st -> !config.streams().contains(st)).forEach(st -> left.get("kinesis")
        .add("stream " + st.name() + env(st.env())));
    declared.triggers().stream().filter(t -> config.triggers().stream().noneMatch(c -> c.function()
        .equals(t.function()) && java.util.Objects.equals(c.queue(), t.queue())
        && java.util.Objects.equals(c.stream(), t.stream()))).forEach(t -> left.get(t.queue() != null ? "sqs"
            : "kinesis").add("trigger " + (t.queue() != null ? "queue " + t.queue() : "stream " + t.stream()) + " -> "
            + t.function()));
    List<String> notes = new ArrayList<>();
    left.forEach((service, items) -> {
      if (!items.isEmpty()) {
        notes.add(service + " is not started (--services " + String.join(",", sortedServices()) + "): skipped "
            + String.join(", ", items) + "; add " + service + " to --services to have them");
      }
    });
    return notes;
  }

  private static String env(String name) {
    return name == null ? "" : " (" + name + ")";
  }

  private List<String> sortedServices() {
    return List.of("s3", "sqs", "kinesis").stream().filter(options.services()::contains).toList();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + edge.port());
  }

  public Duration startDuration() {
    return startDuration;
  }

  public List<Status> status() {
    return List.copyOf(status);
  }

  public CloudConfig config() {
    return config;
  }

  /** The pid of each server process. */
  public Map<String, Long> pids() {
    Map<String, Long> m = new LinkedHashMap<>();
    servers.forEach((k, v) -> v.pid().ifPresent(p -> m.put(k, p)));
    return m;
  }

  /** Env vars for anything that should use this cloud: endpoint, region and credentials. */
  public Map<String, String> clientEnvironment() {
    return Map.of("AWS_ENDPOINT_URL", endpoint().toString(), "AWS_REGION", LocalAccount.REGION,
        "AWS_DEFAULT_REGION", LocalAccount.REGION, "AWS_ACCESS_KEY_ID", LocalAccount.ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY", LocalAccount.SECRET_ACCESS_KEY);
  }

  public String queueUrl(String name) {
    return endpoint() + "/" + LocalAccount.ID + "/" + name;
  }

  static StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(LocalAccount.ACCESS_KEY_ID,
        LocalAccount.SECRET_ACCESS_KEY));
  }

  public S3Client s3Client() {
    return S3Client.builder().endpointOverride(endpoint()).region(Region.of(LocalAccount.REGION))
        .credentialsProvider(credentials()).forcePathStyle(true).httpClient(UrlConnectionHttpClient.create()).build();
  }

  public SqsClient sqsClient() {
    return SqsClient.builder().endpointOverride(endpoint()).region(Region.of(LocalAccount.REGION))
        .credentialsProvider(credentials()).httpClient(UrlConnectionHttpClient.create()).build();
  }

  public KinesisClient kinesisClient() {
    return KinesisClient.builder().endpointOverride(endpoint()).region(Region.of(LocalAccount.REGION))
        .credentialsProvider(credentials()).httpClient(UrlConnectionHttpClient.create()).build();
  }

  private void createResources(URI edgeUri) {
    if (backendPorts.containsKey("s3")) {
      s3Direct = S3Client.builder().endpointOverride(URI.create("http://127.0.0.1:" + backendPorts.get("s3")))
          .region(Region.of(LocalAccount.REGION)).credentialsProvider(credentials()).forcePathStyle(true)
          .httpClient(UrlConnectionHttpClient.create()).build();
      try (S3Client s3 = s3Client()) {
        CloudProvisioner.createBuckets(s3, config);
      }
      for (CloudConfig.Bucket b : config.buckets()) {
        status.add(new Status("s3", edgeUri + "/" + b.name(), "bucket " + b.name() + notificationText(b)));
      }
    }
    if (backendPorts.containsKey("sqs")) {
      sqs = sqsClient();
      CloudProvisioner.createQueues(sqs, config, LocalAccount.REGION, LocalAccount.ID);
      for (CloudConfig.Queue q : config.queues()) { // listed as declared
        status.add(new Status("sqs", queueUrl(q.name()), "queue " + q.name() + (q.deadLetter() != null
            ? " (dead letters to " + q.deadLetter().queue() + " after " + q.deadLetter().maxReceiveCount() + " receives)"
            : "")));
      }
    }
    if (backendPorts.containsKey("kinesis")) {
      try (KinesisClient kinesis = kinesisClient()) {
        CloudProvisioner.createStreams(kinesis, config, Duration.ofSeconds(30));
      }
      for (CloudConfig.Stream s : config.streams()) {
        int shards = s.shards() == null ? 1 : s.shards();
        status.add(new Status("kinesis", "stream " + s.name(), shards + " shard" + (shards == 1 ? "" : "s")));
      }
    }
  }

  private static String notificationText(CloudConfig.Bucket b) {
    StringBuilder sb = new StringBuilder();
    for (CloudConfig.Notification n : b.notifications()) {
      sb.append(sb.length() == 0 ? ": " : "; ").append("new objects under ").append(n.prefix() == null ? "/" : n.prefix())
          .append(n.suffix() == null ? "" : " ending in " + n.suffix()).append(" -> ")
          .append(n.queue() != null ? "queue " + n.queue() : "function " + n.function());
    }
    return sb.toString();
  }

  public static String queueArn(String name) {
    return "arn:aws:sqs:" + LocalAccount.REGION + ":" + LocalAccount.ID + ":" + name;
  }

  /** S3 event notifications: the edge saw an object written. */
  private void s3Written(EdgeRouter.S3Write w) {
    for (CloudConfig.Bucket b : config.buckets()) {
      if (!b.name().equals(w.bucket())) {
        continue;
      }
      for (CloudConfig.Notification n : b.notifications()) {
        if ((n.prefix() != null && !w.key().startsWith(n.prefix()))
            || (n.suffix() != null && !w.key().endsWith(n.suffix()))) {
          continue;
        }
        HeadObjectResponse head = s3Direct.headObject(r -> r.bucket(w.bucket()).key(w.key()));
        String event = s3Event(w, head.contentLength(), head.eTag(), head.versionId());
        if (n.queue() != null) {
          sqs.sendMessage(r -> r.queueUrl(queueUrl(n.queue())).messageBody(event));
          options.log().accept("s3: " + w.eventName() + " s3://" + w.bucket() + "/" + w.key() + " -> queue " + n.queue());
        } else {
          notifyFunction(n.function(), event);
        }
      }
    }
  }

  private void notifyFunction(String function, String event) {
    lambda.invokeAsync(function, event.getBytes(StandardCharsets.UTF_8));
    options.log().accept("s3: object created -> function " + function + " (asynchronous invocation)");
  }

  /** The functions of this cloud, for the Lambda API and triggers. */
  public LambdaService lambda() {
    return lambda;
  }

  /**
   * The env vars every function of this cloud gets: the endpoint, region and credentials, and each
   * resource under the name its {@code env} gives (bucket and stream names, queue URLs).
   */
  public Map<String, String> functionEnvironment() {
    Map<String, String> env = new LinkedHashMap<>(clientEnvironment());
    env.putAll(resourceEnvironment(config, this::queueUrl));
    return env;
  }

  /** Each resource with an {@code env}: bucket and stream names, queue URLs. */
  public static Map<String, String> resourceEnvironment(CloudConfig config,
      java.util.function.Function<String, String> queueUrls) {
    Map<String, String> env = new java.util.TreeMap<>();
    config.buckets().stream().filter(b -> b.env() != null).forEach(b -> env.put(b.env(), b.name()));
    config.queues().stream().filter(q -> q.env() != null).forEach(q -> env.put(q.env(), queueUrls.apply(q.name())));
    config.streams().stream().filter(s -> s.env() != null).forEach(s -> env.put(s.env(), s.name()));
    return env;
  }

  /**
   * Adds a function built elsewhere (local-dev/up's model endpoint) to the Lambda API.
   *
   * @param logs the sink the function was built with, from {@link LambdaService#capture}
   */
  public void addFunction(dev.modelfn.local.lambda.LocalLambdaFunction function, LambdaService.LogCapture logs) {
    lambda.add(function, logs);
  }

  private void addFunction(CloudConfig.Function f) {
    Path code = options.home().resolve(f.code());
    Map<String, String> env = new LinkedHashMap<>(functionEnvironment());
    env.putAll(CloudConfig.resolve(f.environment(), this::queueUrl));
    env.putAll(functionOverrides);
    var spec = new dev.modelfn.local.lambda.FunctionSpec(f.name(), f.handler(), code, env,
        f.memoryMb() == null ? 1024 : f.memoryMb(), Duration.ofSeconds(f.timeoutSeconds() == null ? 30
            : f.timeoutSeconds()), List.of());
    LambdaService.LogCapture logs = LambdaService.capture(line -> options.log().accept("[" + f.name() + "] " + line));
    var function = new dev.modelfn.local.lambda.LocalLambdaFunction(spec,
        LocalAccount.runtimeDir(options.home()), options.cacheDir(), options.java(),
        LocalAccount.REGION, logs);
    addFunction(function, logs);
    status.add(new Status("lambda", f.name(), f.handler() + " (" + f.code() + ")"));
  }

  private void startTriggers() {
    for (CloudConfig.Trigger t : config.triggers()) {
      if (t.queue() != null) {
        SqsTrigger trigger = new SqsTrigger(sqsClient(), t.queue(), queueUrl(t.queue()), t, lambda, options.log());
        thread("sqs-trigger-" + t.queue(), trigger);
        stopTriggers.add(trigger::stop);
        status.add(new Status("trigger", "queue " + t.queue(), "-> " + t.function() + " (batch "
            + (t.batchSize() == null ? 10 : t.batchSize()) + (Boolean.TRUE.equals(t.reportBatchItemFailures())
                ? ", ReportBatchItemFailures" : "") + ")"));
      } else {
        if (kinesisPoller == null) {
          kinesisPoller = kinesisClient();
        }
        String onFailure = t.onFailureQueue() == null ? null : queueUrl(t.onFailureQueue());
        for (var shard : kinesisPoller.listShards(r -> r.streamName(t.stream())).shards()) {
          KinesisTrigger trigger = new KinesisTrigger(kinesisPoller, sqs, t.stream(), shard.shardId(), t, lambda,
              onFailure, options.log());
          thread("kinesis-trigger-" + t.stream() + "-" + shard.shardId(), trigger);
          stopTriggers.add(trigger::stop);
        }
        status.add(new Status("trigger", "stream " + t.stream(), "-> " + t.function() + " (per shard, batch "
            + (t.batchSize() == null ? 100 : t.batchSize()) + (t.onFailureQueue() != null ? ", on failure -> "
                + t.onFailureQueue() : "") + ")"));
      }
    }
  }

  private static void thread(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }

  /** An S3 event as S3 delivers it to queues and functions (event version 2.1). */
  String s3Event(EdgeRouter.S3Write w, Long size, String eTag, String versionId) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode records = root.putArray("Records");
    ObjectNode r = records.addObject();
    r.put("eventVersion", "2.1").put("eventSource", "aws:s3").put("awsRegion", LocalAccount.REGION)
        .put("eventTime", Instant.now().toString()).put("eventName", w.eventName());
    r.putObject("userIdentity").put("principalId", "AWS:" + LocalAccount.ID);
    r.putObject("requestParameters").put("sourceIPAddress", w.sourceIp());
    r.putObject("responseElements").put("x-amz-request-id", Long.toHexString(sequencer.get()).toUpperCase())
        .put("x-amz-id-2", "modelfn-local");
    ObjectNode s3 = r.putObject("s3");
    s3.put("s3SchemaVersion", "1.0").put("configurationId", "modelfn-local");
    ObjectNode bucket = s3.putObject("bucket");
    bucket.put("name", w.bucket());
    bucket.putObject("ownerIdentity").put("principalId", LocalAccount.ID);
    bucket.put("arn", "arn:aws:s3:::" + w.bucket());
    ObjectNode object = s3.putObject("object");
    object.put("key", eventKey(w.key()));
    if (size != null) {
      object.put("size", size);
    }
    if (eTag != null) {
      object.put("eTag", eTag.replace("\"", ""));
    }
    if (versionId != null) {
      object.put("versionId", versionId);
    }
    object.put("sequencer", String.format("%016X", sequencer.incrementAndGet()));
    return root.toString();
  }

  /** Keys in S3 events are URL-encoded as in a form ({@code +} for space), slashes kept. */
  static String eventKey(String key) {
    return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
  }

  private static Path abs(Path p) {
    return p.toAbsolutePath().normalize();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the edge and every server; idempotent. */
  @Override
  public void close() {
    stopTriggers.forEach(Runnable::run);
    if (lambda != null) {
      lambda.close();
    }
    if (edge != null) {
      edge.close();
    }
    if (kinesisPoller != null) {
      kinesisPoller.close();
    }
    if (sqs != null) {
      sqs.close();
    }
    if (s3Direct != null) {
      s3Direct.close();
    }
    // each may take its SIGTERM grace (5 s): all at once
    List<CompletableFuture<Void>> stopping = new ArrayList<>();
    for (ServerProcess p : servers.values()) {
      stopping.add(CompletableFuture.runAsync(p::close, OWN_THREAD));
    }
    stopping.forEach(CompletableFuture::join);
  }

  /**
   * Runs each task on a thread of its own. The servers start and stop side by side, each waiting
   * on its process: the common fork-join pool has a single thread on a 2-core machine, which ran
   * them one after another (and a stop could then take the sum of their grace periods).
   */
  private static final java.util.concurrent.Executor OWN_THREAD = task -> {
    Thread t = new Thread(task, "local-cloud-server");
    t.setDaemon(true);
    t.start();
  };
}

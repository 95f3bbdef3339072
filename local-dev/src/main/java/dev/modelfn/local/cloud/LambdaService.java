package dev.modelfn.local.cloud;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.modelfn.local.lambda.InvocationResult;
import dev.modelfn.local.lambda.LocalAccount;
import dev.modelfn.local.lambda.LocalLambdaFunction;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The Lambda API of the local cloud, for the project's own functions: {@code Invoke}
 * ({@code RequestResponse}, {@code Event}, {@code DryRun}), {@code ListFunctions} and
 * {@code GetFunction}, served on loopback behind the edge endpoint. Asynchronous invocations are
 * queued per function and retried twice on error, as Lambda does (after 1 and 2 seconds here
 * rather than 1 and 2 minutes). There are no versions: every qualifier (an alias such as
 * {@code live}, or {@code $LATEST}) runs the one local function.
 */
public final class LambdaService implements AutoCloseable {
  /** Synchronous payload limit (6 MB) and asynchronous (1 MB), as on Lambda. */
  static final int MAX_SYNC_PAYLOAD = 6 * 1024 * 1024;
  static final int MAX_ASYNC_PAYLOAD = 1024 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREFIX = "/2015-03-31/functions";

  private final Map<String, Registered> functions = new ConcurrentHashMap<>();
  private final HttpServer server;
  private final ExecutorService requests;
  private final ScheduledExecutorService async;
  private final Consumer<String> log;

  private record Registered(LocalLambdaFunction function, Instant added, LogCapture logs) {}

  /** Keeps the lines a function logs during the current invocation, for {@code LogType=Tail}. */
  public static final class LogCapture implements Consumer<String> {
    private final Consumer<String> next;
    private final StringBuilder current = new StringBuilder();

    LogCapture(Consumer<String> next) {
      this.next = next;
    }

    @Override
    public synchronized void accept(String line) {
      if (current.length() < 64 * 1024) {
        current.append(line).append('\n');
      }
      next.accept(line);
    }

    synchronized void reset() {
      current.setLength(0);
    }

    /** The last 4 KB, base64, as {@code X-Amz-Log-Result} carries them. */
    synchronized String tail() {
      byte[] b = current.toString().getBytes(StandardCharsets.UTF_8);
      int from = Math.max(0, b.length - 4096);
      return Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(b, from, b.length));
    }
  }

  public LambdaService(Consumer<String> log) throws IOException {
    this.log = log;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    this.requests = Executors.newCachedThreadPool(daemon("lambda-api"));
    this.async = Executors.newScheduledThreadPool(2, daemon("lambda-async"));
    server.setExecutor(requests);
    server.createContext("/", this::handle);
    server.start();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * A log sink for a function about to be added: forwards to {@code next} and keeps the current
   * invocation's lines for {@code LogType=Tail}.
   */
  public static LogCapture capture(Consumer<String> next) {
    return new LogCapture(next);
  }

  public void add(LocalLambdaFunction function, LogCapture logs) {
    functions.put(function.spec().name(), new Registered(function, Instant.now(), logs));
  }

  public Optional<LocalLambdaFunction> function(String name) {
    return Optional.ofNullable(functions.get(name)).map(Registered::function);
  }

  public java.util.Collection<String> names() {
    return java.util.List.copyOf(new java.util.TreeSet<>(functions.keySet()));
  }

  /** A synchronous invocation. */
  public InvocationResult invoke(String name, byte[] payload) {
    Registered r = functions.get(name);
    if (r == null) {
      throw new IllegalArgumentException("no function " + name);
    }
    synchronized (r) {
      r.logs().reset();
      return r.function().invoke(payload);
    }
  }

  /** An asynchronous ({@code Event}) invocation: queued, retried twice on error. */
  public void invokeAsync(String name, byte[] payload) {
    submitAsync(name, payload, 0);
  }

  private void submitAsync(String name, byte[] payload, int attempt) {
    long delay = attempt == 0 ? 0 : attempt * 1000L;
    async.schedule(() -> {
      try {
        InvocationResult result = invoke(name, payload);
        if (result.failed()) {
          if (attempt < 2) {
            log.accept("lambda: asynchronous invocation of " + name + " failed (" + result.functionError()
                + "); retry " + (attempt + 1) + " of 2");
            submitAsync(name, payload, attempt + 1);
          } else {
            log.accept("lambda: asynchronous invocation of " + name + " failed after 2 retries; event dropped: "
                + result.payloadText());
          }
        }
      } catch (RuntimeException e) {
        log.accept("lambda: asynchronous invocation of " + name + " failed: " + e);
      }
    }, delay, TimeUnit.MILLISECONDS);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getRawPath();
      String method = ex.getRequestMethod();
      if (!path.startsWith(PREFIX)) {
        error(ex, 404, "UnknownOperationException", "Unknown operation " + method + " " + path);
        return;
      }
      String rest = path.substring(PREFIX.length());
      if (rest.equals("/") || rest.isEmpty()) {
        if (method.equals("GET")) {
          listFunctions(ex);
        } else {
          error(ex, 400, "InvalidParameterValueException", "The local cloud does not create functions: declare them"
              + " in local-dev/cloud.json");
        }
        return;
      }
      String[] parts = rest.substring(1).split("/");
      String name = resolve(URLDecoder.decode(parts[0], StandardCharsets.UTF_8));
      Registered r = functions.get(name);
      if (r == null) {
        error(ex, 404, "ResourceNotFoundException", "Function not found: " + arn(name));
        return;
      }
      if (parts.length == 2 && parts[1].equals("invocations") && method.equals("POST")) {
        invoke(ex, name);
      } else if (parts.length == 1 && method.equals("GET")) {
        ObjectNode body = JSON.createObjectNode();
        body.set("Configuration", configuration(r));
        body.putObject("Code").put("RepositoryType", "S3").put("Location",
            r.function().spec().code().toUri().toString());
        body.putObject("Tags");
        json(ex, 200, body);
      } else {
        error(ex, 400, "UnknownOperationException", "The local cloud's Lambda API offers Invoke, ListFunctions and"
            + " GetFunction; not " + method + " " + path);
      }
    } catch (RuntimeException e) {
      log.accept("lambda: " + e);
      error(ex, 500, "ServiceException", String.valueOf(e.getMessage()));
    }
  }

  /** A name, a full or partial ARN, each maybe with a qualifier, to the function name. */
  static String resolve(String nameOrArn) {
    String s = nameOrArn;
    int fn = s.indexOf("function:");
    if (fn >= 0) {
      s = s.substring(fn + "function:".length());
    }
    int colon = s.indexOf(':');
    return colon >= 0 ? s.substring(0, colon) : s;
  }

  private void invoke(HttpExchange ex, String name) throws IOException {
    String type = Optional.ofNullable(ex.getRequestHeaders().getFirst("X-Amz-Invocation-Type")).orElse("RequestResponse");
    byte[] payload;
    try (InputStream in = ex.getRequestBody()) {
      payload = in.readNBytes(MAX_SYNC_PAYLOAD + 1);
    }
    int limit = type.equals("Event") ? MAX_ASYNC_PAYLOAD : MAX_SYNC_PAYLOAD;
    if (payload.length > limit) {
      error(ex, 413, "RequestTooLargeException", "Request must be smaller than " + limit + " bytes for the " + type
          + " invocation type");
      return;
    }
    if (payload.length == 0) {
      payload = "{}".getBytes(StandardCharsets.UTF_8);
    }
    try {
      JSON.readTree(payload);
    } catch (IOException e) {
      error(ex, 400, "InvalidRequestContentException", "Could not parse request body into json: " + e.getMessage());
      return;
    }
    ex.getResponseHeaders().set("X-Amz-Executed-Version", "$LATEST");
    switch (type) {
      case "DryRun" -> ex.sendResponseHeaders(204, -1);
      case "Event" -> {
        invokeAsync(name, payload);
        ex.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
        ex.sendResponseHeaders(202, -1);
      }
      case "RequestResponse" -> {
        InvocationResult result = invoke(name, payload);
        ex.getResponseHeaders().set("x-amzn-RequestId", result.requestId());
        ex.getResponseHeaders().set("Content-Type", "application/json");
        if (result.failed()) {
          ex.getResponseHeaders().set("X-Amz-Function-Error", "Unhandled");
        }
        if ("Tail".equals(ex.getRequestHeaders().getFirst("X-Amz-Log-Type"))) {
          ex.getResponseHeaders().set("X-Amz-Log-Result", functions.get(name).logs().tail());
        }
        byte[] out = result.payload();
        ex.sendResponseHeaders(200, out.length == 0 ? -1 : out.length);
        ex.getResponseBody().write(out);
      }
      default -> error(ex, 400, "InvalidParameterValueException", "X-Amz-Invocation-Type must be RequestResponse,"
          + " Event or DryRun; found " + type);
    }
  }

  private void listFunctions(HttpExchange ex) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode list = body.putArray("Functions");
    for (String name : names()) {
      list.add(configuration(functions.get(name)));
    }
    json(ex, 200, body);
  }

  private static String arn(String name) {
    return "arn:aws:lambda:" + LocalAccount.REGION + ":" + LocalAccount.ID + ":function:" + name;
  }

  private static ObjectNode configuration(Registered r) {
    var spec = r.function().spec();
    ObjectNode c = JSON.createObjectNode();
    c.put("FunctionName", spec.name()).put("FunctionArn", arn(spec.name())).put("Runtime", "java21")
        .put("Role", "arn:aws:iam::" + LocalAccount.ID + ":role/modelfn-local").put("Handler", spec.handler())
        .put("CodeSize", codeSize(spec.code())).put("Description", "modelfn local cloud")
        .put("Timeout", spec.timeout().toSeconds()).put("MemorySize", spec.memoryMb())
        .put("LastModified", DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxx").withZone(ZoneOffset.UTC)
            .format(r.added()))
        .put("CodeSha256", codeSha256(spec.code())).put("Version", "$LATEST").put("PackageType", "Zip")
        .put("State", "Active").put("LastUpdateStatus", "Successful");
    ObjectNode vars = c.putObject("Environment").putObject("Variables");
    new java.util.TreeMap<>(spec.environment()).forEach(vars::put);
    c.putArray("Architectures").add("x86_64");
    return c;
  }

  private static long codeSize(Path code) {
    try {
      return Files.isRegularFile(code) ? Files.size(code) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  private static final Map<Path, String> SHAS = new ConcurrentHashMap<>();

  private static String codeSha256(Path code) {
    return SHAS.computeIfAbsent(code, c -> {
      if (!Files.isRegularFile(c)) {
        return "";
      }
      try (InputStream in = Files.newInputStream(c)) {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[64 * 1024];
        for (int n; (n = in.read(buf)) > 0; ) {
          md.update(buf, 0, n);
        }
        return Base64.getEncoder().encodeToString(md.digest());
      } catch (IOException | java.security.NoSuchAlgorithmException e) {
        return "";
      }
    });
  }

  private static void json(HttpExchange ex, int status, ObjectNode body) throws IOException {
    byte[] b = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
  }

  private static void error(HttpExchange ex, int status, String type, String message) throws IOException {
    ObjectNode body = JSON.createObjectNode().put("Type", status >= 500 ? "Service" : "User").put("message", message);
    ex.getResponseHeaders().set("x-amzn-ErrorType", type);
    json(ex, status, body);
  }

  @Override
  public void close() {
    server.stop(0);
    async.shutdownNow();
    requests.shutdownNow();
    Map<String, Registered> all = new LinkedHashMap<>(functions);
    all.values().forEach(r -> r.function().close());
  }
}

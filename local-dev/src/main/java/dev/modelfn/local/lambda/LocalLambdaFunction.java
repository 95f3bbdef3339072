package dev.modelfn.local.lambda;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One Lambda execution environment of a function: a JVM running the AWS Lambda runtime interface
 * client (the same runtime client Lambda's Java runtimes use) with the task root as its customer
 * class path, fed by a local Runtime API. As on Lambda, an environment serves one invocation at a
 * time, a timed-out or crashed environment is replaced, and the function's configuration reaches it
 * only through environment variables.
 */
public final class LocalLambdaFunction implements AutoCloseable {
  /** The class the Lambda Java runtime starts. */
  static final String RUNTIME_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
  private static final Duration INIT_LIMIT = Duration.ofSeconds(60);

  /** How the execution environment starts its runtime. */
  public enum Launch {
    /**
     * Lambda's managed Java runtime: the JVM class path holds only the AWS runtime interface
     * client, which loads the task root through its own class loader.
     */
    MANAGED,
    /**
     * The managed runtime with the task root's {@code lib/*.jar} also on the JVM class path, as an
     * {@code AWS_LAMBDA_EXEC_WRAPPER} script can put them: the runtime's class loader delegates to
     * the application class loader first, so the function's classes come from there, where
     * class-data sharing archives and AOT caches cover them.
     */
    MANAGED_APPLICATION_CLASS_PATH,
    /**
     * A custom runtime: the package's {@code bootstrap} starts the JVM (with {@code MODELFN_JAVA}
     * and {@code MODELFN_JVM_OPTIONS} from this function's java and options) and modelfn's own
     * Runtime API client.
     */
    CUSTOM
  }

  private final FunctionSpec spec;
  private final Launch launch;
  private final Path taskRoot;
  private final List<Path> runtimeClasspath;
  private final Path javaExecutable;
  private final Consumer<String> logSink;
  private final String region;
  private final Semaphore environment = new Semaphore(1, true);
  private final Deque<String> recentOutput = new ArrayDeque<>();
  private RuntimeApiServer api;
  private Process process;
  private Duration lastInitDuration = Duration.ZERO;
  private volatile boolean closed;

  /**
   * @param runtimeDir folder with the runtime interface client and its jars
   * @param cacheDir where deployment packages are unpacked
   * @param javaExecutable the {@code java} to run the function with
   * @param logSink receives each line the function writes to stdout/stderr (CloudWatch Logs on Lambda)
   */
  public LocalLambdaFunction(FunctionSpec spec, Path runtimeDir, Path cacheDir, Path javaExecutable,
      String region, Consumer<String> logSink) {
    this(spec, runtimeDir, cacheDir, javaExecutable, region, logSink, Launch.MANAGED);
  }

  public LocalLambdaFunction(FunctionSpec spec, Path runtimeDir, Path cacheDir, Path javaExecutable,
      String region, Consumer<String> logSink, Launch launch) {
    this.spec = spec;
    this.launch = launch;
    this.taskRoot = DeploymentPackage.taskRoot(spec.code(), cacheDir);
    this.runtimeClasspath = launch == Launch.CUSTOM ? List.of() : jars(runtimeDir);
    this.javaExecutable = javaExecutable;
    this.region = region;
    this.logSink = logSink;
  }

  public FunctionSpec spec() {
    return spec;
  }

  public Path taskRoot() {
    return taskRoot;
  }

  /** The time the last environment took from process start to its first request for work. */
  public synchronized Duration lastInitDuration() {
    return lastInitDuration;
  }

  /** Starts the execution environment now (Lambda starts it on the first invocation). */
  public synchronized void start() {
    if (closed) {
      throw new IllegalStateException("function " + spec.name() + " is closed");
    }
    if (process != null && process.isAlive()) {
      return;
    }
    long t0 = System.nanoTime();
    try {
      api = new RuntimeApiServer(spec.arn(region, LocalAccount.ID));
      ProcessBuilder pb = new ProcessBuilder(command());
      pb.environment().clear();
      pb.environment().putAll(environment());
      pb.directory(taskRoot.toFile());
      pb.redirectErrorStream(true);
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start function " + spec.name() + ": " + e.getMessage(), e);
    }
    Process started = process;
    Thread pump = new Thread(() -> pump(started), "lambda-log-" + spec.name());
    pump.setDaemon(true);
    pump.start();
    try {
      CompletableFuture.anyOf(api.initialised(), started.onExit()).get(INIT_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
      if (!api.initialised().isDone()) {
        started.waitFor(2, TimeUnit.SECONDS); // let the pump read the last output
        throw new ExecutionException(new FunctionInitException("the runtime exited with status "
            + started.exitValue() + " before asking for work"));
      }
      api.initialised().get();
      lastInitDuration = Duration.ofNanos(System.nanoTime() - t0);
    } catch (ExecutionException e) {
      stopProcess();
      throw new FunctionInitException("function " + spec.name() + " failed to initialise: "
          + e.getCause().getMessage() + outputTail());
    } catch (TimeoutException e) {
      stopProcess();
      throw new FunctionInitException("function " + spec.name() + " did not initialise within " + INIT_LIMIT.toSeconds()
          + " s" + outputTail());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopProcess();
      throw new FunctionInitException("interrupted while function " + spec.name() + " initialised");
    }
  }

  /**
   * Invokes the function synchronously ({@code RequestResponse}). A timeout or a runtime exit comes
   * back as a failed result, as Lambda reports it, and the environment is replaced.
   */
  public InvocationResult invoke(byte[] payload) {
    try {
      environment.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for function " + spec.name());
    }
    try {
      RuntimeApiServer.Pending p;
      synchronized (this) {
        start();
        p = api.submit(payload, System.currentTimeMillis() + spec.timeout().toMillis());
      }
      return await(p);
    } finally {
      environment.release();
    }
  }

  private InvocationResult await(RuntimeApiServer.Pending p) {
    long limitNanos = spec.timeout().toNanos();
    long waited = 0;
    try {
      while (true) {
        try {
          return p.result.get(100, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          waited = p.deliveredNanos == 0 ? 0 : System.nanoTime() - p.deliveredNanos;
          Process current = process;
          if (current != null && !current.isAlive()) {
            synchronized (this) {
              int code = current.exitValue();
              stopProcess();
              return RuntimeApiServer.error(p, "Runtime.ExitError",
                  "RequestId: " + p.requestId + " Error: Runtime exited with error: exit status " + code);
            }
          }
          if (waited > limitNanos) {
            synchronized (this) {
              stopProcess();
              return RuntimeApiServer.error(p, "Sandbox.Timedout", String.format("%s Task timed out after %.2f seconds",
                  p.requestId, spec.timeout().toMillis() / 1000.0));
            }
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return RuntimeApiServer.error(p, "Runtime.Interrupted", "interrupted while waiting for the function");
    } catch (ExecutionException e) {
      return RuntimeApiServer.error(p, "Runtime.Unknown", String.valueOf(e.getCause()));
    }
  }

  /** The command that starts an execution environment of this function. */
  public List<String> command() {
    List<String> cmd = new ArrayList<>();
    if (launch == Launch.CUSTOM) {
      Path bootstrap = taskRoot.resolve("bootstrap");
      if (!Files.isRegularFile(bootstrap)) {
        throw new IllegalArgumentException("function " + spec.name() + ": a custom runtime needs a bootstrap file in "
            + taskRoot);
      }
      cmd.add("/bin/sh");
      cmd.add(bootstrap.toString());
      return cmd;
    }
    cmd.add(javaExecutable.toString());
    // As Lambda's Java runtime: heap from the configured memory, serial GC, C1 only for fast starts
    // (class data sharing stays at the JVM default, so archive options can be added).
    // A function's JAVA_TOOL_OPTIONS replaces the defaults it names, as it does on Lambda (a
    // long-running batch function turns C2 back on with -XX:TieredStopAtLevel=4, say).
    String tool = spec.environment().getOrDefault("JAVA_TOOL_OPTIONS", "");
    if (!tool.contains("MaxHeapSize") && !tool.contains("-Xmx")) {
      cmd.add("-XX:MaxHeapSize=" + (spec.memoryMb() * 85L / 100) + "m");
    }
    if (!tool.matches(".*-XX:[+]Use\\w+GC.*")) {
      cmd.add("-XX:+UseSerialGC");
    }
    if (!tool.contains("TieredStopAtLevel") && !tool.contains("TieredCompilation")) {
      cmd.add("-XX:+TieredCompilation");
      cmd.add("-XX:TieredStopAtLevel=1");
    }
    cmd.add("-Djava.net.preferIPv4Stack=true");
    runtimeJni(runtimeClasspath).ifPresent(jni -> cmd.add("-D" + JNI_PROPERTY + "=" + jni));
    cmd.addAll(spec.jvmOptions());
    cmd.add("-cp");
    List<Path> cp = new ArrayList<>(runtimeClasspath);
    if (launch == Launch.MANAGED_APPLICATION_CLASS_PATH && Files.isDirectory(taskRoot.resolve("lib"))) {
      try (var s = Files.list(taskRoot.resolve("lib"))) {
        cp.addAll(s.filter(p -> p.toString().endsWith(".jar")).sorted().toList());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    cmd.add(String.join(java.io.File.pathSeparator, cp.stream().map(Path::toString).toList()));
    cmd.add(RUNTIME_MAIN);
    cmd.add(spec.handler());
    return cmd;
  }

  Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    String path = System.getenv("PATH");
    env.put("PATH", path == null ? "/usr/local/bin:/usr/bin:/bin" : path);
    env.put("LANG", "en_US.UTF-8");
    env.put("TZ", ":UTC");
    env.put("HOME", System.getProperty("java.io.tmpdir"));
    env.put("LAMBDA_TASK_ROOT", taskRoot.toString());
    env.put("LAMBDA_RUNTIME_DIR", taskRoot.toString());
    env.put("_HANDLER", spec.handler());
    env.put("AWS_LAMBDA_RUNTIME_API", api.address());
    env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java17");
    env.put("AWS_LAMBDA_FUNCTION_NAME", spec.name());
    env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
    env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(spec.memoryMb()));
    env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + spec.name());
    env.put("AWS_LAMBDA_LOG_STREAM_NAME", "local/" + RuntimeApiServer.requestId());
    env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
    env.put("AWS_REGION", region);
    env.put("AWS_DEFAULT_REGION", region);
    env.put("AWS_ACCESS_KEY_ID", LocalAccount.ACCESS_KEY_ID);
    env.put("AWS_SECRET_ACCESS_KEY", LocalAccount.SECRET_ACCESS_KEY);
    if (launch == Launch.CUSTOM) {
      env.put("AWS_EXECUTION_ENV", "AWS_Lambda_provided.al2023");
      env.put("MODELFN_JAVA", javaExecutable.toString());
      env.put("MODELFN_JVM_OPTIONS", String.join(" ", spec.jvmOptions()));
    }
    env.putAll(spec.environment());
    return env;
  }

  private void pump(Process p) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        synchronized (recentOutput) {
          recentOutput.addLast(line);
          if (recentOutput.size() > 20) {
            recentOutput.removeFirst();
          }
        }
        logSink.accept(line);
      }
    } catch (IOException e) {
      // the process is gone
    }
  }

  private String outputTail() {
    synchronized (recentOutput) {
      return recentOutput.isEmpty() ? "" : "; last output:\n  " + String.join("\n  ", recentOutput);
    }
  }

  private synchronized void stopProcess() {
    // The process first: a runtime that sees its Runtime API vanish logs errors nobody needs.
    if (process != null) {
      Process p = process;
      process = null;
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      try {
        p.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (api != null) {
      api.close();
      api = null;
    }
  }

  /** The command line of the running environment's process (after any exec by a bootstrap; Linux). */
  public synchronized java.util.Optional<List<String>> runningCommand() {
    if (process == null || !process.isAlive()) {
      return java.util.Optional.empty();
    }
    try {
      // ProcessHandle.Info drops the arguments of long command lines; /proc has all of them.
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
      List<String> cmd = new ArrayList<>();
      int start = 0;
      for (int i = 0; i < raw.length; i++) {
        if (raw[i] == 0) {
          cmd.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
          start = i + 1;
        }
      }
      return cmd.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(cmd);
    } catch (IOException e) {
      return java.util.Optional.empty();
    }
  }

  /** The process id of the current environment, if one runs. */
  public synchronized java.util.OptionalLong pid() {
    return process != null && process.isAlive() ? java.util.OptionalLong.of(process.pid())
        : java.util.OptionalLong.empty();
  }

  /**
   * Stops the environment with SIGTERM, letting the JVM run its exit work (a training run writes
   * its class-data or AOT archive then), and kills it if it has not ended within {@code grace}.
   */
  public synchronized void shutdownGracefully(Duration grace) {
    closed = true;
    if (process != null) {
      Process p = process;
      p.destroy();
      try {
        p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    stopProcess();
  }

  @Override
  public synchronized void close() {
    closed = true;
    stopProcess();
  }

  /** The runtime interface client loads its native library from here when set, instead of unpacking it. */
  static final String JNI_PROPERTY = "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI";
  private static final Map<Path, Optional<Path>> JNI = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * The runtime interface client's native library for this machine (Linux, glibc), unpacked once per
   * process into a folder of its own, for every environment to load in place. Left to itself the
   * client unpacks it to {@code /tmp/.libaws-lambda-jni.so} at each start, and environments that start
   * together rewrite that file under one another (the loader fails with a SIGBUS or "file too
   * short"); on Lambda each environment has a {@code /tmp} of its own. Empty elsewhere (the client
   * then does as it does).
   */
  static Optional<Path> runtimeJni(List<Path> runtimeClasspath) {
    Optional<Path> ric = runtimeClasspath.stream()
        .filter(p -> p.getFileName().toString().startsWith("aws-lambda-java-runtime-interface-client")).findFirst();
    if (ric.isEmpty() || !System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
      return Optional.empty();
    }
    return JNI.computeIfAbsent(ric.get(), jar -> {
      String arch = System.getProperty("os.arch", "").matches("aarch64|arm64") ? "aarch_64" : "x86_64";
      String entry = "jni/libaws-lambda-jni.linux-" + arch + ".so";
      try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
        var e = zip.getEntry(entry);
        if (e == null) {
          return Optional.empty();
        }
        Path dir = Files.createTempDirectory("modelfn-lambda-runtime-jni");
        dir.toFile().deleteOnExit();
        Path lib = dir.resolve("libaws-lambda-jni.so");
        try (var in = zip.getInputStream(e)) {
          Files.copy(in, lib);
        }
        lib.toFile().deleteOnExit();
        return Optional.of(lib);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot unpack " + entry + " from " + jar, e);
      }
    });
  }

  static List<Path> jars(Path dir) {
    try (var s = Files.list(dir)) {
      List<Path> jars = s.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
      if (jars.stream().noneMatch(p -> p.getFileName().toString().startsWith("aws-lambda-java-runtime-interface-client"))) {
        throw new IllegalArgumentException("no Lambda runtime interface client in " + dir
            + "; build it with ./mvnw -pl local-dev -am package -DskipTests");
      }
      return jars;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the Lambda runtime folder " + dir
          + "; build it with ./mvnw -pl local-dev -am package -DskipTests", e);
    }
  }
}

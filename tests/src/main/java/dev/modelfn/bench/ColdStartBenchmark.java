package dev.modelfn.bench;

import dev.modelfn.local.lambda.FunctionSpec;
import dev.modelfn.local.lambda.InvocationResult;
import dev.modelfn.local.lambda.LocalAccount;
import dev.modelfn.local.lambda.LocalLambdaFunction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Cold start of the predict function as Lambda runs it: from launching {@code java} (the Lambda
 * runtime interface client over the unpacked deployment package, a local Runtime API) to the
 * answer to the first API Gateway event, against {@code java -version} on the same JDK, measured
 * alternately in one run. Configurations: the Lambda runtime's own flags, plus a class-data archive
 * (AppCDS, JDK 17) or an AOT cache (JDK 25, JEP 483/515) written by a training run of the same
 * function. The JDK 25 configurations run the cache with {@link #AOT_RUNTIME_FLAGS}, and the custom
 * runtime once more without them, to show what they change.
 *
 * <p>Arguments: {@code home=<project dir> runs=<n> jdk=<java executable>... only=<text>...
 * zip=<package>...}: {@code only} keeps the configurations whose name contains one of the texts;
 * each {@code zip} adds a candidate deployment package, measured in the same rounds as the shipped
 * one under every configuration (named after the file), to compare a packaging change side by side.
 */
public final class ColdStartBenchmark {
  /**
   * The launch flags the README documents for Lambda-like runs, on top of the Lambda runtime's own
   * (serial GC, C1 only): no perf-data file, a non-blocking entropy source for the first SecureRandom
   * (ONNX Runtime creates a temporary folder at load), core reflection through native accessors (the
   * first SecureRandom's provider is built reflectively, which otherwise generates a class at run
   * time), and a class-data archive or AOT cache.
   */
  static final List<String> TUNED_FLAGS = List.of("-XX:-UsePerfData", "-Djava.security.egd=file:/dev/urandom",
      "-Djdk.reflect.useNativeAccessorOnly=true");

  /**
   * With a JDK 25 AOT cache, the documented options: its classes, but not the training run's
   * profiles and compilation history (JEP 515), which the JVM replays by default and which make it
   * compile, as soon as they run, the methods the training run compiled. On a C1-only JVM that is
   * compiler work competing with the start's two busy threads on two cores; without it methods
   * compile at the usual thresholds, so the first requests after the start run a little longer in
   * the interpreter (see the README for both sides of the trade). A diagnostic flag, hence the
   * unlock.
   */
  static final List<String> AOT_RUNTIME_FLAGS = List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTReplayTraining");

  private ColdStartBenchmark() {}

  record Config(String name, Path java, List<String> jvmOptions, List<String> trainingOptions,
      LocalLambdaFunction.Launch launch, Path zip) {}

  public static void main(String[] args) throws Exception {
    Map<String, List<String>> a = Args.parse(args);
    Path home = Path.of(Args.one(a, "home", ".")).toAbsolutePath().normalize();
    int runs = Integer.parseInt(Args.one(a, "runs", "7"));
    List<Path> jdks = new ArrayList<>();
    for (String j : a.getOrDefault("jdk", List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"))) {
      if (Files.isExecutable(Path.of(j))) {
        jdks.add(Path.of(j));
      }
    }
    Path target = home.resolve("local-dev/target");
    Path runtime = dev.modelfn.local.lambda.LocalAccount.runtimeDir(home);
    Path zip = target.resolve("functions/modelfn-aws-lambda.zip");
    Path work = Files.createDirectories(home.resolve("tests/target/cold-start"));
    byte[] event = Files.readAllBytes(home.resolve("events/http/api-v2/infer-oip.json"));

    // the shipped package, then each candidate (named after its file, with archives of its own)
    Map<String, Path> packages = new LinkedHashMap<>();
    packages.put("", zip);
    for (String z : a.getOrDefault("zip", List.of())) {
      Path candidate = Path.of(z).toAbsolutePath();
      if (!Files.isRegularFile(candidate)) {
        throw new IllegalArgumentException("zip=" + z + ": no such deployment package");
      }
      packages.put(candidate.getFileName().toString().replaceFirst("\\.zip$", ""), candidate);
    }
    Map<Path, Integer> features = new LinkedHashMap<>();
    for (Path java : jdks) {
      features.put(java, javaFeature(java));
    }
    List<Config> configs = new ArrayList<>();
    for (Map.Entry<String, Path> pkg : packages.entrySet()) {
      features.forEach((java, feature) -> configs.addAll(configs(java, feature, pkg.getKey(), pkg.getValue(), work)));
    }
    List<String> only = a.getOrDefault("only", List.of());
    if (!only.isEmpty()) {
      configs.removeIf(c -> only.stream().noneMatch(c.name()::contains));
    }

    Path shipped = home.resolve("functions/aws-lambda/target/modelfn-aws-lambda.zip");
    System.out.printf("deployment zip: %.1f MB (%s)%n", Files.size(Files.exists(shipped) ? shipped : zip) / 1e6,
        home.relativize(Files.exists(shipped) ? shipped : zip));
    System.out.printf("cold start: %d runs per configuration, median; event %s%n", runs, "infer-oip.json");
    Set<List<String>> trained = new HashSet<>(); // configurations sharing a cache train it once
    for (Config c : configs) {
      if (c.trainingOptions() != null && trained.add(c.trainingOptions())) {
        train(c, runtime, work, event);
      }
    }
    Map<String, long[]> samples = new LinkedHashMap<>();
    Map<Path, long[]> version = new LinkedHashMap<>();
    for (int r = -1; r < runs; r++) { // round -1 warms the file cache and is not counted
      for (Path java : jdks) {
        long t = javaVersion(java);
        if (r >= 0) {
          version.computeIfAbsent(java, k -> new long[runs])[r] = t;
        }
      }
      for (Config c : configs) {
        long t = coldStart(c, runtime, work, event);
        if (r >= 0) {
          samples.computeIfAbsent(c.name(), k -> new long[runs])[r] = t;
        }
      }
    }
    int width = configs.stream().mapToInt(c -> c.name().length()).max().orElse(13);
    System.out.printf("%-" + width + "s %12s %16s %8s%n", "configuration", "first answer", "java -version", "ratio");
    for (Config c : configs) {
      double ms = median(samples.get(c.name())) / 1e6;
      double v = median(version.get(c.java())) / 1e6;
      System.out.printf("%-" + width + "s %9.0f ms %13.0f ms %7.2fx%n", c.name(), ms, v, ms / v);
    }
  }

  /** The configurations of one JDK for one package ({@code tag} empty for the shipped one). */
  private static List<Config> configs(Path java, int feature, String tag, Path zip, Path work) {
    List<Config> configs = new ArrayList<>();
    List<String> base = new ArrayList<>();
    if (feature >= 22) {
      base.add("--enable-native-access=ALL-UNNAMED");
    }
    String jdk = "jdk" + feature;
    String suffix = tag.isEmpty() ? "" : " [" + tag + "]";
    List<String> tuned = new ArrayList<>(base);
    tuned.addAll(TUNED_FLAGS);
    configs.add(new Config(jdk + " managed runtime" + suffix, java, base, null, LocalLambdaFunction.Launch.MANAGED, zip));
    for (LocalLambdaFunction.Launch launch : List.of(LocalLambdaFunction.Launch.MANAGED_APPLICATION_CLASS_PATH,
        LocalLambdaFunction.Launch.CUSTOM)) {
      String label = jdk + (launch == LocalLambdaFunction.Launch.CUSTOM ? " custom runtime" : " managed, app-cp");
      // the custom runtime's bootstrap adds the tuned flags itself
      List<String> flags = launch == LocalLambdaFunction.Launch.CUSTOM ? base : tuned;
      Path archive = work.resolve(jdk + "-" + launch.name().toLowerCase(Locale.ROOT) + (tag.isEmpty() ? "" : "-" + tag));
      if (feature >= 25) {
        List<String> withCache = concat(flags, "-XX:AOTCache=" + archive + ".aot");
        List<String> noReplay = new ArrayList<>(withCache);
        noReplay.addAll(AOT_RUNTIME_FLAGS);
        List<String> training = concat(concat(flags, "-XX:AOTMode=record"), "-XX:AOTConfiguration=" + archive + ".aotconf");
        configs.add(new Config(label + " + AOT" + suffix, java, noReplay, training, launch, zip));
        if (launch == LocalLambdaFunction.Launch.CUSTOM) { // the same cache, the JVM's default replay
          configs.add(new Config(label + " + AOT, profiles replayed" + suffix, java, withCache, training, launch, zip));
        }
      } else {
        configs.add(new Config(label + " + CDS" + suffix, java, concat(flags, "-XX:SharedArchiveFile=" + archive + ".jsa"),
            concat(flags, "-XX:ArchiveClassesAtExit=" + archive + ".jsa"), launch, zip));
      }
    }
    return configs;
  }

  private static void train(Config c, Path runtime, Path work, byte[] event) throws IOException {
    FunctionSpec spec = spec(c.zip(), c.trainingOptions());
    try (LocalLambdaFunction fn = new LocalLambdaFunction(spec, runtime, work.resolve("cache"), c.java(),
        LocalAccount.REGION, line -> { }, c.launch())) {
      fn.start();
      for (int i = 0; i < 20; i++) {
        check(fn.invoke(event));
      }
      List<String> cmd = fn.runningCommand().orElseThrow(); // the JVM's own command line, after any bootstrap
      fn.shutdownGracefully(Duration.ofSeconds(60));
      int record = cmd.indexOf("-XX:AOTMode=record");
      if (record >= 0) { // JEP 483's second step: the cache from the recorded configuration, same class path
        List<String> create = new ArrayList<>(cmd.subList(0, cmd.size() - 2)); // without main class and handler
        create.set(record, "-XX:AOTMode=create");
        String conf = create.stream().filter(o -> o.startsWith("-XX:AOTConfiguration=")).findFirst().orElseThrow();
        create.add(record + 1, "-XX:AOTCache=" + conf.substring("-XX:AOTConfiguration=".length()).replaceFirst("\\.aotconf$", ".aot"));
        Process p = new ProcessBuilder(create).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
          throw new IllegalStateException("AOT cache creation failed: " + out);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static long coldStart(Config c, Path runtime, Path work, byte[] event) {
    FunctionSpec spec = spec(c.zip(), c.jvmOptions());
    try (LocalLambdaFunction fn = new LocalLambdaFunction(spec, runtime, work.resolve("cache"), c.java(),
        LocalAccount.REGION, line -> { }, c.launch())) {
      long t0 = System.nanoTime();
      InvocationResult r = fn.invoke(event); // starts the environment, as the first invocation does on Lambda
      long t = System.nanoTime() - t0;
      check(r);
      return t;
    }
  }

  private static FunctionSpec spec(Path zip, List<String> options) {
    return new FunctionSpec("modelfn-predict", "dev.modelfn.aws.PredictHttpHandler::handleRequest", zip,
        Map.of("MODELFN_MODEL_URI", "classpath:models/fraud/fraud.onnx", "MODELFN_LOG_LEVEL", "WARN"), 2048,
        Duration.ofSeconds(30), options);
  }

  private static void check(InvocationResult r) {
    if (r.failed() || !r.payloadText().contains("\"statusCode\":200")) {
      throw new IllegalStateException("the function did not answer the event: " + r.payloadText());
    }
  }

  private static long javaVersion(Path java) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(java.toString(), "-version").redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    p.waitFor();
    return System.nanoTime() - t0;
  }

  static int javaFeature(Path java) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(java.toString(), "-XshowSettings:properties", "-version").redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    for (String line : out.split("\n")) {
      line = line.trim();
      if (line.startsWith("java.specification.version = ")) {
        return Integer.parseInt(line.substring("java.specification.version = ".length()).trim());
      }
    }
    throw new IllegalStateException("cannot tell the version of " + java);
  }

  private static List<String> concat(List<String> a, String b) {
    List<String> l = new ArrayList<>(a);
    l.add(b);
    return l;
  }

  static double median(long[] xs) {
    long[] s = xs.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
  }
}

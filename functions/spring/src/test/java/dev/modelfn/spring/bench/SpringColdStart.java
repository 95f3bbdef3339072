package dev.modelfn.spring.bench;

import dev.modelfn.model.NativeLibraries;
import dev.modelfn.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cold start of the predict function, plain handler against Spring: fresh JVMs, alternately, each
 * building its handler with its no-argument constructor and answering one API Gateway HTTP API
 * event ({@code events/http/api-v2/infer-oip.json}) through {@code handleRequest} (see {@link
 * ColdStartProbe}); the median wall time from launching {@code java} to the process's end, side by
 * side. Configurations:
 *
 * <ul>
 *   <li>{@code plain}: {@code dev.modelfn.aws.PredictHttpHandler} from the Lambda package's one jar
 *       ({@code modelfn-aws-lambda-*-function.jar}, from {@code functions/aws-lambda/target} or the
 *       local repository);
 *   <li>{@code spring}: {@code org.springframework.cloud.function.adapter.aws.FunctionInvoker} with
 *       {@code MAIN_CLASS=dev.modelfn.spring.lambda.LambdaFunctions} and {@code
 *       SPRING_CLOUD_FUNCTION_DEFINITION=predict}, over the jars of the Lambda package's {@code lib/}
 *       ({@code target/modelfn-spring-lambda.zip}, so: package first);
 *   <li>{@code + CDS}: each of them again with a class-data archive written by a training run
 *       ({@code -XX:ArchiveClassesAtExit}, JDK 17), as a container or SnapStart-less Lambda can use.
 * </ul>
 *
 * Every run has Lambda's Java flags ({@code -XX:+TieredCompilation -XX:TieredStopAtLevel=1}, serial
 * GC) and the project's documented ones ({@link #FLAGS}); ONNX Runtime's natives come from one
 * unpacked folder ({@code MODELFN_ORT_NATIVE_DIR}) in both. These are in-process starts without
 * Lambda's runtime client: the ratio is the figure, not the absolute milliseconds.
 *
 * <p>Arguments: {@code [runs]} (default 7). Run: {@code ./mvnw -q -pl functions/spring package exec:java
 * -DskipTests -Dexec.mainClass=dev.modelfn.spring.bench.SpringColdStart -Dexec.classpathScope=test
 * -Dexec.args=9}.
 */
public final class SpringColdStart {
  /** Lambda's own JVM flags on its Java runtimes, then the project's (docs/performance.md). */
  static final List<String> FLAGS = List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
      "-XX:-UsePerfData", "-Djava.security.egd=file:/dev/urandom",
      "-Djdk.reflect.useNativeAccessorOnly=true");

  private SpringColdStart() {}

  /**
   * Added to the Spring runs (set them in {@code JAVA_TOOL_OPTIONS}): Spring Boot's background
   * pre-initialisation warms up classes the functions never use (validation, formatting, charsets),
   * and on Lambda's two cores it takes one from the start's own two threads.
   */
  static final List<String> SPRING_FLAGS = List.of("-Dspring.backgroundpreinitializer.ignore=true");

  static final Path JAVA25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");

  record Config(String name, Path java, String classPath, String handler, Map<String, String> env, List<String> flags,
      List<String> trainingFlags) {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    Path module = moduleDir();
    Path bench = module.resolve("target/bench");
    // class-data archives take jars only: the probe and this module's classes as jars
    Path probe = jar(module.resolve("target/test-classes"), "dev/modelfn/spring/bench/ColdStartProbe",
        bench.resolve("probe.jar"));
    String springCp = springClassPath(module, bench) + java.io.File.pathSeparator + probe;
    String plainCp = functionJar(module) + java.io.File.pathSeparator + probe;
    Path event = Fixtures.path("http/api-v2/infer-oip.json");

    Map<String, String> env = new HashMap<>();
    env.put("MODELFN_MODEL_URI", Fixtures.fraudModelUri());
    env.put("MODELFN_METRICS_ENABLED", "false");
    env.put("MODELFN_LOG_LEVEL", "WARN");
    env.put("MODELFN_ORT_NATIVE_DIR", NativeLibraries.configure(Map.of()).orElseThrow().toString());
    Map<String, String> springEnv = new HashMap<>(env);
    springEnv.put("MAIN_CLASS", "dev.modelfn.spring.lambda.LambdaFunctions");
    springEnv.put("SPRING_CLOUD_FUNCTION_DEFINITION", "predict");

    List<Config> configs = new ArrayList<>();
    Path java17 = Path.of(System.getProperty("java.home"), "bin", "java");
    for (String kind : new String[] {"plain", "spring"}) {
      boolean spring = kind.equals("spring");
      String cp = spring ? springCp : plainCp;
      String handler = spring ? "org.springframework.cloud.function.adapter.aws.FunctionInvoker"
          : "dev.modelfn.aws.PredictHttpHandler";
      Map<String, String> e = spring ? springEnv : env;
      List<String> flags = new ArrayList<>(FLAGS);
      if (spring) {
        flags.addAll(SPRING_FLAGS);
      }
      Path jsa = bench.resolve(kind + ".jsa");
      configs.add(new Config(kind, java17, cp, handler, e, flags, null));
      configs.add(new Config(kind + " + CDS", java17, cp, handler, e, concat(flags, "-XX:SharedArchiveFile=" + jsa),
          concat(flags, "-XX:ArchiveClassesAtExit=" + jsa)));
      if (Files.isExecutable(JAVA25)) {
        Path aot = bench.resolve(kind + ".aot");
        List<String> flags25 = concat(flags, "--enable-native-access=ALL-UNNAMED");
        configs.add(new Config(kind + " jdk25 + AOT", JAVA25, cp, handler, e, concat(concat(flags25, "-XX:AOTCache=" + aot),
            "-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTReplayTraining"), concat(flags25, "-XX:AOTCacheOutput=" + aot)));
      }
    }
    for (Config c : configs) {
      if (c.trainingFlags() != null) {
        run(c, c.trainingFlags(), event); // writes the archive
      }
    }
    Map<String, long[]> wall = new LinkedHashMap<>();
    Map<String, long[]> answer = new LinkedHashMap<>();
    for (int r = -1; r < runs; r++) { // round -1 warms the file cache and is not counted
      for (Config c : configs) {
        long t0 = System.nanoTime();
        String line = run(c, c.flags(), event);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (r >= 0) {
          wall.computeIfAbsent(c.name(), k -> new long[runs])[r] = ms;
          answer.computeIfAbsent(c.name(), k -> new long[runs])[r] = Long.parseLong(line.replaceAll(".*answer=", ""));
        }
      }
    }
    System.out.printf("cold start, %d rounds, medians (JDK %s, %d cores; spring flags %s)%n", runs,
        Runtime.version().feature(), Runtime.getRuntime().availableProcessors(), SPRING_FLAGS);
    System.out.printf("%-20s %16s %22s%n", "configuration", "launch to exit", "JVM start to answer");
    for (Config c : configs) {
      System.out.printf("%-20s %13d ms %19d ms%n", c.name(), median(wall.get(c.name())), median(answer.get(c.name())));
    }
    for (String suffix : new String[] {"", " + CDS", " jdk25 + AOT"}) {
      if (wall.containsKey("spring" + suffix)) {
        // the median of the rounds' ratios: each round's two runs saw the same machine
        long[] plain = wall.get("plain" + suffix);
        long[] spring = wall.get("spring" + suffix);
        double[] ratios = new double[runs];
        for (int r = 0; r < runs; r++) {
          ratios[r] = (double) spring[r] / plain[r];
        }
        Arrays.sort(ratios);
        System.out.printf("spring / plain%-12s %.2fx (median of rounds; medians %.2fx)%n", suffix + ":",
            ratios[runs / 2], (double) median(spring) / median(plain));
      }
    }
  }

  private static List<String> concat(List<String> list, String... more) {
    List<String> out = new ArrayList<>(list);
    out.addAll(List.of(more));
    return out;
  }

  static String run(Config c, List<String> flags, Path event) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(c.java().toString());
    cmd.addAll(flags);
    cmd.addAll(List.of("-cp", c.classPath(), ColdStartProbe.class.getName(), c.handler(), event.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(c.env());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0 || !out.contains("PROBE \"statusCode\":200")) {
      throw new IllegalStateException(c.name() + " did not answer 200:\n" + out);
    }
    return Arrays.stream(out.split("\n")).filter(l -> l.startsWith("PROBE")).findFirst().orElseThrow();
  }

  /**
   * The Spring functions' class path as Lambda builds it from the package: the jars under {@code
   * lib/} of {@code target/modelfn-spring-lambda.zip} (unpacked under {@code target/bench/lambda}).
   */
  private static String springClassPath(Path module, Path bench) throws IOException {
    Path zip = module.resolve("target/modelfn-spring-lambda.zip");
    if (!Files.isRegularFile(zip)) {
      throw new IllegalStateException("no " + zip + ": package the module first (./mvnw -pl functions/spring package)");
    }
    Path lib = bench.resolve("lambda/lib");
    if (Files.isDirectory(lib)) {
      try (var old = Files.list(lib)) {
        for (Path f : old.toList()) {
          Files.delete(f);
        }
      }
    }
    Files.createDirectories(lib);
    try (var in = new java.util.zip.ZipInputStream(Files.newInputStream(zip))) {
      for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        if (!e.isDirectory() && e.getName().startsWith("lib/") && e.getName().endsWith(".jar")) {
          Files.copy(in, lib.resolve(e.getName().substring(4)));
        }
      }
    }
    try (var jars = Files.list(lib)) {
      return jars.sorted().map(Path::toString).collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }
  }

  /**
   * The plain handler's Lambda jar ({@code modelfn-aws-lambda-*-function.jar}): from the reactor's
   * {@code functions/aws-lambda/target}, else as installed in the local repository.
   */
  static Path functionJar(Path module) {
    String name = "modelfn-aws-lambda-0.1.0-SNAPSHOT-function.jar";
    Path built = module.resolve("../aws-lambda/target").resolve(name).normalize();
    Path installed = Path.of(System.getProperty("user.home"), ".m2/repository/dev/modelfn/modelfn-aws-lambda/0.1.0-SNAPSHOT",
        name);
    Path jar = Files.isRegularFile(built) ? built : installed;
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("no " + name + ": build functions/aws-lambda first (./mvnw -pl functions/aws-lambda package)");
    }
    return jar;
  }

  /** A jar of the files under {@code dir} whose path starts with {@code prefix}. */
  static Path jar(Path dir, String prefix, Path jar) throws IOException {
    try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar));
        var files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        String name = dir.relativize(f).toString().replace(java.io.File.separatorChar, '/');
        if (name.startsWith(prefix)) {
          out.putNextEntry(new java.util.jar.JarEntry(name));
          Files.copy(f, out);
          out.closeEntry();
        }
      }
    }
    return jar;
  }

  static long median(long[] v) {
    long[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  static Path moduleDir() {
    Path here = Path.of("").toAbsolutePath();
    return Files.isDirectory(here.resolve("functions/spring")) ? here.resolve("functions/spring") : here;
  }
}

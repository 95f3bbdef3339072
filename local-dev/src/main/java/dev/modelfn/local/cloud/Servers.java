package dev.modelfn.local.cloud;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** How each server of the local cloud is installed and launched. */
final class Servers {
  private Servers() {}

  /** The kinesis-mock build that LocalStack also runs, from npm. */
  static final String KINESIS_LOCAL = "kinesis-local@0.6.2";

  /** What to do when Node.js is missing: the Kinesis server (kinesis-mock) runs on it. */
  static final String WITHOUT_NODE = "install Node.js 20 with npm (https://nodejs.org/), or start without Kinesis:"
      + " local-dev/up --services s3,sqs";

  /** The executable {@code command} in a PATH list, or null. */
  static Path onPath(String command, String path) {
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        Path p = Path.of(dir, command);
        if (Files.isRegularFile(p) && Files.isExecutable(p)) {
          return p;
        }
      }
    }
    return null;
  }

  /**
   * Checks, before any server starts, that Kinesis can run.
   *
   * @throws ServerStartException saying what to do when {@code node} is not on the PATH
   */
  static void requireNode(String path) {
    if (onPath("node", path) == null) {
      throw new ServerStartException("the Kinesis server runs on Node.js, and there is no 'node' on the PATH: "
          + WITHOUT_NODE);
    }
  }

  /** A free port on 127.0.0.1, for a server no user talks to directly (they use the edge). */
  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new ServerStartException("no free port on 127.0.0.1: " + e.getMessage());
    }
  }

  static List<String> jvm(Path java, Path classPathDir, Path extraClasses, String mainClass) {
    List<String> cmd = new ArrayList<>(List.of(java.toString(),
        // servers for one developer: a serial collector and small stacks; the quick compiler only
        // (C1): they start in about two thirds of the time with about half the CPU, and leave the
        // cores to the functions while they warm up, for some 10 % more CPU per byte once warm
        // (S3Mock, 55 MB put and get: 5.9 against 10.6 CPU seconds to start, 400 against 357 ms)
        "-XX:+UseSerialGC", "-Xss512k", "-Xshare:auto", "-XX:TieredStopAtLevel=1"));
    cmd.add("-cp");
    cmd.add((extraClasses != null ? extraClasses + File.pathSeparator : "") + classPathDir.resolve("*"));
    cmd.add(mainClass);
    return cmd;
  }

  static ServerProcess.Spec s3(Path home, Path java, int port, Path root, Path staging, boolean persist, Path logs) {
    Path lib = requireDir(home.resolve("local-dev/emulators/s3/target/lib"));
    List<String> cmd = jvm(java, lib, null, "com.adobe.testing.s3mock.S3MockApplication");
    cmd.add(1, "-Djava.io.tmpdir=" + staging); // its temporary files: each upload's body before it is stored
    cmd.addAll(List.of("--http.port=" + port, "--server.port=0", "--server.address=127.0.0.1",
        "--com.adobe.testing.s3mock.store.root=" + root,
        "--com.adobe.testing.s3mock.store.retain-files-on-exit=" + persist,
        "--com.adobe.testing.s3mock.store.region=" + dev.modelfn.local.lambda.LocalAccount.REGION,
        "--spring.main.banner-mode=off", "--logging.level.root=WARN", "--spring.jmx.enabled=false",
        // S3Mock streams GetObject as an async response: without this, Spring ends any download
        // that takes longer than 30 s (a large object read at the reader's pace)
        "--spring.mvc.async.request-timeout=-1"));
    return new ServerProcess.Spec("s3", cmd, Map.of(), home, logs.resolve("s3.log"), port, Duration.ofSeconds(90));
  }

  static ServerProcess.Spec sqs(Path home, Path java, int port, String publicUrl, Path logs) {
    Path module = home.resolve("local-dev/emulators/sqs/target");
    Path lib = requireDir(module.resolve("lib"));
    List<String> cmd = jvm(java, lib, module.resolve("classes"), "dev.modelfn.local.sqs.SqsServerMain");
    cmd.addAll(List.of("127.0.0.1", Integer.toString(port), publicUrl, dev.modelfn.local.lambda.LocalAccount.ID,
        dev.modelfn.local.lambda.LocalAccount.REGION));
    return new ServerProcess.Spec("sqs", cmd, Map.of(), home, logs.resolve("sqs.log"), port, Duration.ofSeconds(60));
  }

  static ServerProcess.Spec kinesis(Path home, Path packageDir, int port, Path dataDir, Path logs) {
    List<String> cmd = List.of(node(), packageDir.resolve("main.js").toString());
    Map<String, String> env = new java.util.HashMap<>(Map.of(
        "KINESIS_MOCK_CERT_PATH", packageDir.resolve("server.json").toString(),
        "KINESIS_MOCK_PLAIN_PORT", Integer.toString(port),
        "KINESIS_MOCK_TLS_PORT", Integer.toString(freePort()),
        "AWS_ACCOUNT_ID", dev.modelfn.local.lambda.LocalAccount.ID,
        "AWS_REGION", dev.modelfn.local.lambda.LocalAccount.REGION,
        "LOG_LEVEL", "WARN",
        "CREATE_STREAM_DURATION", "0ms",
        "DELETE_STREAM_DURATION", "0ms"));
    if (dataDir != null) {
      env.put("SHOULD_PERSIST_DATA", "true");
      env.put("PERSIST_PATH", dataDir.toString());
      env.put("PERSIST_INTERVAL", "1s");
    }
    return new ServerProcess.Spec("kinesis", cmd, env, home, logs.resolve("kinesis.log"), port, Duration.ofSeconds(60));
  }

  /**
   * The kinesis-local package, installed with npm into {@code cacheDir/npm} on first use.
   *
   * @throws ServerStartException when npm is missing or the install fails
   */
  static Path installKinesisLocal(Path cacheDir, java.util.function.Consumer<String> log) {
    Path prefix = cacheDir.resolve("npm");
    Path pkg = prefix.resolve("node_modules/kinesis-local");
    String version = KINESIS_LOCAL.substring(KINESIS_LOCAL.indexOf('@') + 1);
    try {
      if (Files.isRegularFile(pkg.resolve("main.js"))
          && Files.readString(pkg.resolve("package.json")).replaceAll("\\s", "").contains("\"version\":\""
              + version + "\"")) {
        return pkg;
      }
      Files.createDirectories(prefix);
    } catch (IOException e) {
      throw new ServerStartException("cannot read or create " + prefix + ": " + e.getMessage());
    }
    if (onPath("npm", System.getenv("PATH")) == null) {
      throw new ServerStartException("the Kinesis server (" + KINESIS_LOCAL + ") is installed with npm, and there is"
          + " no 'npm' on the PATH: " + WITHOUT_NODE);
    }
    log.accept("installing " + KINESIS_LOCAL + " (the Kinesis server) with npm into " + prefix);
    List<String> cmd = List.of("npm", "install", "--prefix", prefix.toString(), "--no-audit", "--no-fund",
        "--loglevel=error", KINESIS_LOCAL);
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (p.waitFor() != 0 || !Files.isRegularFile(pkg.resolve("main.js"))) {
        throw new ServerStartException("'" + String.join(" ", cmd) + "' failed:\n" + output.strip());
      }
    } catch (IOException e) {
      throw new ServerStartException("the Kinesis server is installed with npm, which did not run (" + e.getMessage()
          + "): " + WITHOUT_NODE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServerStartException("interrupted while installing " + KINESIS_LOCAL);
    }
    return pkg;
  }

  private static String node() {
    return "node";
  }

  private static Path requireDir(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new ServerStartException(dir + " is missing: build the local cloud first (./mvnw -pl local-dev -am package"
          + " -DskipTests, which local-dev/up runs for you)");
    }
    return dir;
  }
}

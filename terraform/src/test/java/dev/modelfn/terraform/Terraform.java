package dev.modelfn.terraform;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The {@code terraform} CLI as the tests run it: offline, against the provider mirror ({@code
 * /opt/tf-plugins}, or {@code MODELFN_TF_PLUGIN_DIR}), no CLI configuration, one init per directory,
 * in a copy of the sources under {@code target/terraform/run-PID}, so that the source tree stays clean
 * and two builds of one checkout do not meet.
 */
final class Terraform {
  /** The Terraform project: {@code <repo>/terraform}. */
  static final Path ROOT = Path.of(System.getProperty("modelfn.terraform.dir", "")).toAbsolutePath().normalize();
  /** One folder per test JVM, so that two builds of one checkout do not share data dirs and outputs. */
  private static final Path WORK = Path.of(System.getProperty("modelfn.terraform.work",
      ROOT.resolve("target/terraform").toString())).resolve("run-" + ProcessHandle.current().pid());
  private static final Path PLUGIN_DIR = Path.of(Optional.ofNullable(System.getenv("MODELFN_TF_PLUGIN_DIR"))
      .orElse("/opt/tf-plugins"));
  private static final Set<Path> INITIALISED = new HashSet<>();

  private Terraform() {}

  /** The result of one command. */
  record Result(int exitCode, String stdout, String stderr) {
    String output() {
      return stdout + (stderr.isBlank() ? "" : "\n" + stderr);
    }
  }

  /** The terraform executable on PATH, if any. */
  static Optional<Path> executable() {
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
    for (String dir : path.split(File.pathSeparator)) {
      Path p = Path.of(dir, "terraform");
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /**
   * Skips the calling test unless terraform and the provider mirror are there; the reason reaches
   * the console through the project's SkipReasonsListener (shared's test-jar).
   */
  static synchronized void assumeAvailable() {
    String reason = null;
    if (executable().isEmpty()) {
      reason = "terraform is not on PATH (fmt, validate, terraform test and the CDK parity need it)";
    } else if (!Files.isDirectory(PLUGIN_DIR.resolve("registry.terraform.io/hashicorp/aws"))) {
      reason = "no hashicorp/aws provider mirror at " + PLUGIN_DIR + " (set MODELFN_TF_PLUGIN_DIR): the tests"
          + " are skipped, since the registry is not reachable offline";
    }
    Assumptions.assumeTrue(reason == null, reason);
  }

  /** Every module and example directory (those with .tf files), relative to {@link #ROOT}. */
  static List<Path> configurations() {
    List<Path> out = new ArrayList<>();
    for (String group : List.of("modules", "examples")) {
      try (Stream<Path> dirs = Files.list(ROOT.resolve(group))) {
        dirs.filter(Files::isDirectory).filter(Terraform::hasTf).sorted().map(ROOT::relativize).forEach(out::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  static boolean hasTf(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.anyMatch(f -> f.toString().endsWith(".tf"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code terraform init} once per directory and test run. */
  static synchronized void init(Path dir) {
    if (INITIALISED.contains(dir)) {
      return;
    }
    Result r = run(dir, 120, "init", "-backend=false", "-input=false", "-no-color", "-plugin-dir=" + PLUGIN_DIR);
    if (r.exitCode() != 0) {
      throw new AssertionError("terraform init failed in " + dir + ":\n" + r.output());
    }
    INITIALISED.add(dir);
  }

  /** Runs {@code terraform args} in {@code dir} (relative to {@link #ROOT}). */
  static Result run(Path dir, int timeoutSeconds, String... args) {
    return run(dir, timeoutSeconds, null, args);
  }

  /**
   * Runs {@code terraform args} in {@code dir}; with {@code stdoutFile}, stdout goes there (outputs of
   * many MB) and the result's stdout is empty.
   */
  static Result run(Path dir, int timeoutSeconds, Path stdoutFile, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(executable().orElseThrow().toString());
    cmd.addAll(List.of(args));
    // fmt reads the sources; everything else runs in this JVM's copy of them (init writes lock files).
    boolean fmt = args.length > 0 && args[0].equals("fmt");
    Path cwd = fmt ? ROOT.resolve(dir) : copy().resolve(dir);
    try {
      Files.createDirectories(WORK);
      Path out = stdoutFile != null ? stdoutFile : Files.createTempFile(WORK, "stdout", ".txt");
      Path err = Files.createTempFile(WORK, "stderr", ".txt");
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile());
      Map<String, String> env = pb.environment();
      env.put("TF_CLI_CONFIG_FILE", "/dev/null"); // no registry, no credentials helpers: the mirror only
      env.put("TF_IN_AUTOMATION", "1");
      env.put("CHECKPOINT_DISABLE", "1");
      for (String k : List.of("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")) {
        env.remove(k); // the tests never reach AWS; mocked providers need no credentials
      }
      Process p = pb.start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("terraform " + String.join(" ", args) + " in " + dir + " took over "
            + timeoutSeconds + " s");
      }
      Result r = new Result(p.exitValue(), stdoutFile != null ? "" : Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
      if (stdoutFile == null) {
        Files.delete(out);
      }
      Files.delete(err);
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Path copy;

  /**
   * This JVM's copy of the Terraform sources ({@code modules}, {@code examples}, {@code tests}), made
   * once: {@code terraform init} writes {@code .terraform/} and a lock file beside the configuration,
   * and two builds of one checkout (or a build and someone's shell) must not write the same ones.
   */
  private static synchronized Path copy() {
    if (copy == null) {
      Path target = WORK.resolve("src");
      try {
        for (String top : List.of("modules", "examples", "tests")) {
          Path from = ROOT.resolve(top);
          try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
              Path rel = ROOT.relativize(f);
              String name = f.getFileName().toString();
              if (rel.toString().contains(".terraform") || name.equals(".terraform.lock.hcl")) {
                continue;
              }
              Path to = target.resolve(rel.toString());
              if (Files.isDirectory(f)) {
                Files.createDirectories(to);
              } else {
                Files.copy(f, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
              }
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      copy = target;
    }
    return copy;
  }

  static Path workDir() {
    return WORK;
  }
}

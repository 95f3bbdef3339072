package dev.modelfn.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code cdk synth} with the npm CDK CLI (the version {@code cdk/package.json} pins, installed by
 * {@code npm ci} in {@code cdk/}) for each release strategy, then {@code cfn-lint} over every
 * synthesized template: no errors allowed (warnings are printed). Skips, saying why, where the CLI
 * or cfn-lint is not installed.
 */
class CdkSynthIT {
  private static final Path CLI = Path.of("node_modules/.bin/cdk");

  @ParameterizedTest(name = "release={0}")
  @ValueSource(strings = {"canary", "shadow", "bluegreen"})
  void synthesizesTheAppWithTheCliAndEveryTemplatePassesCfnLint(String release) throws Exception {
    assumeTrue(Files.isExecutable(CLI), "the CDK CLI is not installed: run `npm ci` in cdk/ (.ci/run does)");
    String classpath = System.getProperty("modelfn.cdk.classpath");
    assertThat(classpath).as("the app's class path from the build").isNotBlank();
    Path out = Path.of("target/cdk.out-" + release);
    String app = "java -cp " + classpath + " " + ModelfnApp.class.getName();
    long t0 = System.nanoTime();
    Result synth = run(List.of(CLI.toString(), "synth", "--quiet", "--app", app, "--output", out.toString(),
        "-c", "release=" + release), 300);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(synth.exit).as("cdk synth:\n" + synth.output).isZero();
    System.out.printf("cdk synth (release=%s): %.1f s%n", release, ms / 1000.0);

    List<Path> templates;
    try (Stream<Path> s = Files.list(out)) {
      templates = s.filter(p -> p.toString().endsWith(".template.json")).toList();
    }
    assertThat(templates).isNotEmpty();
    assertThat(Files.readString(templates.get(0))).contains(ModelEndpoint.HANDLER);

    assumeTrue(onPath("cfn-lint"), "cfn-lint is not on the PATH: templates synthesized but not linted");
    List<String> cmd = new ArrayList<>(List.of("cfn-lint"));
    templates.forEach(p -> cmd.add(p.toString()));
    Result lint = run(cmd, 300);
    System.out.println(lint.output);
    // cfn-lint's exit code is a bit set: 2 errors, 4 warnings, 8 informational; 1 a failure to run.
    assertThat(lint.exit & 3).as("cfn-lint errors:\n" + lint.output).isZero();
  }

  private record Result(int exit, String output) {}

  private static Result run(List<String> cmd, int timeoutSeconds) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20");
    pb.environment().put("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1");
    pb.environment().put("CDK_DISABLE_VERSION_CHECK", "1");
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(cmd.get(0) + " did not finish in " + timeoutSeconds + " s");
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }
}

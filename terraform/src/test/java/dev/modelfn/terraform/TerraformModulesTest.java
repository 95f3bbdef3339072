package dev.modelfn.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelfn.config.EnvVars;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every module and example: canonically formatted, valid against the provider's full schema, and
 * passing its own {@code terraform test} files (mocked provider, no account); every variable
 * typed and described, every variable and output in the module's README tables; the variables a
 * function may be given are exactly {@link EnvVars#ALL}.
 */
class TerraformModulesTest {
  /** The modules users call (the others are building blocks of these). */
  static final List<String> PUBLIC_MODULES = List.of("model-endpoint", "canary-release", "shadow-traffic",
      "blue-green", "batch-scoring", "stream-inference", "async-inference", "data-bucket", "model-dashboard", "edge-cdn");

  @Test
  void formatsEveryFileCanonically() {
    Terraform.assumeAvailable();
    Terraform.Result r = Terraform.run(Path.of(""), 60, "fmt", "-check", "-recursive", "-diff", "-no-color");
    assertThat(r.exitCode()).as("terraform fmt -check -recursive (run terraform fmt -recursive in terraform/):\n%s",
        r.output()).isZero();
  }

  @TestFactory
  Stream<DynamicTest> validatesEveryModuleAndExample() {
    Terraform.assumeAvailable();
    return Terraform.configurations().stream().map(dir -> DynamicTest.dynamicTest(dir.toString(), () -> {
      Terraform.init(dir);
      Terraform.Result r = Terraform.run(dir, 120, "validate", "-no-color");
      assertThat(r.exitCode()).as("terraform validate in %s:\n%s", dir, r.output()).isZero();
    }));
  }

  @TestFactory
  Stream<DynamicTest> passesEachModulesOwnTests() {
    Terraform.assumeAvailable();
    // examples/complete's and edge-cdn's runs are applied once, for the parity tests that read their states.
    return Terraform.configurations().stream()
        .filter(d -> !d.equals(CompleteExample.DIR) && !d.equals(EdgeCdnParityTest.DIR))
        .filter(d -> Files.isDirectory(Terraform.ROOT.resolve(d).resolve("tests")))
        .map(dir -> DynamicTest.dynamicTest(dir.toString(), () -> {
          Terraform.init(dir);
          long start = System.nanoTime();
          Terraform.Result r = Terraform.run(dir, 300, "test", "-no-color");
          System.out.printf("[modelfn-terraform] terraform test in %s: %d ms%n", dir,
              (System.nanoTime() - start) / 1_000_000);
          assertThat(r.exitCode()).as("terraform test in %s:\n%s", dir, r.output()).isZero();
        }));
  }

  @Test
  void everyPublicModuleHasItsFilesAndTests() {
    for (String m : PUBLIC_MODULES) {
      Path dir = Terraform.ROOT.resolve("modules").resolve(m);
      for (String f : List.of("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md")) {
        assertThat(dir.resolve(f)).as("modules/%s/%s", m, f).isRegularFile();
      }
      try (Stream<Path> tests = Files.list(dir.resolve("tests"))) {
        assertThat(tests.filter(p -> p.toString().endsWith(".tftest.hcl"))).as("modules/%s/tests/*.tftest.hcl", m)
            .isNotEmpty();
      } catch (IOException e) {
        throw new AssertionError("modules/" + m + "/tests is missing", e);
      }
    }
  }

  @Test
  void typesDescribesAndDocumentsEveryVariableAndOutput() throws IOException {
    List<String> problems = new ArrayList<>();
    for (String m : PUBLIC_MODULES) {
      Path dir = Terraform.ROOT.resolve("modules").resolve(m);
      String readme = Files.readString(dir.resolve("README.md"));
      for (Block b : blocks(Files.readString(dir.resolve("variables.tf")), "variable")) {
        if (!b.body().contains("description =")) {
          problems.add(m + ": variable " + b.name() + " has no description");
        }
        if (!Pattern.compile("(?m)^\\s*type\\s+=").matcher(b.body()).find()) {
          problems.add(m + ": variable " + b.name() + " has no type");
        }
        if (!readme.contains("| `" + b.name() + "` |")) {
          problems.add(m + ": variable " + b.name() + " is not in README.md's inputs table");
        }
      }
      for (Block b : blocks(Files.readString(dir.resolve("outputs.tf")), "output")) {
        if (!b.body().contains("description =")) {
          problems.add(m + ": output " + b.name() + " has no description");
        }
        if (!readme.contains("| `" + b.name() + "` |")) {
          problems.add(m + ": output " + b.name() + " is not in README.md's outputs table");
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void allowsExactlyTheVariablesModelfnReads() throws IOException {
    String main = Files.readString(Terraform.ROOT.resolve("modules/lambda-function/main.tf"));
    Matcher list = Pattern.compile("(?s)allowed_environment = \\[(.*?)\\]").matcher(main);
    assertThat(list.find()).as("allowed_environment in modules/lambda-function/main.tf").isTrue();
    Set<String> names = new LinkedHashSet<>();
    Matcher name = Pattern.compile("\"([A-Z_]+)\"").matcher(list.group(1));
    while (name.find()) {
      names.add(name.group(1));
    }
    Set<String> expected = new LinkedHashSet<>(EnvVars.ALL);
    expected.add("JAVA_TOOL_OPTIONS");
    assertThat(names).containsExactlyInAnyOrderElementsOf(expected);
  }

  record Block(String name, String body) {}

  /** Top-level {@code kind "name" { ... }} blocks of a file (closing brace at the start of a line). */
  static List<Block> blocks(String hcl, String kind) {
    List<Block> out = new ArrayList<>();
    Matcher m = Pattern.compile("(?ms)^" + kind + " \"([^\"]+)\" \\{\\n(.*?)^\\}").matcher(hcl);
    while (m.find()) {
      out.add(new Block(m.group(1), m.group(2)));
    }
    return out;
  }
}

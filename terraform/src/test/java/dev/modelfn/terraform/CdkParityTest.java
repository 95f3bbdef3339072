package dev.modelfn.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Terraform modules deploy what the CDK constructs deploy: for each release strategy, the
 * complete example (applied against a mocked provider) and the CDK app's stack (synthesized
 * in-process) have the same functions, with the same handlers, runtime, memory, timeout,
 * SnapStart, environment variable names (and values, where the CDK's are literals), IAM actions,
 * aliases and event source settings. A difference fails the test, naming the function.
 */
class CdkParityTest {
  private static final Path PACKAGE = Terraform.ROOT.resolve("tests/fixtures/modelfn-aws-lambda.zip");

  @BeforeEach
  void terraformIsThere() {
    Terraform.assumeAvailable();
  }

  @ParameterizedTest(name = "release={0}")
  @ValueSource(strings = {"canary", "shadow", "bluegreen", "none"})
  void terraformDeploysTheCdksFunctions(String release) {
    List<CompleteExample.Resource> state = CompleteExample.states().get(release);
    assertThat(state).as("state of run \"%s\" in examples/complete/tests/parity.tftest.hcl", release).isNotNull();
    Map<String, FunctionShape> tf = CompleteExample.functions(state, "modelfn-");

    long start = System.nanoTime();
    Map<String, FunctionShape> cdk = CdkTemplates.functions(CdkTemplates.synth(release, PACKAGE));
    System.out.printf("[modelfn-terraform] CDK synth of release=%s in %d ms%n", release,
        (System.nanoTime() - start) / 1_000_000);

    assertThat(cdk.keySet()).as("the CDK's functions").contains("predict", "batch", "stream", "async-worker");
    List<String> drift = FunctionShape.compare(cdk, tf);
    assertThat(drift).as("drift between the CDK stack and the Terraform example for release=%s", release).isEmpty();
  }
}

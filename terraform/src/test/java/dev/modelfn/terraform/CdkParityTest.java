package dev.modelfn.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
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
  private static final Map<String, JsonNode> TEMPLATES = new HashMap<>();

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

    Map<String, FunctionShape> cdk = CdkTemplates.functions(template(release));

    assertThat(cdk.keySet()).as("the CDK's functions").contains("predict", "batch", "stream", "async-worker");
    List<String> drift = FunctionShape.compare(cdk, tf);
    assertThat(drift).as("drift between the CDK stack and the Terraform example for release=%s", release).isEmpty();
  }

  @ParameterizedTest(name = "release={0}")
  @ValueSource(strings = {"canary", "shadow", "bluegreen", "none"})
  void terraformRaisesTheCdksAlarms(String release) {
    List<String> cdk = CdkTemplates.alarms(template(release));
    List<String> tf = CompleteExample.alarms(CompleteExample.states().get(release));
    assertThat(tf).as("alarms (metric, statistic, comparison, threshold, periods) for release=%s; the CDK's: %s",
        release, cdk).containsExactlyInAnyOrderElementsOf(cdk);
  }

  @ParameterizedTest(name = "release={0}")
  @ValueSource(strings = {"canary", "none"})
  void terraformMakesTheCdksQueuesStreamsAndBuckets(String release) {
    JsonNode t = template(release);
    List<CompleteExample.Resource> state = CompleteExample.states().get(release);
    assertThat(CompleteExample.queues(state)).as("queues (retention, visibility, max receives, encryption); the CDK's: %s",
        CdkTemplates.queues(t)).containsExactlyInAnyOrderElementsOf(CdkTemplates.queues(t));
    assertThat(state.stream().filter(r -> r.type().equals("aws_kinesis_stream")).count()).as("Kinesis streams")
        .isEqualTo(CdkTemplates.count(t, "AWS::Kinesis::Stream"));
    assertThat(state.stream().filter(r -> r.type().equals("aws_s3_bucket")).count()).as("buckets")
        .isEqualTo(CdkTemplates.count(t, "AWS::S3::Bucket"));
    assertThat(state.stream().filter(r -> r.type().equals("aws_secretsmanager_secret")).count()).as("secrets")
        .isEqualTo(CdkTemplates.count(t, "AWS::SecretsManager::Secret"));
    assertThat(state.stream().filter(r -> r.type().equals("aws_cloudwatch_dashboard")).count()).as("dashboards")
        .isEqualTo(CdkTemplates.count(t, "AWS::CloudWatch::Dashboard"));
  }

  /** The CDK template of a release, synthesized once per run. */
  private static synchronized JsonNode template(String release) {
    return TEMPLATES.computeIfAbsent(release, r -> {
      long start = System.nanoTime();
      JsonNode t = CdkTemplates.synth(r, PACKAGE);
      System.out.printf("[modelfn-terraform] CDK synth of release=%s in %d ms%n", r, (System.nanoTime() - start) / 1_000_000);
      return t;
    });
  }
}

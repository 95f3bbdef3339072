package dev.modelfn.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class ModelfnStackTest {
  private static ModelfnStack stack(Map<String, Object> context) {
    App app = TestApps.app(context);
    return new ModelfnStack(app, "Modelfn", StackProps.builder().env(TestApps.ENV).build(),
        StackSettings.fromContext(app));
  }

  @ParameterizedTest(name = "release={0}")
  @ValueSource(strings = {"canary", "shadow", "bluegreen", "none"})
  void leavesNoUnsuppressedNagErrors(String release) {
    assertThat(TestApps.nagErrors(stack(Map.of("release", release)))).isEmpty();
  }

  @Test
  void grantsNamedActionsOnly() {
    Template t = Template.fromStack(stack(Map.of()));
    List<String> wildcards = new ArrayList<>();
    t.findResources("AWS::IAM::Policy", Map.of()).forEach((id, r) -> {
      Map<?, ?> doc = (Map<?, ?>) ((Map<?, ?>) r.get("Properties")).get("PolicyDocument");
      for (Object st : (List<?>) doc.get("Statement")) {
        Object actions = ((Map<?, ?>) st).get("Action");
        for (Object a : actions instanceof List<?> l ? l : List.of(actions)) {
          if (a.toString().contains("*")) {
            wildcards.add(id + ": " + a);
          }
        }
      }
    });
    assertThat(wildcards).isEmpty();
  }

  @Test
  void encryptsBucketsQueuesAndStreamsAndRefusesPlainHttp() {
    Template t = Template.fromStack(stack(Map.of()));
    int buckets = t.findResources("AWS::S3::Bucket", Map.of()).size();
    assertThat(buckets).isEqualTo(2);
    assertThat(t.findResources("AWS::S3::Bucket", Map.of("Properties", Match.objectLike(Map.of(
        "BucketEncryption", Match.anyValue(),
        "PublicAccessBlockConfiguration", Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true,
            "IgnorePublicAcls", true, "RestrictPublicBuckets", true)))))).hasSize(buckets);
    Object denyPlainHttp = Match.objectLike(Map.of("Effect", "Deny",
        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false"))));
    Object tlsOnly = Match.objectLike(Map.of("PolicyDocument",
        Match.objectLike(Map.of("Statement", Match.arrayWith(List.of(denyPlainHttp))))));
    assertThat(t.findResources("AWS::S3::BucketPolicy", Map.of("Properties", tlsOnly))).hasSize(buckets);
    int queues = t.findResources("AWS::SQS::Queue", Map.of()).size();
    assertThat(t.findResources("AWS::SQS::Queue", Map.of("Properties", Match.objectLike(Map.of(
        "SqsManagedSseEnabled", true))))).hasSize(queues);
    assertThat(t.findResources("AWS::SQS::QueuePolicy", Map.of()).size()).isEqualTo(queues);
    assertThat(t.findResources("AWS::Kinesis::Stream", Map.of("Properties", Match.objectLike(Map.of(
        "StreamEncryption", Map.of("EncryptionType", "KMS", "KeyId", "alias/aws/kinesis")))))).hasSize(1);
  }

  @Test
  void keepsLogsForAMonthAndDrawsADashboard() {
    Template t = Template.fromStack(stack(Map.of()));
    int groups = t.findResources("AWS::Logs::LogGroup", Map.of()).size();
    assertThat(t.findResources("AWS::Logs::LogGroup", Map.of("Properties", Match.objectLike(Map.of(
        "RetentionInDays", 30))))).hasSize(groups);
    t.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
  }

  @Test
  void runsAsyncJobsOnASageMakerEndpointWhenNamed() {
    ModelfnStack stack = stack(Map.of("sageMakerAsyncEndpoint", "fraud-async"));
    assertThat(TestApps.nagErrors(stack)).isEmpty();
    Template.fromStack(stack).hasResourceProperties("AWS::Lambda::Function", Map.of("Handler", AsyncInference.HANDLER,
        "Environment", Map.of("Variables", Match.objectLike(Map.of("MODELFN_SAGEMAKER_ASYNC_ENDPOINT", "fraud-async")))));
  }

  @Test
  void buildsOnlyTheModesAskedFor() {
    Template t = Template.fromStack(stack(Map.of("modes", "stream", "release", "none")));
    t.resourceCountIs("AWS::S3::Bucket", 0);
    t.resourceCountIs("AWS::Kinesis::Stream", 1);
    t.resourceCountIs("AWS::SecretsManager::Secret", 0);
    t.resourceCountIs("AWS::CodeDeploy::DeploymentGroup", 0);
  }

  @Test
  void namesTheContextValueThatIsWrong() {
    assertThatThrownBy(() -> stack(Map.of("release", "rolling"))).hasMessageContaining("release")
        .hasMessageContaining("rolling");
    assertThatThrownBy(() -> stack(Map.of("modes", "batch,edge"))).hasMessageContaining("modes");
    assertThatThrownBy(() -> stack(Map.of("architecture", "riscv"))).hasMessageContaining("arm64 or x86_64");
    assertThatThrownBy(() -> stack(Map.of("auth", "jwt"))).hasMessageContaining("jwt issuer");
  }
}

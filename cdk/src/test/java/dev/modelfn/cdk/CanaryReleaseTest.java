package dev.modelfn.cdk;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class CanaryReleaseTest {
  private static Template canary(CanaryRelease.Props props) {
    Stack stack = TestApps.stack();
    new ModelEndpoint(stack, "Endpoint", TestApps.modelPackage(stack), ModelEndpoint.Props.defaults()
        .release(CanaryRelease.release(props)));
    return Template.fromStack(stack);
  }

  @Test
  void shiftsLiveWithCodeDeployAndRollsBackOnAlarmsOrFailure() {
    Template t = canary(CanaryRelease.Props.defaults().preset("linear-10-1"));
    t.hasResourceProperties("AWS::CodeDeploy::DeploymentGroup", Map.of(
        "DeploymentConfigName", "CodeDeployDefault.LambdaLinear10PercentEvery1Minute",
        "DeploymentStyle", Map.of("DeploymentOption", "WITH_TRAFFIC_CONTROL", "DeploymentType", "BLUE_GREEN"),
        "AutoRollbackConfiguration", Map.of("Enabled", true, "Events", Match.arrayWith(List.of(
            "DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_REQUEST", "DEPLOYMENT_STOP_ON_ALARM"))),
        "AlarmConfiguration", Map.of("Enabled", true, "Alarms", Match.anyValue())));
    t.resourceCountIs("AWS::CloudWatch::Alarm", 3);
    // CodeDeploy owns the alias' updates, with the golden-request replay before any traffic moves.
    t.hasResource("AWS::Lambda::Alias", Map.of("UpdatePolicy", Map.of("CodeDeployLambdaAliasUpdate",
        Map.of("ApplicationName", Match.anyValue(), "DeploymentGroupName", Match.anyValue(),
            "BeforeAllowTrafficHook", Match.anyValue()))));
  }

  @Test
  void alarmsOnServerErrorsP99LatencyAndModelQuality() {
    Template t = canary(CanaryRelease.Props.defaults().maxP99LatencyMs(250).minConfidence(0.7));
    t.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("MetricName", "Errors", "Namespace", "modelfn",
        "Statistic", "Sum", "Threshold", 0, "ComparisonOperator", "GreaterThanThreshold",
        "Dimensions", List.of(Map.of("Name", "Model", "Value", "fraud"))));
    t.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("MetricName", "Latency", "ExtendedStatistic", "p99",
        "Threshold", 250));
    t.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("MetricName", "Confidence", "Statistic", "Average",
        "Threshold", 0.7, "ComparisonOperator", "LessThanThreshold"));
  }

  @Test
  void preTrafficHookReplaysGoldenRequestsAgainstTheNewVersion() {
    Template t = canary(CanaryRelease.Props.defaults());
    t.hasResourceProperties("AWS::Lambda::Function", Map.of("Handler", GoldenReplay.HANDLER,
        "Environment", Map.of("Variables", Match.objectLike(Map.of("MODELFN_GOLDEN_TARGET",
            Map.of("Ref", Match.stringLikeRegexp("EndpointFunctionCurrentVersion.*")))))));
    t.hasResourceProperties("AWS::IAM::Policy", Map.of("PolicyDocument", Match.objectLike(Map.of("Statement",
        Match.arrayWith(List.of(Match.objectLike(Map.of("Action", "codedeploy:PutLifecycleEventHookExecutionStatus",
            "Effect", "Allow")))))), "Roles", List.of(Map.of("Ref", Match.stringLikeRegexp(
                "EndpointCanaryPreTrafficHookRole.*")))));
    t.hasResourceProperties("AWS::IAM::Policy", Map.of("PolicyDocument", Match.objectLike(Map.of("Statement",
        Match.arrayWith(List.of(Match.objectLike(Map.of("Action", "lambda:InvokeFunction", "Resource",
            Map.of("Ref", Match.stringLikeRegexp("EndpointFunctionCurrentVersion.*")))))))),
        "Roles", List.of(Map.of("Ref", Match.stringLikeRegexp("EndpointCanaryPreTrafficHookRole.*")))));
  }

  @Test
  void namesThePresetsWhenAnUnknownOneIsAsked() {
    assertThatThrownBy(() -> CanaryRelease.Props.defaults().preset("canary-50-5"))
        .hasMessageContaining("canary preset").hasMessageContaining("canary-10-5").hasMessageContaining("canary-50-5");
    assertThatThrownBy(() -> CanaryRelease.Props.defaults().minConfidence(1.5)).hasMessageContaining("minConfidence");
  }
}

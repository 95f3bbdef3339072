package dev.modelfn.cdk;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class ShadowTrafficTest {
  private static Template shadow() {
    Stack stack = TestApps.stack();
    new ModelEndpoint(stack, "Endpoint", TestApps.modelPackage(stack), ModelEndpoint.Props.defaults()
        .release(ShadowTraffic.release(ShadowTraffic.Props.defaults().candidate(
            ModelArtifact.bundled("models/fraud/fraud.onnx"), "2").samplePercent(25).minAgreement(0.9))));
    return Template.fromStack(stack);
  }

  @Test
  void buildsTheShadowFunctionAndAliasWithoutRetries() {
    Template t = shadow();
    t.hasResourceProperties("AWS::Lambda::Function", Map.of("Handler", ShadowTraffic.HANDLER,
        "SnapStart", Map.of("ApplyOn", "PublishedVersions"),
        "Environment", Map.of("Variables", Match.objectLike(Map.of("MODELFN_MODEL_VERSION", "2")))));
    t.hasResourceProperties("AWS::Lambda::Alias", Map.of("Name", "shadow"));
    t.hasResourceProperties("AWS::Lambda::EventInvokeConfig", Map.of(
        "FunctionName", Map.of("Ref", Match.stringLikeRegexp("EndpointShadowFunction.*")),
        "MaximumRetryAttempts", 0, "MaximumEventAgeInSeconds", 300));
  }

  @Test
  void letsTheLiveFunctionInvokeOnlyTheShadowAlias() {
    Template t = shadow();
    t.hasResourceProperties("AWS::Lambda::Function", Map.of("Handler", ModelEndpoint.HANDLER,
        "Environment", Map.of("Variables", Match.objectLike(Map.of(
            "MODELFN_SHADOW_FUNCTION", Map.of("Ref", Match.stringLikeRegexp("EndpointShadowAlias.*")),
            "MODELFN_SHADOW_SAMPLE_PERCENT", "25.0")))));
    t.hasResourceProperties("AWS::IAM::Policy", Map.of("PolicyDocument", Match.objectLike(Map.of("Statement",
        Match.arrayWith(List.of(Match.objectLike(Map.of("Action", "lambda:InvokeFunction",
            "Resource", Map.of("Ref", Match.stringLikeRegexp("EndpointShadowAlias.*")))))))),
        "Roles", List.of(Map.of("Ref", Match.stringLikeRegexp("EndpointFunctionRole.*")))));
  }

  @Test
  void alarmsWhenAgreementDropsUnderTheThreshold() {
    shadow().hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("MetricName", "ShadowAgreement",
        "Namespace", "modelfn", "Statistic", "Average", "Threshold", 0.9, "ComparisonOperator", "LessThanThreshold"));
  }

  @Test
  void refusesSampleShareOutsideZeroToHundred() {
    assertThatThrownBy(() -> ShadowTraffic.Props.defaults().samplePercent(120)).hasMessageContaining("samplePercent");
  }
}

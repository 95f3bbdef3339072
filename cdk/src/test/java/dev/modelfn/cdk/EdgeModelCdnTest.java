package dev.modelfn.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class EdgeModelCdnTest {
  private static Template cdn() {
    Stack stack = TestApps.stack();
    new EdgeModelCdn(stack, "Edge", EdgeModelCdn.Props.defaults());
    return Template.fromStack(stack);
  }

  @Test
  void keepsTheBucketPrivateBehindOriginAccessControl() {
    Template t = cdn();
    t.hasResourceProperties("AWS::S3::Bucket", Map.of("PublicAccessBlockConfiguration", Map.of(
        "BlockPublicAcls", true, "BlockPublicPolicy", true, "IgnorePublicAcls", true, "RestrictPublicBuckets", true),
        "VersioningConfiguration", Map.of("Status", "Enabled")));
    t.hasResourceProperties("AWS::CloudFront::OriginAccessControl", Map.of("OriginAccessControlConfig",
        Match.objectLike(Map.of("OriginAccessControlOriginType", "s3", "SigningBehavior", "always"))));
    t.hasResourceProperties("AWS::S3::BucketPolicy", Map.of("PolicyDocument", Match.objectLike(Map.of("Statement",
        Match.arrayWith(List.of(Match.objectLike(Map.of("Action", "s3:GetObject", "Effect", "Allow",
            "Principal", Map.of("Service", "cloudfront.amazonaws.com")))))))));
  }

  @Test
  void cachesModelsForAYearAndPointersForSeconds() {
    Template t = cdn();
    t.hasResourceProperties("AWS::CloudFront::CachePolicy", Map.of("CachePolicyConfig", Match.objectLike(Map.of(
        "DefaultTTL", 31_536_000, "MinTTL", 86_400))));
    t.hasResourceProperties("AWS::CloudFront::CachePolicy", Map.of("CachePolicyConfig", Match.objectLike(Map.of(
        "DefaultTTL", 30, "MaxTTL", 30, "MinTTL", 0))));
    for (String prefix : List.of("channels/*", "models/*")) {
      String policy = prefix.startsWith("models") ? "EdgeModelsCache.*" : "EdgeChannelsCache.*";
      Object behavior = Match.objectLike(Map.of("PathPattern", prefix, "ViewerProtocolPolicy", "https-only",
          "AllowedMethods", List.of("GET", "HEAD"), "CachePolicyId", Map.of("Ref", Match.stringLikeRegexp(policy))));
      t.hasResourceProperties("AWS::CloudFront::Distribution", Map.of("DistributionConfig", Match.objectLike(Map.of(
          "CacheBehaviors", Match.arrayWith(List.of(behavior))))));
    }
  }

  @Test
  void servesHttpsOnlyAndLogsAccess() {
    cdn().hasResourceProperties("AWS::CloudFront::Distribution", Map.of("DistributionConfig", Match.objectLike(Map.of(
        "DefaultCacheBehavior", Match.objectLike(Map.of("ViewerProtocolPolicy", "https-only")),
        "Logging", Match.objectLike(Map.of("Prefix", "cdn/"))))));
  }

  @Test
  void letsThePublisherWriteItsPrefixesAndInvalidateOnly() {
    Template t = cdn();
    t.hasResourceProperties("AWS::IAM::Policy", Map.of("PolicyDocument", Match.objectLike(Map.of("Statement",
        Match.arrayWith(List.of(
            Match.objectLike(Map.of("Action", List.of("s3:PutObject", "s3:GetObject"), "Resource", Match.arrayWith(
                List.of(Match.objectLike(Map.of("Fn::Join", Match.arrayWith(List.of(Match.arrayWith(List.of(
                    "/models/*")))))))))),
            Match.objectLike(Map.of("Action", "cloudfront:CreateInvalidation"))))))));
    Map<String, Map<String, Object>> policies = t.findResources("AWS::IAM::Policy");
    assertThat(policies.toString()).doesNotContain("s3:DeleteObject").doesNotContain("\"s3:*\"");
  }

  @Test
  void passesCdkNag() {
    Stack stack = TestApps.stack();
    new EdgeModelCdn(stack, "Edge", EdgeModelCdn.Props.defaults());
    assertThat(TestApps.nagErrors(stack)).isEmpty();
  }

  @Test
  void refusesAPointerTtlThatWouldDelayRollbacks() {
    assertThatThrownBy(() -> EdgeModelCdn.Props.defaults().pointerTtlSeconds(3600))
        .hasMessageContaining("pointerTtlSeconds");
  }
}

package dev.modelfn.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelfn.cdk.EdgeModelCdn;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Template;

/**
 * The edge-cdn module makes what the CDK's {@link EdgeModelCdn} makes with its defaults: the same
 * cache policies, cache behaviours, log prefixes, number of buckets, and publisher actions. It runs
 * the module's whole test file ({@code tests/edge-cdn.tftest.hcl}), which therefore passes here.
 */
class EdgeCdnParityTest {
  static final Path DIR = Path.of("modules/edge-cdn");

  @BeforeEach
  void terraformIsThere() {
    Terraform.assumeAvailable();
  }

  @Test
  void terraformMakesTheCdksEdgeCdn() {
    List<CompleteExample.Resource> state = CompleteExample.apply(DIR, "tests/edge-cdn.tftest.hcl")
        .get("private_bucket_behind_cloudfront_with_a_least_privilege_publisher");
    assertThat(state).as("state of the first run of modules/edge-cdn/tests/edge-cdn.tftest.hcl").isNotNull();

    App app = new App(AppProps.builder().analyticsReporting(false).build());
    Stack stack = new Stack(app, "Edge", StackProps.builder()
        .env(Environment.builder().account("123456789012").region("eu-west-1").build()).build());
    new EdgeModelCdn(stack, "Edge", EdgeModelCdn.Props.defaults());
    JsonNode resources = new ObjectMapper().valueToTree(Template.fromStack(stack).toJSON()).get("Resources");

    List<String> cdkPolicies = new ArrayList<>();
    List<String> cdkBehaviours = new ArrayList<>();
    List<String> cdkLogPrefixes = new ArrayList<>();
    TreeSet<String> cdkPublisher = new TreeSet<>();
    int cdkBuckets = 0;
    for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) resources::fields) {
      JsonNode p = e.getValue().path("Properties");
      switch (e.getValue().path("Type").asText()) {
        case "AWS::CloudFront::CachePolicy" -> {
          JsonNode c = p.path("CachePolicyConfig");
          cdkPolicies.add(cachePolicy(c.path("DefaultTTL").asInt(), c.path("MinTTL").asInt(), c.path("MaxTTL").asInt(),
              c.path("ParametersInCacheKeyAndForwardedToOrigin").path("EnableAcceptEncodingGzip").asBoolean()));
        }
        case "AWS::CloudFront::Distribution" -> {
          JsonNode d = p.path("DistributionConfig");
          cdkBehaviours.add(behaviour("default", d.path("DefaultCacheBehavior")));
          d.path("CacheBehaviors").forEach(b -> cdkBehaviours.add(behaviour(b.path("PathPattern").asText(), b)));
          cdkLogPrefixes.add("cdn " + d.path("Logging").path("Prefix").asText());
        }
        case "AWS::S3::Bucket" -> {
          cdkBuckets++;
          if (p.has("LoggingConfiguration")) {
            cdkLogPrefixes.add("bucket " + p.path("LoggingConfiguration").path("LogFilePrefix").asText());
          }
        }
        case "AWS::IAM::Policy" -> {
          if (CdkTemplates.refs(p.path("Roles"), roleId(resources))) {
            CdkTemplates.collectActions(p.path("PolicyDocument"), cdkPublisher);
          }
        }
        default -> { }
      }
    }

    List<String> tfPolicies = new ArrayList<>();
    List<String> tfBehaviours = new ArrayList<>();
    List<String> tfLogPrefixes = new ArrayList<>();
    TreeSet<String> tfPublisher = new TreeSet<>();
    int tfBuckets = 0;
    for (CompleteExample.Resource r : state) {
      JsonNode v = r.values();
      switch (r.type()) {
        case "aws_cloudfront_cache_policy" -> tfPolicies.add(cachePolicy(v.path("default_ttl").asInt(),
            v.path("min_ttl").asInt(), v.path("max_ttl").asInt(), v.path("parameters_in_cache_key_and_forwarded_to_origin")
                .path(0).path("enable_accept_encoding_gzip").asBoolean()));
        case "aws_cloudfront_distribution" -> {
          tfBehaviours.add(behaviour("default", v.path("default_cache_behavior").path(0)));
          v.path("ordered_cache_behavior").forEach(b -> tfBehaviours.add(behaviour(b.path("path_pattern").asText(), b)));
          tfLogPrefixes.add("cdn " + v.path("logging_config").path(0).path("prefix").asText());
        }
        case "aws_s3_bucket" -> tfBuckets++;
        case "aws_s3_bucket_logging" -> tfLogPrefixes.add("bucket " + v.path("target_prefix").asText());
        case "aws_iam_role_policy" -> CdkTemplates.collectActions(CompleteExample.parse(v.path("policy").asText()),
            tfPublisher);
        default -> { }
      }
    }

    assertThat(cdkPolicies).as("the CDK's cache policies").hasSize(2);
    assertThat(cdkBehaviours).as("the CDK's cache behaviours").hasSize(3);
    assertThat(cdkLogPrefixes).as("the CDK's log prefixes").hasSize(2);
    assertThat(cdkPublisher).as("the CDK's publisher actions").contains("cloudfront:CreateInvalidation");
    assertThat(tfPolicies).as("cache policies (TTLs, gzip)").containsExactlyInAnyOrderElementsOf(cdkPolicies);
    assertThat(tfBehaviours).as("cache behaviours").containsExactlyInAnyOrderElementsOf(cdkBehaviours);
    assertThat(tfLogPrefixes).as("access log prefixes").containsExactlyInAnyOrderElementsOf(cdkLogPrefixes);
    assertThat(tfBuckets).as("buckets").isEqualTo(cdkBuckets);
    assertThat(tfPublisher).as("publisher role's actions").isEqualTo(cdkPublisher);
  }

  private static String roleId(JsonNode resources) {
    for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) resources::fields) {
      if (e.getValue().path("Type").asText().equals("AWS::IAM::Role") && e.getKey().startsWith("EdgePublisherRole")) {
        return e.getKey();
      }
    }
    throw new AssertionError("no publisher role in the CDK template");
  }

  private static String cachePolicy(int dflt, int min, int max, boolean gzip) {
    return "ttl " + min + ".." + dflt + ".." + max + (gzip ? ", gzip" : "");
  }

  /** CloudFormation and Terraform spell the settings alike in different cases. */
  private static String behaviour(String path, JsonNode b) {
    String viewer = b.has("ViewerProtocolPolicy") ? b.path("ViewerProtocolPolicy").asText()
        : b.path("viewer_protocol_policy").asText();
    JsonNode methods = b.has("AllowedMethods") ? b.path("AllowedMethods") : b.path("allowed_methods");
    TreeSet<String> m = new TreeSet<>(CdkTemplates.texts(methods));
    if (m.isEmpty()) {
      m.addAll(List.of("GET", "HEAD")); // CloudFormation's default
    }
    boolean compress = b.has("Compress") ? b.path("Compress").asBoolean() : b.path("compress").asBoolean();
    return path + " " + viewer + " " + m + (compress ? " compressed" : "");
  }
}

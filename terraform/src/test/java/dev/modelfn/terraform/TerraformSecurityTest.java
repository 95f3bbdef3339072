package dev.modelfn.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What cdk-nag checks of the CDK stack, checked of every resource the complete example creates with
 * each release strategy: no wildcard action allowed by any policy, every bucket, queue, stream and
 * topic encrypted, TLS-only bucket and queue policies, no public bucket, IAM-authorised routes.
 */
class TerraformSecurityTest {
  private static final Set<String> POLICY_TYPES = Set.of("aws_iam_role_policy", "aws_iam_policy",
      "aws_sqs_queue_policy", "aws_s3_bucket_policy", "aws_sns_topic_policy");

  @BeforeEach
  void terraformIsThere() {
    Terraform.assumeAvailable();
  }

  private static List<CompleteExample.Resource> state(String release) {
    return CompleteExample.states().get(release);
  }

  private static List<CompleteExample.Resource> ofType(List<CompleteExample.Resource> state, String type) {
    return state.stream().filter(r -> r.type().equals(type)).toList();
  }

  @ParameterizedTest(name = "release={0}")
  @ValueSource(strings = {"canary", "weighted", "shadow", "bluegreen", "none"})
  void allowsNoWildcardAction(String release) {
    List<String> wildcards = new ArrayList<>();
    for (CompleteExample.Resource r : state(release)) {
      if (!POLICY_TYPES.contains(r.type()) && !r.type().equals("aws_iam_role")) {
        continue;
      }
      String doc = r.type().equals("aws_iam_role") ? r.values().path("assume_role_policy").asText()
          : r.values().path("policy").asText();
      for (JsonNode st : CompleteExample.parse(doc).path("Statement")) {
        if (!st.path("Effect").asText().equals("Allow")) {
          continue;
        }
        JsonNode actions = st.path("Action");
        for (JsonNode a : actions.isArray() ? actions : List.of(actions)) {
          if (a.asText().contains("*")) {
            wildcards.add(r.address() + ": " + a.asText());
          }
        }
        if (st.path("Principal").asText("").equals("*") || st.path("Principal").path("AWS").asText("").equals("*")) {
          wildcards.add(r.address() + ": Allow to every principal");
        }
      }
    }
    assertThat(wildcards).isEmpty();
  }

  @ParameterizedTest(name = "release={0}")
  @ValueSource(strings = {"canary", "none"})
  void encryptsBlocksAndRefusesPlainHttpOnEveryBucket(String release) {
    List<CompleteExample.Resource> state = state(release);
    List<CompleteExample.Resource> buckets = ofType(state, "aws_s3_bucket");
    assertThat(buckets).hasSize(2);
    for (CompleteExample.Resource b : buckets) {
      String id = b.values().path("id").asText();
      assertThat(ofType(state, "aws_s3_bucket_server_side_encryption_configuration").stream()
          .filter(e -> e.values().path("bucket").asText().equals(id))
          .map(e -> e.values().path("rule").path(0).path("apply_server_side_encryption_by_default").path(0)
              .path("sse_algorithm").asText()))
          .as("encryption of %s", b.address()).containsExactly("AES256");
      assertThat(ofType(state, "aws_s3_bucket_public_access_block").stream()
          .filter(p -> p.values().path("bucket").asText().equals(id))
          .filter(p -> List.of("block_public_acls", "block_public_policy", "ignore_public_acls",
              "restrict_public_buckets").stream().allMatch(f -> p.values().path(f).asBoolean())))
          .as("public access block of %s", b.address()).hasSize(1);
      assertThat(ofType(state, "aws_s3_bucket_policy").stream()
          .filter(p -> p.values().path("bucket").asText().equals(id))
          .filter(p -> deniesPlainHttp(p.values().path("policy").asText())))
          .as("TLS-only policy of %s", b.address()).hasSize(1);
    }
    assertThat(ofType(state, "aws_s3_bucket_acl").stream().map(a -> a.values().path("acl").asText()))
        .as("bucket ACLs").doesNotContain("public-read", "public-read-write", "authenticated-read");
  }

  @ParameterizedTest(name = "release={0}")
  @ValueSource(strings = {"canary", "none"})
  void encryptsEveryQueueStreamAndTopicAndRefusesPlainHttpOnQueues(String release) {
    List<CompleteExample.Resource> state = state(release);
    List<CompleteExample.Resource> queues = ofType(state, "aws_sqs_queue");
    assertThat(queues).hasSizeGreaterThanOrEqualTo(9);
    for (CompleteExample.Resource q : queues) {
      assertThat(q.values().path("sqs_managed_sse_enabled").asBoolean()
          || !q.values().path("kms_master_key_id").asText("").isEmpty()).as("encryption of %s", q.address()).isTrue();
      String id = q.values().path("id").asText();
      assertThat(ofType(state, "aws_sqs_queue_policy").stream()
          .filter(p -> p.values().path("queue_url").asText().equals(id))
          .filter(p -> deniesPlainHttp(p.values().path("policy").asText())))
          .as("TLS-only policy of %s", q.address()).hasSize(1);
    }
    List<CompleteExample.Resource> streams = ofType(state, "aws_kinesis_stream");
    assertThat(streams).isNotEmpty().allSatisfy(s -> assertThat(s.values().path("encryption_type").asText())
        .as("encryption of %s", s.address()).isEqualTo("KMS"));
    assertThat(ofType(state, "aws_sns_topic")).allSatisfy(t -> assertThat(t.values().path("kms_master_key_id")
        .asText("")).as("encryption of %s", t.address()).isNotEmpty());
  }

  @ParameterizedTest(name = "release={0}")
  @ValueSource(strings = {"canary", "none"})
  void authorisesEveryRouteWithIamByDefault(String release) {
    List<CompleteExample.Resource> routes = ofType(state(release), "aws_apigatewayv2_route");
    assertThat(routes).hasSize(16);
    assertThat(routes.stream().map(r -> r.values().path("authorization_type").asText()).collect(Collectors.toSet()))
        .containsExactly("AWS_IAM");
  }

  private static boolean deniesPlainHttp(String policy) {
    for (JsonNode st : CompleteExample.parse(policy).path("Statement")) {
      if (st.path("Effect").asText().equals("Deny")
          && st.path("Condition").path("Bool").path("aws:SecureTransport").asText().equals("false")) {
        return true;
      }
    }
    return false;
  }
}

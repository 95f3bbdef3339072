package dev.modelfn.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class BatchScoringTest {
  private static Template batch() {
    Stack stack = TestApps.stack();
    DataBucket data = new DataBucket(stack, "Data");
    new BatchScoring(stack, "Batch", TestApps.modelPackage(stack), data.bucket(), BatchScoring.Props.defaults()
        .rowsPerBatch(1024));
    return Template.fromStack(stack);
  }

  @Test
  void announcesNewInputObjectsOnAQueueWithADeadLetterQueue() {
    Template t = batch();
    t.hasResourceProperties("Custom::S3BucketNotifications", Map.of("NotificationConfiguration", Map.of(
        "QueueConfigurations", List.of(Match.objectLike(Map.of("Events", List.of("s3:ObjectCreated:*"),
            "Filter", Map.of("Key", Map.of("FilterRules", List.of(Map.of("Name", "prefix", "Value", "incoming/"))))))))));
    t.hasResourceProperties("AWS::SQS::Queue", Map.of("VisibilityTimeout", 5400, "SqsManagedSseEnabled", true,
        "RedrivePolicy", Map.of("deadLetterTargetArn", Match.anyValue(), "maxReceiveCount", 3)));
  }

  @Test
  void consumesTheQueueOneMessageAtATimeThroughTheAliasWithPartialFailures() {
    Template t = batch();
    t.hasResourceProperties("AWS::Lambda::Function", Map.of("Handler", BatchScoring.HANDLER, "Timeout", 900,
        "Environment", Map.of("Variables", Match.objectLike(Map.of("MODELFN_INPUT_PREFIX", "incoming/",
            "MODELFN_BATCH_ROWS", "1024", "JAVA_TOOL_OPTIONS", ModelPackage.THROUGHPUT_JVM_OPTIONS
                + " -Donnxruntime.native.path=/var/task/native/linux-aarch64",
            "MODELFN_DATA_BUCKET", Map.of("Ref", Match.stringLikeRegexp("DataBucket.*")),
            "MODELFN_BATCH_QUEUE_URL", Map.of("Ref", Match.stringLikeRegexp("BatchObjects[0-9A-F]+")))))));
    // The alias is the target: its ARN's name and qualifier.
    assertThat(TestApps.mappingTarget(t, Map.of("BatchSize", 1,
        "FunctionResponseTypes", List.of("ReportBatchItemFailures")))).contains("Ref=BatchLive");
  }

  @Test
  void readsOnlyTheInputPrefixAndWritesOnlyTheOutputPrefixes() {
    Template t = batch();
    t.hasResourceProperties("AWS::IAM::Policy", Map.of("PolicyDocument", Match.objectLike(Map.of("Statement",
        Match.arrayWith(List.of(
            Match.objectLike(Map.of("Action", "s3:GetObject", "Resource", List.of(prefix("incoming/"),
                prefix("manifests/")))),
            Match.objectLike(Map.of("Action", List.of("s3:PutObject", "s3:AbortMultipartUpload"),
                "Resource", List.of(prefix("predictions/"), prefix("manifests/"), prefix("rejects/")))),
            Match.objectLike(Map.of("Action", "s3:DeleteObject", "Resource", prefix("manifests/"))),
            Match.objectLike(Map.of("Action", "s3:ListBucket", "Condition", Map.of("StringLike", Map.of("s3:prefix",
                List.of("incoming/*", "predictions/*", "manifests/*", "rejects/*")))))))))));
  }

  @Test
  void refusesAnInputPrefixThatIsAnOutputPrefix() {
    assertThatThrownBy(() -> BatchScoring.Props.defaults().inputPrefix("predictions/"))
        .hasMessageContaining("inputPrefix");
  }

  static Object prefix(String p) {
    return Map.of("Fn::Join", List.of("", List.of(Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("DataBucket.*"),
        "Arn")), "/" + p + "*")));
  }
}

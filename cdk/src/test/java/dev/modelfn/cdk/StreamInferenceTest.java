package dev.modelfn.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class StreamInferenceTest {
  private static Template stream(StreamInference.Props props) {
    Stack stack = TestApps.stack();
    new StreamInference(stack, "Stream", TestApps.modelPackage(stack), props);
    return Template.fromStack(stack);
  }

  @Test
  void consumesKinesisWithBisectBoundedRetriesPartialFailuresAndAnOnFailureQueue() {
    Template t = stream(StreamInference.Props.defaults().maxRetries(4).maxRecordAgeSeconds(600));
    t.hasResourceProperties("AWS::Kinesis::Stream", Map.of("ShardCount", 2, "StreamEncryption",
        Map.of("EncryptionType", "KMS", "KeyId", "alias/aws/kinesis")));
    assertThat(TestApps.mappingTarget(t, Map.of(
        "BatchSize", 500, "MaximumBatchingWindowInSeconds", 1, "StartingPosition", "LATEST",
        "BisectBatchOnFunctionError", true, "MaximumRetryAttempts", 4, "MaximumRecordAgeInSeconds", 600,
        "FunctionResponseTypes", List.of("ReportBatchItemFailures"),
        "DestinationConfig", Map.of("OnFailure", Map.of("Destination", Map.of("Fn::GetAtt",
            List.of(Match.stringLikeRegexp("StreamOnFailure.*"), "Arn"))))))).contains("Ref=StreamLive");
  }

  @Test
  void consumesTheRecordsQueueWithPartialFailures() {
    stream(StreamInference.Props.defaults()).hasResourceProperties("AWS::Lambda::EventSourceMapping", Map.of(
        "BatchSize", 10, "FunctionResponseTypes", List.of("ReportBatchItemFailures"),
        "EventSourceArn", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("StreamRecords[0-9A-F]+"), "Arn"))));
  }

  @Test
  void publishesToTheChosenSinkAndSendsPoisonToItsQueue() {
    Template queue = stream(StreamInference.Props.defaults());
    queue.hasResourceProperties("AWS::Lambda::Function", Map.of("Handler", StreamInference.HANDLER,
        "Environment", Map.of("Variables", Match.objectLike(Map.of(
            "MODELFN_POISON_QUEUE_URL", Map.of("Ref", Match.stringLikeRegexp("StreamPoison.*")),
            "MODELFN_SINK_QUEUE_URL", Map.of("Ref", Match.stringLikeRegexp("StreamPredictions[0-9A-F]+")),
            // C2: the function scores batch after batch
            "JAVA_TOOL_OPTIONS", Match.stringLikeRegexp("^" + ModelPackage.STREAM_JVM_OPTIONS.replace("+", "\\+")
                + " -Donnxruntime.native.path=.*"))))));
    queue.hasResourceProperties("AWS::IAM::Policy", Map.of("PolicyDocument", Match.objectLike(Map.of("Statement",
        Match.arrayWith(List.of(Match.objectLike(Map.of("Action", List.of("sqs:SendMessage",
            "sqs:GetQueueAttributes", "sqs:GetQueueUrl"), "Resource", Map.of("Fn::GetAtt", List.of(
                Match.stringLikeRegexp("StreamPoison.*"), "Arn"))))))))));

    Template kinesis = stream(StreamInference.Props.defaults().sink(StreamInference.Sink.STREAM));
    kinesis.hasResourceProperties("AWS::Lambda::Function", Map.of("Environment", Map.of("Variables",
        Match.objectLike(Map.of("MODELFN_SINK_STREAM", Map.of("Ref", Match.stringLikeRegexp(
            "StreamPredictionsStream.*")))))));
    kinesis.resourceCountIs("AWS::Kinesis::Stream", 2);
  }

  @Test
  void writesBucketSinkObjectsUnderItsPrefixOnly() {
    Stack stack = TestApps.stack();
    DataBucket data = new DataBucket(stack, "Data");
    new StreamInference(stack, "Stream", TestApps.modelPackage(stack), StreamInference.Props.defaults()
        .sinkBucket(data.bucket(), "stream-predictions/"));
    Template t = Template.fromStack(stack);
    t.hasResourceProperties("AWS::Lambda::Function", Map.of("Environment", Map.of("Variables", Match.objectLike(Map.of(
        "MODELFN_SINK_BUCKET", Map.of("Ref", Match.stringLikeRegexp("DataBucket.*")),
        "MODELFN_SINK_PREFIX", "stream-predictions/")))));
    t.hasResourceProperties("AWS::IAM::Policy", Map.of("PolicyDocument", Match.objectLike(Map.of("Statement",
        Match.arrayWith(List.of(Match.objectLike(Map.of("Action", List.of("s3:PutObject", "s3:AbortMultipartUpload"),
            "Resource", BatchScoringTest.prefix("stream-predictions/")))))))));
  }
}

package dev.modelfn.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;

/** The README's example of the constructs in a user's own app, as written there. */
class LibraryUsageTest {
  @Test
  void composesTheConstructsAsTheReadmeShows() {
    Stack stack = TestApps.stack();
    Path zip = FunctionPackage.fromContext(stack).path();
    Path model = ModelEndpointTest.repo().resolve("events/models/fraud/fraud.onnx");

    ModelPackage pkg = ModelPackage.builder()
        .functionPackage(FunctionPackage.at(zip))
        .model(ModelArtifact.fromAsset(model)).modelName("churn").modelVersion("3")
        .build();
    ModelEndpoint endpoint = new ModelEndpoint(stack, "Churn", pkg, ModelEndpoint.Props.defaults()
        .auth(ApiAuth.jwt("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc", List.of("client-id")))
        .release(CanaryRelease.release(CanaryRelease.Props.defaults().preset("linear-10-2").maxP99LatencyMs(300)))
        .memoryMb(3008).reservedConcurrency(50));
    DataBucket data = new DataBucket(stack, "Data");
    new BatchScoring(stack, "Batch", pkg, data.bucket(), BatchScoring.Props.defaults().rowsPerBatch(1024));
    new AsyncInference(stack, "Async", endpoint, data.bucket(), AsyncInference.Props.defaults());
    ModelfnChecks.acceptDesignedFindings(stack);

    assertThat(TestApps.nagErrors(stack)).isEmpty();
    Template t = Template.fromStack(stack);
    t.hasResourceProperties("AWS::Lambda::Function", Map.of("Handler", ModelEndpoint.HANDLER, "MemorySize", 3008,
        "ReservedConcurrentExecutions", 50));
    t.hasResourceProperties("AWS::CodeDeploy::DeploymentGroup", Map.of("DeploymentConfigName",
        "CodeDeployDefault.LambdaLinear10PercentEvery2Minutes"));
    t.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("MetricName", "Latency", "Threshold", 300,
        "Dimensions", List.of(Map.of("Name", "Model", "Value", "churn"))));
  }
}

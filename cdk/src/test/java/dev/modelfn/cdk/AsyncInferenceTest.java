package dev.modelfn.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class AsyncInferenceTest {
  private static Template async() {
    Stack stack = TestApps.stack();
    DataBucket data = new DataBucket(stack, "Data");
    ModelEndpoint endpoint = new ModelEndpoint(stack, "Endpoint", TestApps.modelPackage(stack),
        ModelEndpoint.Props.defaults());
    new AsyncInference(stack, "Async", endpoint, data.bucket(), AsyncInference.Props.defaults());
    return Template.fromStack(stack);
  }

  @Test
  void letsTheWorkerRunJobsOnASageMakerAsyncEndpointAndReadOnlyItsOutput() {
    Stack stack = TestApps.stack();
    DataBucket data = new DataBucket(stack, "Data");
    ModelEndpoint endpoint = new ModelEndpoint(stack, "Endpoint", TestApps.modelPackage(stack),
        ModelEndpoint.Props.defaults());
    new AsyncInference(stack, "Async", endpoint, data.bucket(), AsyncInference.Props.defaults()
        .sageMakerAsyncEndpoint("Fraud-Async", data.bucket(), "sagemaker-async/"));
    Template t = Template.fromStack(stack);
    t.hasResourceProperties("AWS::Lambda::Function", Map.of("Handler", AsyncInference.HANDLER,
        "Environment", Map.of("Variables", Match.objectLike(Map.of("MODELFN_SAGEMAKER_ASYNC_ENDPOINT", "Fraud-Async")))));
    Object invoke = Match.objectLike(Map.of("Action", "sagemaker:InvokeEndpointAsync", "Resource",
        Map.of("Fn::Join", List.of("", List.of("arn:", Map.of("Ref", "AWS::Partition"),
            ":sagemaker:eu-west-1:123456789012:endpoint/fraud-async")))));
    Object readOutput = Match.objectLike(Map.of("Action", "s3:GetObject",
        "Resource", BatchScoringTest.prefix("sagemaker-async/")));
    Object statements = Match.objectLike(Map.of("Statement", Match.arrayWith(List.of(invoke, readOutput))));
    t.hasResourceProperties("AWS::IAM::Policy", Map.of("PolicyDocument", statements,
        "Roles", List.of(Map.of("Ref", Match.stringLikeRegexp("AsyncWorkerRole.*")))));
    assertThatThrownBy(() -> AsyncInference.Props.defaults().sageMakerAsyncEndpoint("bad_name", data.bucket(), "x/"))
        .hasMessageContaining("SageMaker endpoint name");
  }

  @Test
  void turnsOnSubmitAndStatusInThePredictFunction() {
    async().hasResourceProperties("AWS::Lambda::Function", Map.of("Handler", ModelEndpoint.HANDLER,
        "Environment", Map.of("Variables", Match.objectLike(Map.of(
            "MODELFN_JOBS_QUEUE_URL", Map.of("Ref", Match.stringLikeRegexp("AsyncJobs[0-9A-F]+")),
            "MODELFN_DATA_BUCKET", Map.of("Ref", Match.stringLikeRegexp("DataBucket.*")),
            "MODELFN_JOBS_PREFIX", "jobs/")))));
  }

  @Test
  void letsTheSubmitSideRemoveAJobItCouldNotEnqueue() {
    Template t = async();
    Object delete = Match.objectLike(Map.of("Action", "s3:DeleteObject", "Resource", BatchScoringTest.prefix("jobs/")));
    t.hasResourceProperties("AWS::IAM::Policy", Map.of("PolicyDocument", Match.objectLike(Map.of("Statement",
        Match.arrayWith(List.of(delete)))), "Roles", List.of(Map.of("Ref",
            Match.stringLikeRegexp("EndpointFunctionRole.*")))));
  }

  @Test
  void runsJobsFromTheQueueWithTheSigningSecretFromSecretsManager() {
    Template t = async();
    t.hasResourceProperties("AWS::SecretsManager::Secret", Map.of("GenerateSecretString",
        Map.of("PasswordLength", 48, "ExcludePunctuation", true)));
    t.hasResourceProperties("AWS::Lambda::Function", Map.of("Handler", AsyncInference.HANDLER,
        "Environment", Map.of("Variables", Match.objectLike(Map.of(
            "MODELFN_CALLBACK_SECRET_ARN", Map.of("Ref", Match.stringLikeRegexp("AsyncCallbackSigningSecret.*")),
            "MODELFN_CALLBACK_DLQ_URL", Map.of("Ref", Match.stringLikeRegexp("AsyncCallbacksDlq.*")),
            "MODELFN_CALLBACK_MAX_ATTEMPTS", "8")))));
    assertThat(TestApps.mappingTarget(t, Map.of("BatchSize", 5,
        "FunctionResponseTypes", List.of("ReportBatchItemFailures")))).contains("Ref=AsyncLive");
    t.hasResourceProperties("AWS::IAM::Policy", Map.of("PolicyDocument", Match.objectLike(Map.of("Statement",
        Match.arrayWith(List.of(Match.objectLike(Map.of("Action", List.of("secretsmanager:GetSecretValue",
            "secretsmanager:DescribeSecret"))))))), "Roles", List.of(Map.of("Ref",
                Match.stringLikeRegexp("AsyncWorkerRole.*")))));
    t.hasResourceProperties("AWS::SQS::Queue", Map.of("RedrivePolicy", Map.of("deadLetterTargetArn",
        Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("AsyncJobsDlq.*"), "Arn")), "maxReceiveCount", 5)));
  }
}

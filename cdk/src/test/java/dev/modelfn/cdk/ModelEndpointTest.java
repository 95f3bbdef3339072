package dev.modelfn.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.lambda.Architecture;

class ModelEndpointTest {
  private static Template endpoint(ApiAuth auth) {
    Stack stack = TestApps.stack();
    new ModelEndpoint(stack, "Endpoint", TestApps.modelPackage(stack), ModelEndpoint.Props.defaults().auth(auth)
        .reservedConcurrency(20));
    return Template.fromStack(stack);
  }

  @Test
  void buildsPredictFunctionWithSnapStartAndTheModelsEnvironment() {
    Template t = endpoint(ApiAuth.iam());
    t.hasResourceProperties("AWS::Lambda::Function", Map.of(
        "Handler", ModelEndpoint.HANDLER,
        "Runtime", "java21",
        "Architectures", List.of("arm64"),
        "MemorySize", 2048,
        "ReservedConcurrentExecutions", 20,
        "SnapStart", Map.of("ApplyOn", "PublishedVersions"),
        "Environment", Map.of("Variables", Map.of(
            "MODELFN_MODEL_URI", "classpath:models/fraud/fraud.onnx",
            "MODELFN_MODEL_NAME", "fraud",
            "JAVA_TOOL_OPTIONS", ModelPackage.LATENCY_JVM_OPTIONS
                + " -Donnxruntime.native.path=/var/task/native/linux-aarch64"))));
    t.hasResourceProperties("AWS::Lambda::Alias", Map.of("Name", "live"));
    t.resourceCountIs("AWS::Lambda::Version", 1);
  }

  @Test
  void servesEveryRouteOfTheHttpSurfaceThroughLiveWithIamAuthorisation() {
    Template t = endpoint(ApiAuth.iam());
    for (var r : ModelEndpoint.ROUTES) {
      t.hasResourceProperties("AWS::ApiGatewayV2::Route", Map.of("RouteKey", r.getKey() + " " + r.getValue(),
          "AuthorizationType", "AWS_IAM"));
    }
    t.resourceCountIs("AWS::ApiGatewayV2::Route", ModelEndpoint.ROUTES.size());
    // The integration targets the alias, not the unqualified function.
    t.hasResourceProperties("AWS::ApiGatewayV2::Integration", Map.of("IntegrationType", "AWS_PROXY",
        "PayloadFormatVersion", "2.0", "IntegrationUri", Map.of("Ref", Match.stringLikeRegexp("EndpointLive.*"))));
    t.hasResourceProperties("AWS::ApiGatewayV2::Stage", Map.of("StageName", "$default", "AutoDeploy", true,
        "AccessLogSettings", Match.objectLike(Map.of("DestinationArn", Match.anyValue())),
        "DefaultRouteSettings", Map.of("ThrottlingRateLimit", 500, "ThrottlingBurstLimit", 1000)));
  }

  @Test
  void authorisesWithJwtOrLeavesTheApiOpenOnlyWhenAsked() {
    Template jwt = endpoint(ApiAuth.jwt("https://issuer.example.com/", List.of("client-1")));
    jwt.hasResourceProperties("AWS::ApiGatewayV2::Authorizer", Map.of("AuthorizerType", "JWT",
        "JwtConfiguration", Map.of("Issuer", "https://issuer.example.com/", "Audience", List.of("client-1"))));
    jwt.hasResourceProperties("AWS::ApiGatewayV2::Route", Map.of("AuthorizationType", "JWT"));
    Template open = endpoint(ApiAuth.none());
    open.hasResourceProperties("AWS::ApiGatewayV2::Route", Map.of("AuthorizationType", "NONE"));
    assertThatThrownBy(() -> ApiAuth.jwt("http://issuer", List.of("a"))).hasMessageContaining("https://");
    assertThatThrownBy(() -> ApiAuth.parse("cognito", null, List.of())).hasMessageContaining("iam, jwt or none");
  }

  @Test
  void givesTheFunctionItsOwnRoleWritingOnlyToItsOwnLogGroup() {
    Template t = endpoint(ApiAuth.iam());
    t.hasResourceProperties("AWS::Logs::LogGroup", Map.of("RetentionInDays", 30));
    t.hasResourceProperties("AWS::IAM::Role", Map.of("ManagedPolicyArns", Match.absent(),
        "AssumeRolePolicyDocument", Match.objectLike(Map.of("Statement", List.of(Match.objectLike(Map.of(
            "Principal", Map.of("Service", "lambda.amazonaws.com"))))))));
    t.hasResourceProperties("AWS::IAM::Policy", Map.of("PolicyDocument", Map.of("Version", "2012-10-17",
        "Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
            "Action", List.of("logs:CreateLogStream", "logs:PutLogEvents"),
            "Resource", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("EndpointFunctionLogs.*"), "Arn")))))))));
  }

  @Test
  void readsAnS3AssetModelWithGetObjectOnItsKeyOnly() {
    Stack stack = TestApps.stack();
    ModelPackage pkg = ModelPackage.builder().functionPackage(FunctionPackage.fromContext(stack))
        .model(ModelArtifact.fromAsset(repo().resolve("events/models/fraud/fraud.onnx"))).modelVersion("7")
        .architecture(Architecture.X86_64).build();
    new ModelEndpoint(stack, "Endpoint", pkg, ModelEndpoint.Props.defaults());
    Template t = Template.fromStack(stack);
    t.hasResourceProperties("AWS::Lambda::Function", Map.of("Architectures", List.of("x86_64"),
        "Environment", Map.of("Variables", Match.objectLike(Map.of(
            "MODELFN_MODEL_URI", Match.stringLikeRegexp("^s3://cdk-[a-z0-9]+-assets-123456789012-eu-west-1/[0-9a-f]+\\.onnx$"),
            "MODELFN_MODEL_VERSION", "7",
            "JAVA_TOOL_OPTIONS", Match.stringLikeRegexp(".*-Donnxruntime.native.path=/var/task/native/linux-x64$"))))));
    t.hasResourceProperties("AWS::IAM::Policy", Map.of("PolicyDocument", Match.objectLike(Map.of(
        "Statement", Match.arrayWith(List.of(Match.objectLike(Map.of("Action", "s3:GetObject",
            "Resource", Map.of("Fn::Join", List.of("", List.of("arn:", Map.of("Ref", "AWS::Partition"),
                Match.stringLikeRegexp("^:s3:::cdk-[a-z0-9]+-assets-123456789012-eu-west-1/[0-9a-f]+\\.onnx$"))))))))))));
  }

  @Test
  void forwardsToASageMakerEndpointWithInvokeOnItOnly() {
    Stack stack = TestApps.stack();
    new ModelEndpoint(stack, "Endpoint", TestApps.modelPackage(stack), ModelEndpoint.Props.defaults()
        .sageMakerEndpoint("fraud-rt", "input"));
    Template t = Template.fromStack(stack);
    t.hasResourceProperties("AWS::Lambda::Function", Map.of("Handler", ModelEndpoint.HANDLER,
        "Environment", Map.of("Variables", Match.objectLike(Map.of("MODELFN_PREDICTOR", "sagemaker",
            "MODELFN_SAGEMAKER_ENDPOINT", "fraud-rt", "MODELFN_SAGEMAKER_INPUT_NAME", "input")))));
    Object invoke = Match.objectLike(Map.of("Action", "sagemaker:InvokeEndpoint", "Resource", Map.of("Fn::Join",
        List.of("", List.of("arn:", Map.of("Ref", "AWS::Partition"),
            ":sagemaker:eu-west-1:123456789012:endpoint/fraud-rt")))));
    t.hasResourceProperties("AWS::IAM::Policy", Map.of("PolicyDocument", Match.objectLike(Map.of("Statement",
        Match.arrayWith(List.of(invoke))))));
  }

  @Test
  void refusesEnvironmentVariablesTheFunctionsDoNotRead() {
    assertThatThrownBy(() -> ModelEndpoint.Props.defaults().environment("MODELFN_MAX_INSTANCE", "5"))
        .hasMessageContaining("MODELFN_MAX_INSTANCE is not one modelfn reads");
    assertThat(ModelEndpoint.Props.defaults().environment("MODELFN_MAX_INSTANCES", "5")).isNotNull();
    assertThatThrownBy(() -> ModelPackage.builder().functionPackage(FunctionPackage.fromContext(TestApps.stack()))
        .modelName("no spaces").build()).hasMessageContaining("modelName");
  }

  @Test
  void namesTheMissingPackageAndHowToBuildIt() {
    assertThatThrownBy(() -> FunctionPackage.at(Path.of("target/nothing.zip")))
        .hasMessageContaining("function package not found").hasMessageContaining("./mvnw -pl functions/aws-lambda");
  }

  static Path repo() {
    return FunctionPackage.fromContext(TestApps.stack()).path().getParent().getParent().getParent().getParent();
  }
}

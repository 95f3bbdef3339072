package dev.modelfn.aws.internal;

import dev.modelfn.aws.S3ModelArtifactFetcher;
import dev.modelfn.aws.SageMakerPredictor;
import dev.modelfn.aws.SageMakerSettings;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.config.PredictorKind;
import dev.modelfn.model.ModelLoader;
import dev.modelfn.model.OnnxPredictor;
import dev.modelfn.model.Predictor;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;

/**
 * Builds the configured predictor: ONNX Runtime with {@code s3://} model support, or a SageMaker
 * endpoint. SDK clients are built only when needed (a function serving a packaged model builds
 * none), with the URL-connection HTTP client for the fastest cold start. {@code AWS_ENDPOINT_URL}
 * (as the local cloud and LocalStack use) overrides the endpoints; S3 then uses path-style
 * addressing.
 */
public final class AwsPredictors {
  private AwsPredictors() {}

  public static Predictor create(ModelfnConfig config, Map<String, String> env) {
    if (config.predictor() == PredictorKind.SAGEMAKER) {
      SageMakerSettings settings = SageMakerSettings.from(env);
      return new SageMakerPredictor(sageMakerClient(env), settings.endpoint(),
          SageMakerPredictor.metadata(config, settings));
    }
    Supplier<S3Client> s3 = () -> s3Client(env);
    String taskRoot = env.get("LAMBDA_TASK_ROOT");
    ModelLoader loader = new ModelLoader(List.of(new S3ModelArtifactFetcher(s3)), config.modelCacheDir(),
        taskRoot == null || taskRoot.isBlank() ? java.util.Optional.empty() : java.util.Optional.of(Path.of(taskRoot)));
    return OnnxPredictor.load(config, loader);
  }

  public static SageMakerRuntimeClient sageMakerClient(Map<String, String> env) {
    return client(SageMakerRuntimeClient.builder(), env);
  }

  public static software.amazon.awssdk.services.sqs.SqsClient sqsClient(Map<String, String> env) {
    return client(software.amazon.awssdk.services.sqs.SqsClient.builder(), env);
  }

  public static software.amazon.awssdk.services.kinesis.KinesisClient kinesisClient(Map<String, String> env) {
    return client(software.amazon.awssdk.services.kinesis.KinesisClient.builder(), env);
  }

  public static S3Client s3Client(Map<String, String> env) {
    var builder = S3Client.builder().httpClient(UrlConnectionHttpClient.create());
    endpointOverride(env).ifPresent(uri -> builder.endpointOverride(uri).forcePathStyle(true));
    return builder.build();
  }

  public static software.amazon.awssdk.services.lambda.LambdaClient lambdaClient(Map<String, String> env) {
    return client(software.amazon.awssdk.services.lambda.LambdaClient.builder(), env);
  }

  public static software.amazon.awssdk.services.codedeploy.CodeDeployClient codeDeployClient(Map<String, String> env) {
    return client(software.amazon.awssdk.services.codedeploy.CodeDeployClient.builder(), env);
  }

  public static software.amazon.awssdk.services.secretsmanager.SecretsManagerClient secretsManagerClient(
      Map<String, String> env) {
    return client(software.amazon.awssdk.services.secretsmanager.SecretsManagerClient.builder(), env);
  }

  /** A client with the light HTTP client and the endpoint override, as every function builds them. */
  private static <B extends software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, C>
      & software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<B, C>, C> C client(B builder,
      Map<String, String> env) {
    builder.httpClient(UrlConnectionHttpClient.create());
    endpointOverride(env).ifPresent(builder::endpointOverride);
    return builder.build();
  }

  /** {@code AWS_ENDPOINT_URL}, as the local cloud, LocalStack and the AWS CLI use it. */
  static java.util.Optional<URI> endpointOverride(Map<String, String> env) {
    String endpoint = env.get("AWS_ENDPOINT_URL");
    return endpoint == null || endpoint.isBlank() ? java.util.Optional.empty()
        : java.util.Optional.of(URI.create(endpoint.trim()));
  }
}

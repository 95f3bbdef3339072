package dev.modelfn.e2e.cloud;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * An AWS endpoint with credentials that end-to-end tests run against, with the resources of the
 * test's cloud description in place: the embedded local cloud, or LocalStack.
 *
 * @param backend {@code embedded} or {@code localstack}
 */
public record TestCloud(String backend, URI endpoint, Region region, String accessKey, String secretKey,
    java.util.function.Function<String, String> queueUrls) {

  public String queueUrl(String name) {
    return queueUrls.apply(name);
  }

  public StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
  }

  public S3Client s3() {
    return S3Client.builder().endpointOverride(endpoint).region(region).credentialsProvider(credentials())
        .forcePathStyle(true).httpClient(UrlConnectionHttpClient.create()).build();
  }

  public SqsClient sqs() {
    return SqsClient.builder().endpointOverride(endpoint).region(region).credentialsProvider(credentials())
        .httpClient(UrlConnectionHttpClient.create()).build();
  }

  public KinesisClient kinesis() {
    return KinesisClient.builder().endpointOverride(endpoint).region(region).credentialsProvider(credentials())
        .httpClient(UrlConnectionHttpClient.create()).build();
  }

  public LambdaClient lambda() {
    return LambdaClient.builder().endpointOverride(endpoint).region(region).credentialsProvider(credentials())
        .httpClient(UrlConnectionHttpClient.create()).build();
  }
}

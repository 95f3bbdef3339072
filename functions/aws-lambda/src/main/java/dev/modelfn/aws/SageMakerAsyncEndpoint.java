package dev.modelfn.aws;

import dev.modelfn.core.async.AsyncEndpoint;
import java.util.Objects;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointAsyncResponse;

/**
 * A SageMaker asynchronous endpoint as the job worker's remote backend: {@code
 * InvokeEndpointAsync} with the job's stored input ({@code s3://…}); SageMaker writes the answer to
 * the output location (or the error to the failure location) that it names in its reply, which the
 * worker polls. See https://docs.aws.amazon.com/sagemaker/latest/dg/async-inference.html.
 */
public final class SageMakerAsyncEndpoint implements AsyncEndpoint {
  private final SageMakerRuntimeClient client;
  private final String endpoint;

  public SageMakerAsyncEndpoint(SageMakerRuntimeClient client, String endpoint) {
    this.client = Objects.requireNonNull(client, "client");
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
  }

  @Override
  public String name() {
    return endpoint;
  }

  @Override
  public Invocation invoke(String inputLocation, String contentType, String inferenceId) {
    InvokeEndpointAsyncResponse r;
    try {
      r = client.invokeEndpointAsync(b -> b.endpointName(endpoint).inputLocation(inputLocation)
          .contentType(contentType).accept("application/json").inferenceId(inferenceId));
    } catch (AwsServiceException e) {
      int status = e.statusCode();
      // 4xx but throttling: the request is wrong for the endpoint (unknown endpoint, bad input location)
      if (status >= 400 && status < 500 && status != 429 && !e.isThrottlingException()) {
        throw new RefusedException(e.awsErrorDetails() == null ? e.getMessage()
            : e.awsErrorDetails().errorCode() + ": " + e.awsErrorDetails().errorMessage(), e);
      }
      throw e;
    }
    if (r.outputLocation() == null || r.outputLocation().isBlank()) {
      throw new IllegalStateException("InvokeEndpointAsync on " + endpoint + " named no output location");
    }
    return new Invocation(r.inferenceId(), r.outputLocation(), r.failureLocation());
  }
}

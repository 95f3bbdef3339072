package dev.modelfn.edge.publish;

import java.util.List;
import software.amazon.awssdk.services.cloudfront.CloudFrontClient;

/**
 * Invalidates pointer paths on a CloudFront distribution ({@code CreateInvalidation}); the caller
 * reference makes a retried call idempotent.
 *
 * @see <a href="https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/Invalidation.html">Invalidating files</a>
 */
public final class CloudFrontInvalidator implements PointerInvalidator {
  private final CloudFrontClient cloudFront;
  private final String distributionId;

  public CloudFrontInvalidator(CloudFrontClient cloudFront, String distributionId) {
    this.cloudFront = cloudFront;
    this.distributionId = distributionId;
  }

  @Override
  public void invalidate(List<String> paths) {
    String ref = "modelfn-edge-" + String.join(",", paths).hashCode() + "-" + System.currentTimeMillis();
    cloudFront.createInvalidation(r -> r.distributionId(distributionId).invalidationBatch(b -> b.callerReference(ref)
        .paths(p -> p.quantity(paths.size()).items(paths))));
  }
}

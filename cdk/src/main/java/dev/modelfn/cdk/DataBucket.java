package dev.modelfn.cdk;

import dev.modelfn.cdk.internal.Nag;
import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.constructs.Construct;

/**
 * The data bucket: batch input under {@code incoming/}, predictions, manifests and rejects beside
 * it, async jobs under {@code jobs/}. Encrypted, TLS only, public access blocked, versioned, server
 * access logs to a bucket of their own; unfinished multipart uploads cleaned after 7 days.
 */
public final class DataBucket extends Construct {
  private final Bucket bucket;
  private final Bucket accessLogs;

  public DataBucket(Construct scope, String id) {
    super(scope, id);
    this.accessLogs = Bucket.Builder.create(this, "AccessLogs").encryption(BucketEncryption.S3_MANAGED)
        .enforceSsl(true).blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
        .objectOwnership(ObjectOwnership.BUCKET_OWNER_PREFERRED)
        .lifecycleRules(List.of(LifecycleRule.builder().expiration(Duration.days(90)).build()))
        .removalPolicy(RemovalPolicy.RETAIN).build();
    Nag.accessLogBucket(accessLogs);
    this.bucket = Bucket.Builder.create(this, "Bucket").encryption(BucketEncryption.S3_MANAGED).enforceSsl(true)
        .blockPublicAccess(BlockPublicAccess.BLOCK_ALL).versioned(true)
        .serverAccessLogsBucket(accessLogs).serverAccessLogsPrefix("data/")
        .lifecycleRules(List.of(LifecycleRule.builder().abortIncompleteMultipartUploadAfter(Duration.days(7))
            .noncurrentVersionExpiration(Duration.days(30)).build()))
        .removalPolicy(RemovalPolicy.RETAIN).build();
  }

  public IBucket bucket() {
    return bucket;
  }

  /** Where the data bucket's server access logs go. */
  public IBucket accessLogs() {
    return accessLogs;
  }
}

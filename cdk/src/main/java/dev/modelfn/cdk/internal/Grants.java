package dev.modelfn.cdk.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.s3.IBucket;

/**
 * S3 grants scoped to key prefixes with named actions only: the CDK's {@code grantRead} / {@code
 * grantPut} use action wildcards ({@code s3:GetObject*}, {@code s3:List*}) and whole buckets.
 */
public final class Grants {
  private Grants() {}

  /** {@code s3:GetObject} on {@code prefix*}. */
  public static void read(IGrantable g, IBucket bucket, String... prefixes) {
    objects(g, bucket, List.of("s3:GetObject"), prefixes);
  }

  /** {@code s3:PutObject} and {@code s3:AbortMultipartUpload} on {@code prefix*}. */
  public static void write(IGrantable g, IBucket bucket, String... prefixes) {
    objects(g, bucket, List.of("s3:PutObject", "s3:AbortMultipartUpload"), prefixes);
  }

  /** {@code s3:DeleteObject} on {@code prefix*}: for functions that remove their own working objects. */
  public static void delete(IGrantable g, IBucket bucket, String... prefixes) {
    objects(g, bucket, List.of("s3:DeleteObject"), prefixes);
  }

  /** {@code s3:ListBucket} for the prefixes only, so that a missing key reads as 404, not 403. */
  public static void list(IGrantable g, IBucket bucket, String... prefixes) {
    List<String> keys = new ArrayList<>();
    for (String p : prefixes) {
      keys.add(p + "*");
    }
    g.getGrantPrincipal().addToPrincipalPolicy(PolicyStatement.Builder.create().actions(List.of("s3:ListBucket"))
        .resources(List.of(bucket.getBucketArn()))
        .conditions(Map.of("StringLike", Map.of("s3:prefix", keys))).build());
  }

  private static void objects(IGrantable g, IBucket bucket, List<String> actions, String... prefixes) {
    List<String> arns = new ArrayList<>();
    for (String p : prefixes) {
      arns.add(bucket.arnForObjects(p + "*"));
    }
    g.getGrantPrincipal().addToPrincipalPolicy(PolicyStatement.Builder.create().actions(actions).resources(arns)
        .build());
  }
}

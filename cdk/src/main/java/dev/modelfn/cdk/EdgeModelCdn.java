package dev.modelfn.cdk;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.certificatemanager.ICertificate;
import software.amazon.awscdk.services.cloudfront.AllowedMethods;
import software.amazon.awscdk.services.cloudfront.BehaviorOptions;
import software.amazon.awscdk.services.cloudfront.CacheCookieBehavior;
import software.amazon.awscdk.services.cloudfront.CacheHeaderBehavior;
import software.amazon.awscdk.services.cloudfront.CachePolicy;
import software.amazon.awscdk.services.cloudfront.CacheQueryStringBehavior;
import software.amazon.awscdk.services.cloudfront.Distribution;
import software.amazon.awscdk.services.cloudfront.HttpVersion;
import software.amazon.awscdk.services.cloudfront.IOrigin;
import software.amazon.awscdk.services.cloudfront.SecurityPolicyProtocol;
import software.amazon.awscdk.services.cloudfront.ViewerProtocolPolicy;
import software.amazon.awscdk.services.cloudfront.origins.S3BucketOrigin;
import software.amazon.awscdk.services.iam.AccountRootPrincipal;
import software.amazon.awscdk.services.iam.IPrincipal;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.constructs.Construct;

/**
 * The CDN that edge devices update from (docs/edge.md): a private bucket reached only through
 * CloudFront with Origin Access Control; bundles under {@code models/} cached for a year (their keys
 * are immutable and content-addressed), channel pointers under {@code channels/} for seconds; HTTPS
 * only; access logs for the bucket and the distribution; and the role {@code modelfn-edge publish}
 * runs as, which may write those two prefixes, read them, and invalidate the distribution, nothing
 * more.
 */
public final class EdgeModelCdn extends Construct {
  /** Where bundles go (immutable). */
  public static final String MODELS_PREFIX = "models/";
  /** Where channel pointers go (short-lived in caches). */
  public static final String CHANNELS_PREFIX = "channels/";

  private final Bucket bucket;
  private final Bucket logs;
  private final Distribution distribution;
  private final Role publisherRole;

  public EdgeModelCdn(Construct scope, String id, Props props) {
    super(scope, id);
    Objects.requireNonNull(props, "props");
    this.logs = Bucket.Builder.create(this, "Logs").encryption(BucketEncryption.S3_MANAGED).enforceSsl(true)
        .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
        // CloudFront standard logs are delivered with an ACL: the bucket must accept ACLs
        .objectOwnership(ObjectOwnership.BUCKET_OWNER_PREFERRED)
        .lifecycleRules(List.of(LifecycleRule.builder().expiration(Duration.days(props.logRetentionDays)).build()))
        .removalPolicy(RemovalPolicy.RETAIN).build();
    NagSuppressions.addResourceSuppressions(logs, List.of(NagPackSuppression.builder().id("AwsSolutions-S1")
        .reason("this bucket receives the edge bucket's and the distribution's access logs; logging it to itself "
            + "would loop").build()));
    this.bucket = Bucket.Builder.create(this, "Bucket").encryption(BucketEncryption.S3_MANAGED).enforceSsl(true)
        .blockPublicAccess(BlockPublicAccess.BLOCK_ALL).versioned(true)
        .serverAccessLogsBucket(logs).serverAccessLogsPrefix("bucket/")
        .lifecycleRules(List.of(LifecycleRule.builder().abortIncompleteMultipartUploadAfter(Duration.days(7))
            .noncurrentVersionExpiration(Duration.days(30)).build()))
        .removalPolicy(RemovalPolicy.RETAIN).build();

    CachePolicy models = CachePolicy.Builder.create(this, "ModelsCache")
        .comment("modelfn edge bundles: immutable, content-addressed keys")
        .defaultTtl(Duration.days(365)).minTtl(Duration.days(1)).maxTtl(Duration.days(365))
        .headerBehavior(CacheHeaderBehavior.none()).cookieBehavior(CacheCookieBehavior.none())
        .queryStringBehavior(CacheQueryStringBehavior.none()).build();
    CachePolicy channels = CachePolicy.Builder.create(this, "ChannelsCache")
        .comment("modelfn edge channel pointers: seconds, and invalidated on every publish")
        .defaultTtl(Duration.seconds(props.pointerTtlSeconds)).minTtl(Duration.seconds(0))
        .maxTtl(Duration.seconds(props.pointerTtlSeconds))
        .headerBehavior(CacheHeaderBehavior.none()).cookieBehavior(CacheCookieBehavior.none())
        .queryStringBehavior(CacheQueryStringBehavior.none()).enableAcceptEncodingGzip(true).build();
    IOrigin origin = S3BucketOrigin.withOriginAccessControl(bucket);
    BehaviorOptions modelBehavior = BehaviorOptions.builder().origin(origin).cachePolicy(models)
        .viewerProtocolPolicy(ViewerProtocolPolicy.HTTPS_ONLY).allowedMethods(AllowedMethods.ALLOW_GET_HEAD)
        .compress(false).build();
    Distribution.Builder d = Distribution.Builder.create(this, "Distribution")
        .comment("modelfn edge models (" + id + ")")
        .defaultBehavior(modelBehavior)
        .additionalBehaviors(behaviors(modelBehavior, BehaviorOptions.builder().origin(origin).cachePolicy(channels)
            .viewerProtocolPolicy(ViewerProtocolPolicy.HTTPS_ONLY).allowedMethods(AllowedMethods.ALLOW_GET_HEAD)
            .compress(true).build()))
        .httpVersion(HttpVersion.HTTP2_AND_3).enableLogging(true).logBucket(logs).logFilePrefix("cdn/")
        .minimumProtocolVersion(SecurityPolicyProtocol.TLS_V1_2_2021);
    if (props.certificate != null) {
      d.certificate(props.certificate).domainNames(props.domainNames);
    }
    this.distribution = d.build();
    if (props.certificate == null) {
      NagSuppressions.addResourceSuppressions(distribution, List.of(NagPackSuppression.builder()
          .id("AwsSolutions-CFR4").reason("no custom domain given: the default *.cloudfront.net certificate is used, "
              + "whose policy CloudFront fixes; give Props.certificate and domainNames for TLS 1.2 minimum").build()));
    }
    NagSuppressions.addResourceSuppressions(distribution, List.of(
        NagPackSuppression.builder().id("AwsSolutions-CFR1").reason("devices update from anywhere; restrict "
            + "countries with a geo restriction on the distribution where a deployment needs it").build(),
        NagPackSuppression.builder().id("AwsSolutions-CFR2").reason("the distribution serves signed, public-read "
            + "model bundles and pointers with GET/HEAD only; attach a WAF web ACL where rate limits are needed").build()));

    this.publisherRole = Role.Builder.create(this, "PublisherRole").assumedBy(props.publisher)
        .description("modelfn-edge publish: writes bundles and channel pointers, invalidates pointers").build();
    publisherRole.addToPolicy(PolicyStatement.Builder.create().actions(List.of("s3:PutObject", "s3:GetObject"))
        .resources(List.of(bucket.arnForObjects(MODELS_PREFIX + "*"), bucket.arnForObjects(CHANNELS_PREFIX + "*")))
        .build());
    publisherRole.addToPolicy(PolicyStatement.Builder.create().actions(List.of("s3:ListBucket"))
        .resources(List.of(bucket.getBucketArn())).build());
    publisherRole.addToPolicy(PolicyStatement.Builder.create().actions(List.of("cloudfront:CreateInvalidation"))
        .resources(List.of("arn:" + Stack.of(this).getPartition() + ":cloudfront::" + Stack.of(this).getAccount()
            + ":distribution/" + distribution.getDistributionId())).build());
    NagSuppressions.addResourceSuppressions(publisherRole, List.of(NagPackSuppression.builder().id("AwsSolutions-IAM5")
        .reason("the publisher writes and reads objects under models/ and channels/ only: object ARNs under a "
            + "prefix need a trailing *")
        .appliesTo(List.of(RegexAppliesTo.builder().regex("/^Resource::.*\\/(models|channels)\\/\\*$/").build()))
        .build()), true);
  }

  /** In a fixed order, so that synthesized templates do not change from run to run. */
  private static Map<String, BehaviorOptions> behaviors(BehaviorOptions models, BehaviorOptions channels) {
    Map<String, BehaviorOptions> m = new java.util.LinkedHashMap<>();
    m.put(MODELS_PREFIX + "*", models);
    m.put(CHANNELS_PREFIX + "*", channels);
    return m;
  }

  /** The bucket behind the CDN ({@code modelfn-edge publish --bucket}). */
  public Bucket bucket() {
    return bucket;
  }

  public Distribution distribution() {
    return distribution;
  }

  /** The role {@code modelfn-edge publish --distribution-id} runs as. */
  public Role publisherRole() {
    return publisherRole;
  }

  /** Access logs of the bucket ({@code bucket/}) and the distribution ({@code cdn/}). */
  public Bucket logs() {
    return logs;
  }

  /** The CDN settings; defaults: pointers cached 30 s, logs kept 90 days, the account may assume the publisher role. */
  public static final class Props {
    private int pointerTtlSeconds = 30;
    private int logRetentionDays = 90;
    private IPrincipal publisher = new AccountRootPrincipal();
    private ICertificate certificate;
    private List<String> domainNames = List.of();

    private Props() {}

    public static Props defaults() {
      return new Props();
    }

    /** How long CDN edges may serve a channel pointer (each publish also invalidates it). */
    public Props pointerTtlSeconds(int v) {
      if (v < 0 || v > 300) {
        throw new IllegalArgumentException("pointerTtlSeconds must be 0 to 300 (devices must see a rollback soon), not "
            + v);
      }
      pointerTtlSeconds = v;
      return this;
    }

    public Props logRetentionDays(int v) {
      if (v < 1) {
        throw new IllegalArgumentException("logRetentionDays must be at least 1");
      }
      logRetentionDays = v;
      return this;
    }

    /** Who may assume the publisher role (a CI role, a user); the account's root by default. */
    public Props publisher(IPrincipal v) {
      publisher = Objects.requireNonNull(v, "publisher");
      return this;
    }

    /** A custom domain (an ACM certificate in us-east-1 and its names): TLS 1.2 minimum for viewers. */
    public Props domain(ICertificate cert, List<String> names) {
      if (names == null || names.isEmpty()) {
        throw new IllegalArgumentException("a certificate needs the domain names it covers");
      }
      certificate = Objects.requireNonNull(cert, "certificate");
      domainNames = List.copyOf(names);
      return this;
    }
  }
}

package dev.modelfn.cdk.internal;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import java.util.List;
import software.amazon.awscdk.Stack;
import software.constructs.IConstruct;

/**
 * The cdk-nag (AwsSolutions) findings modelfn accepts, each with its reason. Everything else the
 * pack reports is an error in the tests.
 */
public final class Nag {
  private Nag() {}

  /** Suppressions that hold for every modelfn stack. */
  public static void suppressForStack(Stack stack) {
    NagSuppressions.addStackSuppressions(stack, List.of(
        NagPackSuppression.builder().id("AwsSolutions-IAM5")
            .reason("S3 grants are scoped to the key prefixes each function owns (incoming/, predictions/, "
                + "manifests/, rejects/, jobs/, stream-predictions/): object ARNs under a prefix need a trailing *")
            .appliesTo(List.of(RegexAppliesTo.builder().regex("/^Resource::.*\\/[a-z-]+\\/\\*$/").build()))
            .build(),
        NagPackSuppression.builder().id("AwsSolutions-IAM5")
            .reason("Lambda's invoke grant on a function or version covers its qualified ARNs (function:NAME:*), "
                + "which CodeDeploy hooks and triggers invoke")
            .appliesTo(List.of(RegexAppliesTo.builder().regex("/^Resource::<.*\\.Arn>:\\*$/").build()))
            .build(),
        NagPackSuppression.builder().id("AwsSolutions-L1")
            .reason("modelfn targets Lambda's Java 21 runtime (SnapStart, the runtime the package is built and "
                + "tested for); a newer runtime is a ModelPackage setting")
            .build()));
  }

  /**
   * The AWS-managed policies of roles the CDK itself creates: the bucket-notifications custom
   * resource (logs only) and CodeDeploy's service role for Lambda deployments.
   */
  public static void cdkInternals(Stack stack) {
    for (IConstruct c : stack.getNode().findAll()) {
      String path = c.getNode().getPath();
      if (c instanceof software.amazon.awscdk.CfnResource r && r.getCfnResourceType().equals("AWS::IAM::Role")) {
        if (path.contains("/BucketNotificationsHandler")) {
          NagSuppressions.addResourceSuppressions(c, List.of(NagPackSuppression.builder().id("AwsSolutions-IAM4")
              .reason("the CDK's bucket-notifications custom resource: AWSLambdaBasicExecutionRole grants it its "
                  + "logs only")
              .appliesTo(List.of("Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"))
              .build()));
        } else if (path.endsWith("/DeploymentGroup/ServiceRole/Resource")) {
          NagSuppressions.addResourceSuppressions(c, List.of(NagPackSuppression.builder().id("AwsSolutions-IAM4")
              .reason("CodeDeploy's documented policy for Lambda deployments: it may only shift aliases, read "
                  + "alarms and invoke CodeDeployHook_ functions")
              .appliesTo(List.of(
                  "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited"))
              .build()));
        }
      }
    }
  }

  /** A resource that is itself a dead-letter place needs no dead-letter queue of its own. */
  public static void deadLetterQueue(IConstruct queue) {
    NagSuppressions.addResourceSuppressions(queue, List.of(NagPackSuppression.builder().id("AwsSolutions-SQS3")
        .reason("this queue is the dead-letter place of others; nothing redrives it automatically").build()));
  }

  /** The access-log bucket does not log access to itself. */
  public static void accessLogBucket(IConstruct bucket) {
    NagSuppressions.addResourceSuppressions(bucket, List.of(NagPackSuppression.builder().id("AwsSolutions-S1")
        .reason("this bucket receives the data bucket's server access logs; logging it to itself would loop")
        .build()));
  }

  /** Generated signing keys are rotated by the user, in step with the receivers that verify them. */
  public static void callbackSecret(IConstruct secret) {
    NagSuppressions.addResourceSuppressions(secret, List.of(NagPackSuppression.builder().id("AwsSolutions-SMG4")
        .reason("the callback signing key is shared with webhook receivers, which must switch keys in step; "
            + "rotate it with a new value and a receiver roll-out (README, async inference)").build()));
  }

  /** An API opened by explicit choice. */
  public static void openApi(IConstruct api) {
    NagSuppressions.addResourceSuppressions(api, List.of(NagPackSuppression.builder().id("AwsSolutions-APIG4")
        .reason("the deployment chose an open API (auth=none) explicitly").build()), true);
  }
}

package dev.modelfn.cdk;

import dev.modelfn.config.EnvVars;
import java.util.Map;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.IVersion;
import software.constructs.Construct;

/**
 * The golden-request replay function ({@code dev.modelfn.aws.GoldenReplayHandler}): invokes a
 * function version with every golden request packaged under {@code golden/} and compares each
 * answer with the expected one. As a CodeDeploy pre-traffic hook it reports the result with {@code
 * PutLifecycleEventHookExecutionStatus}; invoked directly (a CloudFormation trigger) it fails on a
 * mismatch. It loads no model.
 */
public final class GoldenReplay {
  /** The replay handler. */
  public static final String HANDLER = "dev.modelfn.aws.GoldenReplayHandler::handleRequest";

  private GoldenReplay() {}

  /** A replay function that checks {@code target}, allowed to invoke it and nothing else. */
  public static Function create(Construct scope, String id, ModelPackage modelPackage, IVersion target,
      String purpose) {
    Function fn = modelPackage.function(scope, id, new FunctionSettings("golden-request replay (" + purpose + ")",
        HANDLER, 512, 300, ModelPackage.LATENCY_JVM_OPTIONS, false, null,
        Map.of(EnvVars.GOLDEN_TARGET, target.getFunctionArn())), false);
    target.grantInvoke(fn);
    return fn;
  }
}

package dev.modelfn.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.aws.internal.AwsPredictors;
import dev.modelfn.codec.Json;
import dev.modelfn.config.EnvVars;
import dev.modelfn.core.release.GoldenReplayFunction;
import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
import dev.modelfn.telemetry.JsonLogger;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.codedeploy.CodeDeployClient;
import software.amazon.awssdk.services.codedeploy.model.LifecycleEventStatus;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/**
 * Lambda handler that replays the golden requests against a function version ({@code
 * MODELFN_GOLDEN_TARGET}). Triggers: a CodeDeploy pre-traffic hook (event with {@code DeploymentId}
 * and {@code LifecycleEventHookExecutionId}; the result goes back with {@code
 * PutLifecycleEventHookExecutionStatus}, so a mismatch stops and rolls back the deployment) or a
 * direct invocation such as a CloudFormation trigger (a mismatch is a function error, which fails the
 * stack update). Golden requests: {@code MODELFN_GOLDEN_DIR}, default {@code $LAMBDA_TASK_ROOT/golden}.
 */
public final class GoldenReplayHandler implements RequestStreamHandler {
  /** Sends one event to the version under test. */
  public interface Target {
    byte[] invoke(byte[] event);
  }

  /** Reports a CodeDeploy hook's outcome. */
  public interface HookReporter {
    void report(String deploymentId, String executionId, boolean succeeded);
  }

  private final List<GoldenReplayFunction.GoldenCase> cases;
  private final GoldenReplayFunction replay;
  private final Target target;
  private final HookReporter reporter;
  private final String targetName;
  private final JsonLogger log;

  /** Lambda's constructor: the target, golden folder and clients from the environment. */
  public GoldenReplayHandler() {
    this(System.getenv(), null, null);
  }

  /** With explicit ports (tests); null ones are built for AWS from {@code env}. */
  public GoldenReplayHandler(Map<String, String> env, Target target, HookReporter reporter) {
    // No model here: the replay only sends events and compares answers.
    this.log = new JsonLogger("dev.modelfn.aws.GoldenReplayHandler", env.getOrDefault(EnvVars.LOG_LEVEL, "INFO"));
    this.targetName = env.get(EnvVars.GOLDEN_TARGET);
    if (targetName == null || targetName.isBlank()) {
      throw new ModelfnException(Problem.CONFIGURATION_ERROR, EnvVars.GOLDEN_TARGET + " is not set: name the function version to check "
          + "(a qualified ARN)");
    }
    this.cases = GoldenReplayFunction.load(goldenDir(env));
    this.replay = new GoldenReplayFunction(tolerance(env));
    this.target = target != null ? target : lambdaTarget(AwsPredictors.lambdaClient(env), targetName);
    this.reporter = reporter != null ? reporter : codeDeployReporter(env);
  }

  static Path goldenDir(Map<String, String> env) {
    String dir = env.get(EnvVars.GOLDEN_DIR);
    if (dir != null && !dir.isBlank()) {
      return Path.of(dir.trim());
    }
    String root = env.get("LAMBDA_TASK_ROOT");
    if (root == null || root.isBlank()) {
      throw new ModelfnException(Problem.CONFIGURATION_ERROR, EnvVars.GOLDEN_DIR + " is not set and there is no LAMBDA_TASK_ROOT to find "
          + "golden/ in");
    }
    return Path.of(root, "golden");
  }

  private static double tolerance(Map<String, String> env) {
    String v = env.getOrDefault(EnvVars.GOLDEN_TOLERANCE, "1e-5");
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new ModelfnException(Problem.CONFIGURATION_ERROR, EnvVars.GOLDEN_TOLERANCE + ": expected a number such as 1e-5, got '" + v + "'");
    }
  }

  private static Target lambdaTarget(LambdaClient lambda, String name) {
    return event -> {
      InvokeResponse r = lambda.invoke(b -> b.functionName(name).invocationType(InvocationType.REQUEST_RESPONSE)
          .payload(SdkBytes.fromByteArray(event)));
      if (r.functionError() != null) {
        throw new IllegalStateException("function error (" + r.functionError() + "): " + r.payload().asUtf8String());
      }
      return r.payload().asByteArray();
    };
  }

  private static HookReporter codeDeployReporter(Map<String, String> env) {
    return new HookReporter() {
      private CodeDeployClient client;

      @Override
      public synchronized void report(String deploymentId, String executionId, boolean succeeded) {
        if (client == null) {
          client = AwsPredictors.codeDeployClient(env);
        }
        client.putLifecycleEventHookExecutionStatus(b -> b.deploymentId(deploymentId)
            .lifecycleEventHookExecutionId(executionId)
            .status(succeeded ? LifecycleEventStatus.SUCCEEDED : LifecycleEventStatus.FAILED));
      }
    };
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    byte[] in = input.readAllBytes();
    output.write(Json.mapper().writeValueAsBytes(handle(in.length == 0 ? Json.mapper().createObjectNode() : Json.parse(in))));
  }

  /** Replays and reports; throws when invoked directly and an answer differs. */
  public ObjectNode handle(JsonNode event) {
    GoldenReplayFunction.Report report = replay.replay(cases, target::invoke);
    ObjectNode out = Json.mapper().createObjectNode();
    out.put("target", targetName).put("cases", report.cases()).put("passed", report.passed())
        .put("summary", report.summary());
    var list = out.putArray("mismatches");
    report.mismatches().stream().limit(20).forEach(m -> list.add(m.toString()));
    if (report.passed()) {
      log.info("golden requests passed", "target", targetName, "cases", report.cases());
    } else {
      log.warn("golden requests failed", "target", targetName, "summary", report.summary());
    }
    String deploymentId = event.path("DeploymentId").asText("");
    String executionId = event.path("LifecycleEventHookExecutionId").asText("");
    if (!deploymentId.isEmpty() && !executionId.isEmpty()) {
      reporter.report(deploymentId, executionId, report.passed());
      out.put("deploymentId", deploymentId).put("reported", report.passed() ? "Succeeded" : "Failed");
      return out;
    }
    if (!report.passed()) {
      throw new GoldenMismatchException(report.summary());
    }
    return out;
  }

  /** The target answered a golden request differently (a direct invocation's failure). */
  public static final class GoldenMismatchException extends RuntimeException {
    GoldenMismatchException(String message) {
      super(message);
    }
  }
}

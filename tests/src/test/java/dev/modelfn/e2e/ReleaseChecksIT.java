package dev.modelfn.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelfn.core.release.ResponseDiff;
import dev.modelfn.e2e.cloud.TestCloudExtension;
import dev.modelfn.local.cloud.CloudConfig;
import dev.modelfn.testing.Fixtures;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/**
 * The release checks running as deployed, through the local cloud's Lambda API: the live function
 * copies answered requests to the shadow by asynchronous invocation and the shadow reports
 * agreement (or disagreement, for a candidate that answers differently) while callers get the live
 * answer; the golden replay passes a version that answers as the package expects and fails, as a
 * function error, one that does not.
 */
class ReleaseChecksIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PKG = "\"code\": \"local-dev/target/functions/modelfn-aws-lambda.zip\", "
      + "\"memoryMb\": 1024, \"timeoutSeconds\": 60";
  private static final String MODEL = "\"MODELFN_MODEL_URI\": \"classpath:models/fraud/fraud.onnx\", "
      + "\"MODELFN_MODEL_NAME\": \"fraud\"";

  @RegisterExtension
  static final TestCloudExtension CLOUD = new TestCloudExtension(ReleaseChecksIT::config);

  static CloudConfig config() {
    String json = """
        {
          "functions": [
            { "name": "live", "handler": "dev.modelfn.aws.PredictHttpHandler::handleRequest", %1$s,
              "environment": { %2$s, "MODELFN_METRICS_ENABLED": "false", "MODELFN_SHADOW_FUNCTION": "shadow",
                               "MODELFN_SHADOW_SAMPLE_PERCENT": "100" } },
            { "name": "shadow", "handler": "dev.modelfn.aws.ShadowCompareHandler::handleRequest", %1$s,
              "environment": { %2$s, "MODELFN_MODEL_VERSION": "2" } },
            { "name": "live-b", "handler": "dev.modelfn.aws.PredictHttpHandler::handleRequest", %1$s,
              "environment": { %2$s, "MODELFN_METRICS_ENABLED": "false", "MODELFN_SHADOW_FUNCTION": "shadow-relabelled",
                               "MODELFN_SHADOW_SAMPLE_PERCENT": "100" } },
            { "name": "shadow-relabelled", "handler": "dev.modelfn.aws.ShadowCompareHandler::handleRequest", %1$s,
              "environment": { %2$s, "MODELFN_LABELS": "legit,fraud" } },
            { "name": "relabelled", "handler": "dev.modelfn.aws.PredictHttpHandler::handleRequest", %1$s,
              "environment": { %2$s, "MODELFN_METRICS_ENABLED": "false", "MODELFN_LABELS": "legit,fraud" } },
            { "name": "replay-live", "handler": "dev.modelfn.aws.GoldenReplayHandler::handleRequest", %1$s,
              "environment": { "MODELFN_GOLDEN_TARGET": "live" } },
            { "name": "replay-relabelled", "handler": "dev.modelfn.aws.GoldenReplayHandler::handleRequest", %1$s,
              "environment": { "MODELFN_GOLDEN_TARGET": "relabelled" } }
          ]
        }""".formatted(PKG, MODEL);
    return CloudConfig.parse(json, "ReleaseChecksIT");
  }

  private static LambdaClient lambda;

  @BeforeAll
  static void client() {
    lambda = CLOUD.cloud().lambda();
  }

  @AfterAll
  static void close() {
    if (lambda != null) {
      lambda.close();
    }
  }

  @Test
  void shadowAgreesWithLiveWhileTheCallerGetsTheLiveAnswer() throws Exception {
    assumeTrue(CLOUD.embedded() != null, "reads the shadow's EMF lines from the embedded cloud's function logs");
    assertLiveAnswer("live");
    JsonNode emf = awaitShadowMetrics("[shadow] ");
    assertThat(emf.path("ShadowAgreement").asInt()).isEqualTo(1);
    assertThat(emf.path("ShadowMaxDelta").asDouble()).isZero();
    assertThat(emf.has("ShadowLatencyDelta")).isTrue();
    assertThat(emf.path("Model").asText()).isEqualTo("fraud");
  }

  @Test
  void shadowReportsDisagreementOfACandidateThatAnswersDifferently() throws Exception {
    assumeTrue(CLOUD.embedded() != null, "reads the shadow's EMF lines from the embedded cloud's function logs");
    assertLiveAnswer("live-b");
    JsonNode emf = awaitShadowMetrics("[shadow-relabelled] ");
    assertThat(emf.path("ShadowAgreement").asInt()).isZero();
  }

  @Test
  void goldenReplayPassesAVersionThatAnswersAsThePackageExpects() throws Exception {
    InvokeResponse r = lambda.invoke(i -> i.functionName("replay-live")
        .payload(SdkBytes.fromByteArray(Fixtures.bytes("release/golden-replay-trigger.json"))));
    assertThat(r.functionError()).as(r.payload().asUtf8String()).isNull();
    JsonNode out = JSON.readTree(r.payload().asByteArray());
    assertThat(out.path("passed").asBoolean()).isTrue();
    assertThat(out.path("cases").asInt()).isEqualTo(11);
  }

  @Test
  void goldenReplayFailsAsAFunctionErrorForAVersionThatAnswersDifferently() {
    InvokeResponse r = lambda.invoke(i -> i.functionName("replay-relabelled")
        .payload(SdkBytes.fromByteArray(Fixtures.bytes("release/golden-replay-trigger.json"))));
    // What a CloudFormation trigger sees: the deployment fails, naming the first mismatch.
    assertThat(r.functionError()).isNotNull();
    assertThat(r.payload().asUtf8String()).contains("GoldenMismatchException").contains("of 11 golden requests answered differently")
        .contains("expected");
  }

  private static void assertLiveAnswer(String function) throws Exception {
    InvokeResponse r = lambda.invoke(i -> i.functionName(function)
        .payload(SdkBytes.fromByteArray(Fixtures.bytes("http/api-v2/predict-named-instances.json"))));
    assertThat(r.functionError()).as(r.payload().asUtf8String()).isNull();
    JsonNode expected = JSON.readTree(Fixtures.path("http/api-v2/predict-named-instances.expected.json").toFile());
    assertThat(new ResponseDiff(1e-6).compare(function, expected,
        ResponseDiff.readable(JSON.readTree(r.payload().asByteArray())))).isEmpty();
  }

  /** The first EMF document the named shadow printed, waiting for the asynchronous copy to arrive. */
  private static JsonNode awaitShadowMetrics(String prefix) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      List<String> lines = CLOUD.printedLines();
      for (String line : lines) {
        if (line.startsWith(prefix) && line.contains("\"ShadowAgreement\"")) {
          return JSON.readTree(line.substring(prefix.length()));
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no ShadowAgreement metrics from " + prefix.trim() + " within 60 s");
  }
}

package dev.modelfn.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelfn.codec.Json;
import dev.modelfn.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay against real predict handlers: the one every fixture was written with, and one whose
 * answers differ (its labels swapped), through both triggers.
 */
class GoldenReplayHandlerTest {
  private static PredictHttpHandler same;
  private static PredictHttpHandler different;

  @BeforeAll
  static void build() {
    // The limits of the events test, which the error fixtures were written with.
    same = new PredictHttpHandler(Fixtures.fraudEnv("MODELFN_MAX_INSTANCES", "8", "MODELFN_MAX_BODY_BYTES", "8192"));
    different = new PredictHttpHandler(Fixtures.fraudEnv("MODELFN_MAX_INSTANCES", "8", "MODELFN_MAX_BODY_BYTES", "8192",
        "MODELFN_LABELS", "legit,fraud"));
  }

  private static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("MODELFN_GOLDEN_TARGET", "arn:aws:lambda:eu-west-1:123456789012:function:predict:7");
    env.put("MODELFN_GOLDEN_DIR", Fixtures.path("http/api-v2").toString());
    return env;
  }

  @Test
  void passesWhenTheNewVersionAnswersEveryGoldenRequestAsExpected() {
    GoldenReplayHandler h = new GoldenReplayHandler(env(), e -> same.handle(e, "lambda-request-id"), (d, x, ok) -> {
      throw new AssertionError("no hook to report to");
    });
    JsonNode out = h.handle(Json.mapper().createObjectNode());
    assertThat(out.path("passed").asBoolean()).as(out.toString()).isTrue();
    assertThat(out.path("cases").asInt()).isGreaterThan(20);
  }

  @Test
  void ignoresTheModelVersionLabelOfTheDeployment(@TempDir Path dir) throws IOException {
    for (String f : List.of("infer-oip.json", "infer-oip.expected.json", "predict-named-instances.json",
        "predict-named-instances.expected.json")) {
      Files.copy(Fixtures.path("http/api-v2/" + f), dir.resolve(f));
    }
    PredictHttpHandler relabelled = new PredictHttpHandler(Fixtures.fraudEnv("MODELFN_MODEL_VERSION", "7"));
    Map<String, String> env = env();
    env.put("MODELFN_GOLDEN_DIR", dir.toString());
    JsonNode out = new GoldenReplayHandler(env, e -> relabelled.handle(e, "lambda-request-id"), (d, x, ok) -> {})
        .handle(Json.mapper().createObjectNode());
    assertThat(out.path("passed").asBoolean()).as(out.toString()).isTrue();
    assertThat(out.path("cases").asInt()).isEqualTo(2);
  }

  @Test
  void failsADirectInvocationNamingTheFirstMismatch() {
    GoldenReplayHandler h = new GoldenReplayHandler(env(), e -> different.handle(e, "lambda-request-id"), (d, x, ok) -> {});
    assertThatThrownBy(() -> h.handle(Json.mapper().createObjectNode()))
        .isInstanceOf(GoldenReplayHandler.GoldenMismatchException.class)
        .hasMessageContaining("golden requests answered differently").hasMessageContaining("expected");
  }

  @Test
  void reportsTheOutcomeToCodeDeployForAPreTrafficHook() {
    List<String> reports = new ArrayList<>();
    GoldenReplayHandler.HookReporter reporter = (d, x, ok) -> reports.add(d + "/" + x + "/" + ok);
    JsonNode hook = Json.mapper().createObjectNode().put("DeploymentId", "d-ABC123")
        .put("LifecycleEventHookExecutionId", "exec-1");
    JsonNode passed = new GoldenReplayHandler(env(), e -> same.handle(e, "lambda-request-id"), reporter).handle(hook);
    JsonNode failed = new GoldenReplayHandler(env(), e -> different.handle(e, "lambda-request-id"), reporter).handle(hook);
    assertThat(reports).containsExactly("d-ABC123/exec-1/true", "d-ABC123/exec-1/false");
    assertThat(passed.path("reported").asText()).isEqualTo("Succeeded");
    assertThat(failed.path("reported").asText()).isEqualTo("Failed");
    assertThat(failed.path("mismatches").size()).isPositive();
  }

  @Test
  void saysWhatIsMissingFromItsConfiguration() {
    Map<String, String> noTarget = env();
    noTarget.remove("MODELFN_GOLDEN_TARGET");
    assertThatThrownBy(() -> new GoldenReplayHandler(noTarget, e -> e, (d, x, ok) -> {}))
        .hasMessageContaining("MODELFN_GOLDEN_TARGET is not set");
    Map<String, String> noDir = env();
    noDir.remove("MODELFN_GOLDEN_DIR");
    assertThatThrownBy(() -> new GoldenReplayHandler(noDir, e -> e, (d, x, ok) -> {}))
        .hasMessageContaining("MODELFN_GOLDEN_DIR is not set");
  }
}

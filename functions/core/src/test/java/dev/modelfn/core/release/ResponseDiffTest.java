package dev.modelfn.core.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.codec.Json;
import dev.modelfn.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResponseDiffTest {
  private static ObjectNode expected() throws IOException {
    return (ObjectNode) Json.mapper().readTree(Fixtures.path("http/api-v2/infer-oip.expected.json").toFile());
  }

  /** The expected file turned back into the response event a function returns (body as a string). */
  private static byte[] responseEvent(ObjectNode readable) throws IOException {
    ObjectNode r = readable.deepCopy();
    r.put("body", Json.mapper().writeValueAsString(r.get("body")));
    return Json.mapper().writeValueAsBytes(r);
  }

  private static ArrayNode data(ObjectNode readable) {
    return (ArrayNode) readable.path("body").path("outputs").path(0).path("data");
  }

  @Test
  void acceptsNumbersWithinTheToleranceAndIgnoresTheModelVersionLabels() throws IOException {
    ObjectNode actual = expected();
    data(actual).set(0, Json.mapper().getNodeFactory().numberNode(data(actual).get(0).asDouble() + 5e-6));
    ((ObjectNode) actual.path("body")).put("model_version", "42");
    ((ObjectNode) actual.path("headers")).put("x-modelfn-model-version", "42");
    assertThat(new ResponseDiff(1e-5).compare("c", expected(), ResponseDiff.readable(
        Json.mapper().readTree(responseEvent(actual))))).isEmpty();
  }

  @Test
  void pointsAtEachDifferenceWithWhatWasExpected() throws IOException {
    ObjectNode actual = expected();
    data(actual).set(1, Json.mapper().getNodeFactory().numberNode(0.5));
    actual.put("statusCode", 500);
    ((ObjectNode) actual.path("headers")).remove("x-modelfn-model");
    ((ObjectNode) actual.path("body")).put("extra", true);
    List<ResponseDiff.Mismatch> m = new ResponseDiff(1e-5).compare("infer-oip", expected(), actual);
    assertThat(m).extracting(ResponseDiff.Mismatch::pointer).containsExactlyInAnyOrder("/statusCode",
        "/headers/x-modelfn-model", "/body/outputs/0/data/1", "/body/extra");
    assertThat(m.toString()).contains("infer-oip /statusCode: expected 200, got 500");
    assertThat(ResponseDiff.maxNumericDelta(expected().path("body"), actual.path("body")))
        .isCloseTo(Math.abs(0.99503654 - 0.5), org.assertj.core.data.Offset.offset(1e-6));
  }

  @Test
  void reportsAFailedInvocationAsAMismatchOfTheCase(@TempDir Path dir) throws IOException {
    Files.copy(Fixtures.path("http/api-v2/infer-oip.json"), dir.resolve("infer-oip.json"));
    Files.copy(Fixtures.path("http/api-v2/infer-oip.expected.json"), dir.resolve("infer-oip.expected.json"));
    List<GoldenReplayFunction.GoldenCase> cases = GoldenReplayFunction.load(dir);
    GoldenReplayFunction replay = new GoldenReplayFunction(1e-5);
    byte[] good = responseEvent(expected());
    assertThat(replay.replay(cases, e -> good).passed()).isTrue();
    GoldenReplayFunction.Report failed = replay.replay(cases, e -> {
      throw new IllegalStateException("function error (Unhandled)");
    });
    assertThat(failed.passed()).isFalse();
    assertThat(failed.summary()).contains("1 of 1 golden requests answered differently").contains("function error");
  }

  @Test
  void refusesAGoldenRequestWithoutItsExpectedAnswer(@TempDir Path dir) throws IOException {
    Files.copy(Fixtures.path("http/api-v2/infer-oip.json"), dir.resolve("infer-oip.json"));
    assertThatThrownBy(() -> GoldenReplayFunction.load(dir)).hasMessageContaining("has no infer-oip.expected.json");
    assertThat(new GoldenReplayFunction.Report(0, List.of()).passed()).isFalse();
    JsonNode none = Json.mapper().createObjectNode();
    assertThat(ResponseDiff.maxNumericDelta(none, none)).isZero();
  }
}

package dev.modelfn.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelfn.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code local-dev/invoke}: one invocation with an event file, as {@code sam local invoke}. */
class LocalInvokeIT {
  private static final Path HOME = Path.of(System.getProperty("modelfn.home", "..")).toAbsolutePath().normalize();
  private static final ObjectMapper MAPPER = new ObjectMapper();

  record Run(int exit, String stdout, String stderr) {}

  private static Run invoke(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(HOME.resolve("local-dev/invoke").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(HOME.toFile());
    pb.environment().put("MODELFN_SKIP_BUILD", "1");
    Process p = pb.start();
    var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (java.io.IOException e) {
        return e.toString();
      }
    });
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), out, err.get());
  }

  @Test
  void printsTheHandlersResponseToAFixtureEvent() throws Exception {
    Run r = invoke("modelfn-predict", "--event", "events/http/api-v2/model-metadata.json", "-e",
        "MODELFN_MAX_INSTANCES=8");
    assertThat(r.exit()).as(r.stderr()).isZero();
    JsonNode response = MAPPER.readTree(r.stdout());
    JsonNode expected = MAPPER.readTree(Fixtures.bytes("http/api-v2/model-metadata.expected.json"));
    assertThat(response.get("statusCode")).isEqualTo(expected.get("statusCode"));
    assertThat(MAPPER.readTree(response.get("body").asText())).isEqualTo(expected.get("body"));
    assertThat(r.stderr()).contains("modelfn-predict answered in");
  }

  @Test
  void refusesUnknownFunctionsAndMissingEvents() throws Exception {
    Run unknown = invoke("no-such-fn", "--event", "events/http/api-v2/model-metadata.json");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.stderr()).contains("no function 'no-such-fn'");
    Run missing = invoke("modelfn-predict", "--event", "events/nope.json");
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.stderr()).contains("--event events/nope.json: cannot read it");
  }
}

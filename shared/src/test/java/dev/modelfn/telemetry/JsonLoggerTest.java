package dev.modelfn.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelfn.codec.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JsonLoggerTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private PrintStream previousSink;
  private Formatter previousFormatter;

  @BeforeEach
  void capture() {
    previousSink = Logs.sink();
    previousFormatter = Logs.formatter();
    Logs.setSink(new PrintStream(out, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    Logs.setSink(previousSink);
    Logs.install(previousFormatter);
  }

  private List<String> lines() {
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void aRecordIsOneJsonLineWithItsFieldsByDefault() throws Exception {
    new JsonLogger("dev.modelfn.test", "INFO").warn("model not ready", "request_id", "r-1", "status", 503,
        "ms", 1.5, "retry", true, "names", List.of("a", "b"), "absent", null);
    assertThat(lines()).hasSize(1);
    JsonNode line = Json.parse(lines().get(0).getBytes(StandardCharsets.UTF_8));
    assertThat(line.path("level").asText()).isEqualTo("WARN");
    assertThat(line.path("logger").asText()).isEqualTo("dev.modelfn.test");
    assertThat(line.path("message").asText()).isEqualTo("model not ready");
    assertThat(line.path("request_id").asText()).isEqualTo("r-1");
    assertThat(line.path("status").isIntegralNumber()).isTrue();
    assertThat(line.path("ms").asDouble()).isEqualTo(1.5);
    assertThat(line.path("retry").asBoolean()).isTrue();
    assertThat(line.path("names").toString()).isEqualTo("[\"a\",\"b\"]");
    assertThat(line.has("absent")).isFalse();
    assertThat(java.time.Instant.parse(line.path("timestamp").asText())).isNotNull();
  }

  @Test
  void anErrorCarriesItsTypeMessageAndStack() throws Exception {
    new JsonLogger("dev.modelfn.test", "INFO").error("failed", new IllegalStateException("boom"), "k", "v");
    JsonNode line = Json.parse(lines().get(0).getBytes(StandardCharsets.UTF_8));
    assertThat(line.path("level").asText()).isEqualTo("ERROR");
    assertThat(line.path("error_type").asText()).isEqualTo("java.lang.IllegalStateException");
    assertThat(line.path("error_message").asText()).isEqualTo("boom");
    assertThat(line.path("stack_trace").asText()).contains("JsonLoggerTest");
  }

  @Test
  void levelsUnderTheThresholdMakeNoRecord() {
    JsonLogger log = new JsonLogger("dev.modelfn.test", "WARN");
    log.debug("d");
    log.info("i");
    assertThat(lines()).isEmpty();
    assertThat(log.enabled(JsonLogger.Level.ERROR)).isTrue();
    assertThat(log.enabled(JsonLogger.Level.INFO)).isFalse();
  }

  @Test
  void aPlatformFormatterFormatsEveryLineAndLoggersOutsideTheProjectsNamesReachIt() {
    Logs.install(new Formatter() {
      @Override
      public String format(LogRecord r) {
        return JsonLogFormatter.levelName(r.getLevel()) + " " + r.getLoggerName() + " " + r.getMessage() + " "
            + java.util.Arrays.toString(r.getParameters()) + "\n";
      }
    });
    new JsonLogger("dev.modelfn.test", "DEBUG").debug("first", "k", 1);
    new JsonLogger("some.other.name", "INFO").info("second");
    assertThat(lines()).containsExactly("DEBUG dev.modelfn.test first [k, 1]", "INFO some.other.name second []");
  }
}

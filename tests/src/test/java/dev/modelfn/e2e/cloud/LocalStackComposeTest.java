package dev.modelfn.e2e.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** local-dev/docker-compose.yml runs the LocalStack image the tests pin, on the embedded cloud's port. */
class LocalStackComposeTest {
  private static final Path HOME = Path.of(System.getProperty("modelfn.home", "..")).toAbsolutePath().normalize();

  @Test
  void composeFilePinsTheTestsImageAndPassesTheAuthTokenThrough() throws Exception {
    JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(HOME.resolve("local-dev/docker-compose.yml")
        .toFile());
    JsonNode ls = compose.at("/services/localstack");
    assertThat(ls.get("image").asText()).isEqualTo(System.getProperty("modelfn.localstack.image"))
        .matches("localstack/localstack:\\d+\\.\\d+\\.\\d+");
    assertThat(ls.get("ports").toString()).contains("127.0.0.1:4566:4566");
    assertThat(ls.at("/environment/LOCALSTACK_AUTH_TOKEN").asText()).isEqualTo("${LOCALSTACK_AUTH_TOKEN:-}");
    for (String service : new String[] {"s3", "sqs", "kinesis", "lambda"}) {
      assertThat(ls.at("/environment/SERVICES").asText().split(",")).contains(service);
    }
  }
}

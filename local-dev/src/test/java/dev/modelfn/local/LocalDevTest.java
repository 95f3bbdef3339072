package dev.modelfn.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelfn.testing.Fixtures;
import org.junit.jupiter.api.Test;

/** The examples {@code local-dev/up} prints when it is ready. */
class LocalDevTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void theInferExampleForAModelFileFillsEachInputWithZeros() throws Exception {
    JsonNode metadata = MAPPER.readTree(Fixtures.bytes("http/api-v2/model-metadata.expected.json")).get("body");
    JsonNode body = MAPPER.readTree(LocalDev.exampleInferBody(metadata));
    assertThat(body.at("/inputs/0/name").asText()).isEqualTo("input");
    assertThat(body.at("/inputs/0/datatype").asText()).isEqualTo("FP32");
    assertThat(body.at("/inputs/0/shape").toString()).isEqualTo("[1,16]");
    assertThat(body.at("/inputs/0/data")).hasSize(16).allMatch(v -> v.asDouble() == 0);
  }

  @Test
  void theInferExampleOfAnImageModelStaysAPlaceholder() throws Exception {
    var metadata = MAPPER.createObjectNode();
    metadata.putArray("inputs").addObject().put("name", "pixels").put("datatype", "FP32").putArray("shape")
        .add(-1).add(3).add(224).add(224);
    assertThat(LocalDev.exampleInferBody(metadata)).isEqualTo("{\"inputs\":[...]}");
  }

  @Test
  void theLambdaExampleAsksForTheModelByItsName() throws Exception {
    JsonNode event = MAPPER.readTree(LocalDev.metadataEvent("risk"));
    assertThat(event.get("rawPath").asText()).isEqualTo("/v2/models/risk");
    assertThat(event.at("/requestContext/http/method").asText()).isEqualTo("GET");
  }
}

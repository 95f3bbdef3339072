package dev.modelfn.local.apigw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelfn.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpApiEventsTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2026-11-24T06:00:00Z");

  private static JsonNode event(String method, String path, String query, Map<String, List<String>> headers,
      byte[] body) throws Exception {
    return MAPPER.readTree(HttpApiEvents.event(new HttpApiEvents.Request(method, path, query, headers, body,
        "127.0.0.1", "HTTP/1.1"), "local3000", "Jh3kPgmuIAMEJnQ=", NOW));
  }

  @Test
  void buildsThePayload2EventApiGatewaySends() throws Exception {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    headers.put("Content-Type", List.of("application/json"));
    headers.put("X-Tag", List.of("a", "b"));
    headers.put("Cookie", List.of("s=1; theme=dark"));
    headers.put("Host", List.of("127.0.0.1:3000"));
    JsonNode e = event("POST", "/v2/models/fraud/infer", "a=1&a=2&b=x%20y", headers,
        "{\"inputs\":[]}".getBytes(StandardCharsets.UTF_8));
    JsonNode template = MAPPER.readTree(Fixtures.bytes("http/api-v2/infer-oip.json"));
    // every top-level field and request-context field the real event carries is present
    template.fieldNames().forEachRemaining(f -> assertThat(e.has(f)).as(f).isTrue());
    template.get("requestContext").fieldNames().forEachRemaining(f ->
        assertThat(e.get("requestContext").has(f)).as("requestContext." + f).isTrue());
    assertThat(e.at("/version").asText()).isEqualTo("2.0");
    assertThat(e.at("/rawQueryString").asText()).isEqualTo("a=1&a=2&b=x%20y");
    assertThat(e.at("/queryStringParameters/a").asText()).isEqualTo("1,2");
    assertThat(e.at("/queryStringParameters/b").asText()).isEqualTo("x y");
    assertThat(e.at("/headers/x-tag").asText()).isEqualTo("a,b");
    assertThat(e.at("/headers/cookie").isMissingNode()).isTrue();
    assertThat(e.at("/cookies")).hasSize(2);
    assertThat(e.at("/cookies/1").asText()).isEqualTo("theme=dark");
    assertThat(e.at("/requestContext/http/method").asText()).isEqualTo("POST");
    assertThat(e.at("/requestContext/time").asText()).isEqualTo("24/Nov/2026:06:00:00 +0000");
    assertThat(e.at("/requestContext/timeEpoch").asLong()).isEqualTo(NOW.toEpochMilli());
    assertThat(e.at("/isBase64Encoded").asBoolean()).isFalse();
    assertThat(e.at("/body").asText()).isEqualTo("{\"inputs\":[]}");
  }

  @Test
  void encodesBinaryBodiesInBase64AndOmitsEmptyOnes() throws Exception {
    byte[] bin = {0, 1, 2, (byte) 0xff};
    JsonNode e = event("POST", "/invocations", null, Map.of("content-type", List.of("application/octet-stream")), bin);
    assertThat(e.at("/isBase64Encoded").asBoolean()).isTrue();
    assertThat(Base64.getDecoder().decode(e.at("/body").asText())).isEqualTo(bin);
    JsonNode get = event("GET", "/ping", null, Map.of(), new byte[0]);
    assertThat(get.has("body")).isFalse();
    assertThat(get.has("queryStringParameters")).isFalse();
  }

  @Test
  void sendsAJsonHeaderWithBinaryTensorsAsBytes() throws Exception {
    String header = "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,2],\"datatype\":\"FP32\","
        + "\"parameters\":{\"binary_data_size\":8}}]}";
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(header.length() + 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.put(header.getBytes(StandardCharsets.US_ASCII)).putFloat(0.5f).putFloat(-3.25f);
    byte[] body = b.array();
    JsonNode e = event("POST", "/invocations", null, Map.of("content-type", List.of(
        "application/vnd.sagemaker-triton.binary+json;json-header-size=" + header.length())), body);
    assertThat(e.at("/isBase64Encoded").asBoolean()).isTrue();
    assertThat(Base64.getDecoder().decode(e.at("/body").asText())).isEqualTo(body);
    // a JSON type whose bytes are not UTF-8 is not turned into replacement characters either
    byte[] notUtf8 = {'{', '"', (byte) 0xC3, '"', '}'};
    JsonNode j = event("POST", "/invocations", null, Map.of("content-type", List.of("application/json")), notUtf8);
    assertThat(j.at("/isBase64Encoded").asBoolean()).isTrue();
    assertThat(Base64.getDecoder().decode(j.at("/body").asText())).isEqualTo(notUtf8);
  }

  @Test
  void decodesResponseEventsWithCookiesAndBase64Bodies() {
    HttpApiEvents.Response r = HttpApiEvents.response(("{\"statusCode\":201,\"headers\":{\"content-type\":\"text/csv\"},"
        + "\"cookies\":[\"a=1\",\"b=2\"],\"isBase64Encoded\":true,\"body\":\""
        + Base64.getEncoder().encodeToString("x,y".getBytes(StandardCharsets.UTF_8)) + "\"}").getBytes(StandardCharsets.UTF_8));
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.headers()).containsEntry("content-type", List.of("text/csv")).containsEntry("set-cookie",
        List.of("a=1", "b=2"));
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("x,y");
  }

  @Test
  void treatsAPayloadWithoutStatusCodeAsAJsonBody() {
    byte[] payload = "{\"hello\":\"world\"}".getBytes(StandardCharsets.UTF_8);
    HttpApiEvents.Response r = HttpApiEvents.response(payload);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(payload);
  }

  @Test
  void rejectsResponsesApiGatewayWouldAnswerWith502() {
    assertThatThrownBy(() -> HttpApiEvents.response("not json".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("not JSON");
    assertThatThrownBy(() -> HttpApiEvents.response("{\"statusCode\":\"abc\"}".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("statusCode");
  }
}

package dev.modelfn.aws.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.modelfn.codec.Json;
import dev.modelfn.core.http.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The response event written as bytes is the one a Jackson generator writes for the same response. */
class ApiGatewayEventsEncodeTest {

  /** The response event through Jackson's generator, field by field as the encoder writes it. */
  private static String jackson(HttpResponse resp) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("statusCode", resp.status());
      g.writeObjectFieldStart("headers");
      for (Map.Entry<String, String> h : resp.headers().entrySet()) {
        g.writeStringField(h.getKey(), h.getValue());
      }
      g.writeEndObject();
      if (resp.textual()) {
        g.writeFieldName("body");
        g.writeUTF8String(resp.body(), 0, resp.body().length);
      } else {
        g.writeBinaryField("body", resp.body());
      }
      g.writeBooleanField("isBase64Encoded", !resp.textual());
      g.writeEndObject();
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String text(SplittableRandom rng, int max) {
    StringBuilder sb = new StringBuilder();
    int len = rng.nextInt(max);
    for (int i = 0; i < len; i++) {
      int kind = rng.nextInt(8);
      if (kind < 5) {
        sb.append((char) (0x20 + rng.nextInt(0x5f)));
      } else if (kind == 5) {
        sb.append((char) rng.nextInt(0x20));
      } else if (kind == 6) {
        sb.append((char) (0xa0 + rng.nextInt(0x2000)));
      } else {
        sb.appendCodePoint(0x1f600 + rng.nextInt(50));
      }
    }
    return sb.toString();
  }

  @Test
  void writesTheResponseEventAJacksonGeneratorWrites() throws IOException {
    SplittableRandom rng = new SplittableRandom(21);
    String[] types = {HttpResponse.JSON, HttpResponse.PROBLEM_JSON, HttpResponse.CSV, "application/octet-stream",
        "image/png", null};
    for (int k = 0; k < 5_000; k++) {
      Map<String, String> headers = new LinkedHashMap<>();
      int n = rng.nextInt(5);
      for (int h = 0; h < n; h++) {
        headers.put("x-" + h + text(rng, 6).replace(' ', '-'), text(rng, 30));
      }
      byte[] body = rng.nextInt(4) == 0 ? randomBytes(rng) : text(rng, 400).getBytes(StandardCharsets.UTF_8);
      HttpResponse resp = HttpResponse.of(100 + rng.nextInt(500), types[rng.nextInt(types.length)], body, headers);
      for (ApiGatewayEvents.Format f : ApiGatewayEvents.Format.values()) {
        String ours = new String(ApiGatewayEvents.encode(f, resp), StandardCharsets.UTF_8);
        assertThat(ours).isEqualTo(jackson(resp));
      }
    }
  }

  @Test
  void base64EncodesBinaryBodiesAndKeepsTextBodiesAsText() {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2};
    JsonNode binary = Json.parse(ApiGatewayEvents.encode(ApiGatewayEvents.Format.V2,
        HttpResponse.of(200, "image/png", png, Map.of())));
    assertThat(binary.get("isBase64Encoded").booleanValue()).isTrue();
    assertThat(Base64.getDecoder().decode(binary.get("body").textValue())).isEqualTo(png);

    JsonNode text = Json.parse(ApiGatewayEvents.encode(ApiGatewayEvents.Format.V1, HttpResponse.of(404,
        HttpResponse.PROBLEM_JSON, "{\"title\":\"Not Found \u00e9\"}".getBytes(StandardCharsets.UTF_8),
        Map.of("x-request-id", "r-1"))));
    assertThat(text.get("statusCode").intValue()).isEqualTo(404);
    assertThat(text.get("isBase64Encoded").booleanValue()).isFalse();
    assertThat(text.get("body").textValue()).isEqualTo("{\"title\":\"Not Found \u00e9\"}");
    assertThat(text.at("/headers/x-request-id").textValue()).isEqualTo("r-1");
    assertThat(text.at("/headers/content-type").textValue()).isEqualTo(HttpResponse.PROBLEM_JSON);
  }

  private static byte[] randomBytes(SplittableRandom rng) {
    byte[] b = new byte[rng.nextInt(300)];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) rng.nextInt();
    }
    return b;
  }

  @Test
  void warmUpReadsAndWritesItsSyntheticEventsWithoutError() {
    ApiGatewayEvents.warmUp(); // a scanner or writer change that breaks on these events fails here first
  }
}

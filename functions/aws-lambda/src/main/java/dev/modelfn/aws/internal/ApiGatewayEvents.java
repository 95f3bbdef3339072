package dev.modelfn.aws.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.modelfn.codec.Json;
import dev.modelfn.core.http.HttpRequest;
import dev.modelfn.core.http.HttpResponse;
import dev.modelfn.errors.InvalidInputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * Decodes the HTTP events Lambda receives and encodes responses in the matching format:
 *
 * <ul>
 *   <li>API Gateway HTTP API, payload format 2.0, and Lambda function URLs (the same format);
 *   <li>API Gateway REST API proxy integration, payload format 1.0 (also HTTP API with 1.0).
 * </ul>
 *
 * See https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 * and https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html.
 */
public final class ApiGatewayEvents {
  private ApiGatewayEvents() {}

  /** The payload format of an event, which decides the response format. */
  public enum Format {
    /** HTTP API payload 2.0 and function URLs. */
    V2,
    /** REST API proxy (and HTTP API payload 1.0). */
    V1
  }

  /** A decoded event. */
  public record Decoded(Format format, HttpRequest request) {}

  /**
   * Runs this class's paths once on synthetic events — a JSON and a base64 body, the response
   * writer — so that a cold start loads and initialises them (and Jackson's mapper) while ONNX
   * Runtime loads on another core, instead of during the first request.
   */
  public static void warmUp() {
    String head = "{\"version\":\"2.0\",\"rawPath\":\"/v2/models/m/infer\",\"headers\":{\"Content-Type\":"
        + "\"application/json\"},\"requestContext\":{\"requestId\":\"warm-up\",\"stage\":\"$default\","
        + "\"http\":{\"method\":\"POST\",\"path\":\"/v2/models/m/infer\"},\"timeEpoch\":1},";
    decode((head + "\"body\":\"{\\\"inputs\\\":[]}\",\"isBase64Encoded\":false}").getBytes(StandardCharsets.UTF_8),
        "warm-up");
    decode((head + "\"body\":\"e30=\",\"isBase64Encoded\":true}").getBytes(StandardCharsets.UTF_8), "warm-up");
    decode((head + "\"body\":null}").getBytes(StandardCharsets.UTF_8), "warm-up");
    encode(Format.V2, HttpResponse.of(200, HttpResponse.JSON, "{\"a\":\"\\n\"}".getBytes(StandardCharsets.UTF_8),
        Map.of("x-request-id", "warm-up")));
    encode(Format.V2, HttpResponse.of(200, "application/octet-stream", new byte[] {1, 2}, Map.of()));
  }

  /**
   * Decodes an event.
   *
   * @param fallbackRequestId used when the event carries no API Gateway request id (function URLs
   *     carry one too; direct invocations may not)
   * @throws InvalidInputException when the bytes are not an HTTP event of a known format
   */
  public static Decoded decode(byte[] event, String fallbackRequestId) {
    JsonNode root;
    try {
      root = Json.parse(event);
    } catch (InvalidInputException e) {
      throw new InvalidInputException("/event", "an API Gateway or function URL event (JSON)", e.received());
    }
    if (!root.isObject()) {
      throw new InvalidInputException("/event", "an API Gateway or function URL event object", Json.describe(root));
    }
    JsonNode ctx = root.path("requestContext");
    String requestId = text(ctx.get("requestId"), fallbackRequestId);
    if ("2.0".equals(text(root.get("version"), null))) {
      String method = text(ctx.path("http").get("method"), null);
      String path = text(root.get("rawPath"), null);
      if (method == null || path == null) {
        throw new InvalidInputException("/event/requestContext/http/method", "an HTTP API 2.0 event with method and rawPath",
            "an event without them");
      }
      return new Decoded(Format.V2, v2Request(method, path, text(ctx.get("stage"), "$default"),
          lowerCaseMap(root.get("headers")), stringMap(root.get("queryStringParameters")), body(root), requestId));
    }
    String method = text(root.get("httpMethod"), null);
    String path = text(root.get("path"), null);
    if (method == null || path == null) {
      throw new InvalidInputException("/event", "an API Gateway (HTTP API 2.0 or REST proxy) or function URL event",
          "an event with neither version 2.0 nor httpMethod and path");
    }
    Map<String, String> headers = lowerCaseMap(root.get("headers"));
    JsonNode multi = root.get("multiValueHeaders");
    if (multi != null && multi.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = multi.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String key = e.getKey().toLowerCase(Locale.ROOT);
        if (!headers.containsKey(key) && e.getValue().isArray() && !e.getValue().isEmpty()) {
          headers.put(key, e.getValue().get(0).asText());
        }
      }
    }
    Map<String, String> query = stringMap(root.get("queryStringParameters"));
    return new Decoded(Format.V1, new HttpRequest(method, path, headers, query, body(root), requestId));
  }

  /** An HTTP API 2.0 request: a stage named in the path (not {@code $default}) is taken off it. */
  static HttpRequest v2Request(String method, String rawPath, String stage, Map<String, String> headers,
      Map<String, String> query, byte[] body, String requestId) {
    String path = rawPath;
    if (!stage.equals("$default") && path.startsWith("/" + stage + "/")) {
      path = path.substring(stage.length() + 1);
    }
    return new HttpRequest(method, path, headers, query, body, requestId);
  }

  /**
   * The event API Gateway would send for {@code req}: payload 2.0 (HTTP API, function URLs) or 1.0
   * (REST API proxy). Used to prime the handler's whole path with synthetic requests.
   */
  public static byte[] requestEvent(Format format, HttpRequest req) {
    com.fasterxml.jackson.databind.node.ObjectNode e = Json.mapper().createObjectNode();
    String body = req.body().length == 0 ? null : new String(req.body(), StandardCharsets.UTF_8);
    if (format == Format.V2) {
      e.put("version", "2.0").put("routeKey", "$default").put("rawPath", req.path()).put("rawQueryString", "");
      com.fasterxml.jackson.databind.node.ObjectNode headers = e.putObject("headers");
      req.headers().forEach(headers::put);
      com.fasterxml.jackson.databind.node.ObjectNode ctx = e.putObject("requestContext");
      ctx.put("requestId", req.requestId()).put("stage", "$default");
      ctx.putObject("http").put("method", req.method()).put("path", req.path());
    } else {
      e.put("resource", "/{proxy+}").put("path", req.path()).put("httpMethod", req.method());
      com.fasterxml.jackson.databind.node.ObjectNode headers = e.putObject("headers");
      req.headers().forEach(headers::put);
      e.putObject("requestContext").put("requestId", req.requestId()).put("stage", "prod");
    }
    if (body != null) {
      e.put("body", body).put("isBase64Encoded", false);
    }
    return e.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Encodes a response for the event format; non-text bodies are base64-encoded. Both formats take
   * the same fields ({@code statusCode}, {@code headers}, {@code body}, {@code isBase64Encoded}).
   */
  public static byte[] encode(Format format, HttpResponse resp) {
    byte[] body = resp.body();
    boolean text = resp.textual();
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 64 * resp.headers().size() + 96);
    try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("statusCode", resp.status());
      g.writeObjectFieldStart("headers");
      for (Map.Entry<String, String> h : resp.headers().entrySet()) {
        g.writeStringField(h.getKey(), h.getValue());
      }
      g.writeEndObject();
      if (text) {
        g.writeFieldName("body");
        g.writeUTF8String(body, 0, body.length);
      } else {
        g.writeStringField("body", Base64.getEncoder().encodeToString(body)); // standard base64, as API Gateway expects
      }
      g.writeBooleanField("isBase64Encoded", !text);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static byte[] body(JsonNode root) {
    JsonNode b = root.get("body");
    if (b == null || b.isNull()) {
      return new byte[0];
    }
    if (!b.isTextual()) {
      throw new InvalidInputException("/event/body", "a string", Json.describe(b));
    }
    String s = b.textValue();
    if (root.path("isBase64Encoded").asBoolean(false)) {
      try {
        return Base64.getDecoder().decode(s);
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException("/event/body", "base64 (isBase64Encoded is true)", e.getMessage());
      }
    }
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(JsonNode n, String dflt) {
    return n == null || !n.isTextual() ? dflt : n.textValue();
  }

  private static Map<String, String> lowerCaseMap(JsonNode obj) {
    Map<String, String> m = new HashMap<>();
    if (obj != null && obj.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isNull()) {
          m.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue().asText());
        }
      }
    }
    return m;
  }

  private static Map<String, String> stringMap(JsonNode obj) {
    Map<String, String> m = new HashMap<>();
    if (obj != null && obj.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isNull()) {
          m.put(e.getKey(), e.getValue().asText());
        }
      }
    }
    return m;
  }
}

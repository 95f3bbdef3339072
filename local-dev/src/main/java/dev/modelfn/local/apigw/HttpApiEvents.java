package dev.modelfn.local.apigw;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Encodes HTTP requests as HTTP API payload 2.0 events and decodes the functions' responses. */
public final class HttpApiEvents {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);

  private HttpApiEvents() {}

  /** An HTTP request as the local API received it; header names in any case, values in order. */
  public record Request(String method, String rawPath, String rawQuery, Map<String, List<String>> headers,
      byte[] body, String sourceIp, String protocol) {}

  /** An HTTP response to send. */
  public record Response(int status, Map<String, List<String>> headers, byte[] body) {}

  /** A new API Gateway style request id (base64 of 10 random bytes, like {@code Jh3kPgmuIAMEJnQ=}). */
  public static String newRequestId() {
    byte[] b = new byte[10];
    RANDOM.nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }

  /** The payload 2.0 event for a request. */
  public static byte[] event(Request req, String apiId, String requestId, Instant now) {
    ObjectNode e = MAPPER.createObjectNode();
    e.put("version", "2.0");
    e.put("routeKey", "$default");
    e.put("rawPath", req.rawPath());
    e.put("rawQueryString", req.rawQuery() == null ? "" : req.rawQuery());
    ArrayNode cookies = MAPPER.createArrayNode();
    ObjectNode headers = MAPPER.createObjectNode();
    Map<String, List<String>> lower = new LinkedHashMap<>();
    req.headers().forEach((k, v) -> lower.computeIfAbsent(k.toLowerCase(Locale.ROOT), x -> new ArrayList<>()).addAll(v));
    String host = "127.0.0.1";
    for (Map.Entry<String, List<String>> h : lower.entrySet()) {
      if (h.getKey().equals("cookie")) {
        for (String v : h.getValue()) {
          for (String c : v.split(";")) {
            if (!c.isBlank()) {
              cookies.add(c.trim());
            }
          }
        }
        continue;
      }
      if (h.getKey().equals("host") && !h.getValue().isEmpty()) {
        host = h.getValue().get(0);
      }
      headers.put(h.getKey(), String.join(",", h.getValue()));
    }
    headers.put("x-forwarded-for", req.sourceIp());
    headers.put("x-forwarded-proto", "http");
    if (!cookies.isEmpty()) {
      e.set("cookies", cookies);
    }
    e.set("headers", headers);
    Map<String, List<String>> query = parseQuery(req.rawQuery());
    if (!query.isEmpty()) {
      ObjectNode q = e.putObject("queryStringParameters");
      query.forEach((k, v) -> q.put(k, String.join(",", v)));
    }
    ObjectNode ctx = e.putObject("requestContext");
    ctx.put("accountId", dev.modelfn.local.lambda.LocalAccount.ID);
    ctx.put("apiId", apiId);
    ctx.put("domainName", host);
    ctx.put("domainPrefix", host.split("[.:]", 2)[0]);
    ObjectNode http = ctx.putObject("http");
    http.put("method", req.method());
    http.put("path", req.rawPath());
    http.put("protocol", req.protocol());
    http.put("sourceIp", req.sourceIp());
    http.put("userAgent", lower.containsKey("user-agent") ? String.join(",", lower.get("user-agent")) : "");
    ctx.put("requestId", requestId);
    ctx.put("routeKey", "$default");
    ctx.put("stage", "$default");
    ctx.put("time", TIME.format(now));
    ctx.put("timeEpoch", now.toEpochMilli());
    if (req.body().length > 0) {
      String ct = lower.containsKey("content-type") ? lower.get("content-type").get(0) : "";
      if (isText(ct) && utf8(req.body())) {
        e.put("body", new String(req.body(), StandardCharsets.UTF_8));
        e.put("isBase64Encoded", false);
      } else {
        e.put("body", Base64.getEncoder().encodeToString(req.body()));
        e.put("isBase64Encoded", true);
      }
    } else {
      e.put("isBase64Encoded", false);
    }
    try {
      return MAPPER.writeValueAsBytes(e);
    } catch (IOException ex) {
      throw new IllegalStateException(ex);
    }
  }

  /**
   * The HTTP response for a function's payload. A payload with {@code statusCode} is a response
   * event; any other valid JSON is returned as a 200 JSON body, as HTTP APIs do for payload 2.0.
   *
   * @throws IllegalArgumentException when the payload is not a valid response (API Gateway answers 502)
   */
  public static Response response(byte[] payload) {
    JsonNode root;
    try {
      root = MAPPER.readTree(payload);
    } catch (IOException e) {
      throw new IllegalArgumentException("the function's response is not JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject() || !root.has("statusCode")) {
      Map<String, List<String>> h = new LinkedHashMap<>();
      h.put("content-type", List.of("application/json"));
      return new Response(200, h, payload);
    }
    JsonNode status = root.get("statusCode");
    if (!status.canConvertToInt() || status.asInt() < 100 || status.asInt() > 599) {
      throw new IllegalArgumentException("the function's statusCode is not an HTTP status: " + status);
    }
    Map<String, List<String>> h = new LinkedHashMap<>();
    JsonNode headers = root.path("headers");
    headers.fields().forEachRemaining(f -> h.put(f.getKey(), new ArrayList<>(List.of(f.getValue().asText()))));
    JsonNode multi = root.path("multiValueHeaders");
    multi.fields().forEachRemaining(f -> f.getValue().forEach(v ->
        h.computeIfAbsent(f.getKey(), k -> new ArrayList<>()).add(v.asText())));
    for (JsonNode c : root.path("cookies")) {
      h.computeIfAbsent("set-cookie", k -> new ArrayList<>()).add(c.asText());
    }
    byte[] body = new byte[0];
    JsonNode b = root.get("body");
    if (b != null && !b.isNull()) {
      String text = b.isTextual() ? b.asText() : b.toString();
      body = root.path("isBase64Encoded").asBoolean(false) ? Base64.getDecoder().decode(text)
          : text.getBytes(StandardCharsets.UTF_8);
    }
    return new Response(status.asInt(), h, body);
  }

  /**
   * Whether a body of this media type goes into the event as text. A JSON header followed by binary
   * tensors ({@code application/vnd.sagemaker-triton.binary+json;json-header-size=N}, or any type
   * with a {@code header-content-length} parameter) is binary whatever its suffix, as it is on API
   * Gateway once its binary media types name it; a body that is not valid UTF-8 goes as base64 too
   * ({@link #utf8}), so no byte is ever changed on the way.
   */
  static boolean isText(String contentType) {
    String ct = contentType.toLowerCase(Locale.ROOT);
    if (ct.contains("json-header-size") || ct.contains("header-content-length")) {
      return false;
    }
    int semi = ct.indexOf(';');
    if (semi >= 0) {
      ct = ct.substring(0, semi);
    }
    ct = ct.trim();
    return ct.startsWith("text/") || ct.endsWith("/json") || ct.endsWith("+json") || ct.endsWith("/xml")
        || ct.endsWith("+xml") || ct.equals("application/x-www-form-urlencoded") || ct.equals("application/javascript");
  }

  /** Whether {@code body} is valid UTF-8, so that it survives the event's text unchanged. */
  static boolean utf8(byte[] body) {
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(body));
      return true;
    } catch (java.nio.charset.CharacterCodingException e) {
      return false;
    }
  }

  static Map<String, List<String>> parseQuery(String raw) {
    Map<String, List<String>> q = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return q;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      q.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }
    return q;
  }
}

package dev.modelfn.core.http;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** An HTTP response as a function returns it; adapters encode it for their platform. */
public record HttpResponse(int status, Map<String, String> headers, byte[] body) {
  public static final String JSON = "application/json";
  public static final String PROBLEM_JSON = "application/problem+json";
  public static final String CSV = "text/csv";

  public HttpResponse {
    headers = Map.copyOf(headers);
    body = body == null ? new byte[0] : body;
  }

  public static HttpResponse of(int status, String contentType, byte[] body, Map<String, String> extraHeaders) {
    Map<String, String> h = new LinkedHashMap<>(extraHeaders);
    if (contentType != null) {
      h.put("content-type", contentType);
    }
    return new HttpResponse(status, h, body);
  }

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** True for a content type that is text (JSON, CSV, plain text): sent as is, not base64. */
  public boolean textual() {
    String ct = headers.getOrDefault("content-type", "");
    return ct.isEmpty() || ct.startsWith("text/") || ct.contains("json");
  }
}

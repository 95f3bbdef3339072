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

  @SuppressWarnings("unchecked")
  public static HttpResponse of(int status, String contentType, byte[] body, Map<String, String> extraHeaders) {
    if (contentType != null && !extraHeaders.containsKey("content-type")) {
      // the immutable map made at once (the constructor keeps it as it is): every answer comes this way
      Map.Entry<String, String>[] entries = new Map.Entry[extraHeaders.size() + 1];
      int k = 0;
      for (Map.Entry<String, String> e : extraHeaders.entrySet()) {
        entries[k++] = Map.entry(e.getKey(), e.getValue());
      }
      entries[k] = Map.entry("content-type", contentType);
      return new HttpResponse(status, Map.ofEntries(entries), body);
    }
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

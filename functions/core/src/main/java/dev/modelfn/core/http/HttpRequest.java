package dev.modelfn.core.http;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An HTTP request as every adapter hands it to a function.
 *
 * @param headers header names in lower case
 * @param body the decoded body bytes (base64 already undone by the adapter)
 * @param requestId the platform's request id (API Gateway / Lambda), echoed in responses and logs
 */
public record HttpRequest(
    String method, String path, Map<String, String> headers, Map<String, String> query, byte[] body,
    String requestId) {

  public HttpRequest {
    method = method.toUpperCase(Locale.ROOT);
    headers = Map.copyOf(headers);
    query = Map.copyOf(query);
    body = body == null ? new byte[0] : body;
  }

  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
  }
}

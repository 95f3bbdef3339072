package dev.modelfn.gcp.internal;

import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The Functions Framework's HTTP request and response to and from the core's {@link
 * dev.modelfn.core.http.HttpRequest} and {@link dev.modelfn.core.http.HttpResponse}: header names in
 * lower case (repeated headers joined with commas, as HTTP allows), the first value of each query
 * parameter, the body as bytes, and binary answers written as they are (no base64 as API Gateway
 * needs).
 */
public final class GcfHttp {
  /** Set by Cloud Functions on each request (https://cloud.google.com/functions/docs/monitoring/logging). */
  static final String EXECUTION_ID = "function-execution-id";

  private GcfHttp() {}

  /** The core's request; the request id is Cloud Functions' execution id, else the trace id, else a new UUID. */
  public static dev.modelfn.core.http.HttpRequest request(HttpRequest req, byte[] body) {
    Map<String, String> headers = new HashMap<>();
    for (Map.Entry<String, List<String>> h : req.getHeaders().entrySet()) {
      if (h.getValue() != null && !h.getValue().isEmpty()) {
        headers.merge(h.getKey().toLowerCase(Locale.ROOT), String.join(",", h.getValue()), (a, b) -> a + "," + b);
      }
    }
    Map<String, String> query = new HashMap<>();
    for (Map.Entry<String, List<String>> q : req.getQueryParameters().entrySet()) {
      if (q.getValue() != null && !q.getValue().isEmpty()) {
        query.put(q.getKey(), q.getValue().get(0));
      }
    }
    return new dev.modelfn.core.http.HttpRequest(req.getMethod(), req.getPath(), headers, query, body,
        requestId(headers));
  }

  /** The trace of a request's headers, if it carries one. */
  public static java.util.Optional<TraceContext.Trace> trace(Map<String, String> lowerCaseHeaders) {
    return TraceContext.parse(lowerCaseHeaders.get("traceparent"), lowerCaseHeaders.get("x-cloud-trace-context"));
  }

  static String requestId(Map<String, String> headers) {
    String id = headers.get(EXECUTION_ID);
    if (id != null && !id.isBlank()) {
      return id;
    }
    return trace(headers).map(TraceContext.Trace::traceId).orElseGet(() -> UUID.randomUUID().toString());
  }

  /** Writes the core's answer: status, headers, and the body's bytes as they are. */
  public static void write(dev.modelfn.core.http.HttpResponse resp, HttpResponse out) throws IOException {
    out.setStatusCode(resp.status());
    for (Map.Entry<String, String> h : resp.headers().entrySet()) {
      if (h.getKey().equalsIgnoreCase("content-type")) {
        out.setContentType(h.getValue());
      } else if (!h.getKey().equalsIgnoreCase("content-length")) {
        out.appendHeader(h.getKey(), h.getValue());
      }
    }
    if (resp.body().length > 0) {
      try (OutputStream body = out.getOutputStream()) {
        body.write(resp.body());
      }
    }
  }
}

package dev.modelfn.core.http;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.modelfn.codec.Json;
import dev.modelfn.errors.InvalidInputException;
import dev.modelfn.errors.ModelfnException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * RFC 9457 problem details ({@code application/problem+json}): {@code type}, {@code title}, {@code
 * status}, {@code detail}, {@code instance}, plus {@code request_id}, and for invalid input {@code
 * pointer}, {@code expected} and {@code received}.
 */
public final class Problems {
  /** Problem type URIs are {@code urn:modelfn:problem:<slug>}. */
  public static final String TYPE_PREFIX = "urn:modelfn:problem:";

  private Problems() {}

  public static HttpResponse response(ModelfnException e, String instance, String requestId,
      Map<String, String> extraHeaders) {
    return response(e.status(), e.problemType(), e.title(), e.getMessage(), e, instance, requestId, extraHeaders);
  }

  /** A 500 for an unexpected failure: the detail says only that the request id is in the logs. */
  public static HttpResponse internalError(String instance, String requestId, Map<String, String> extraHeaders) {
    return response(500, "internal-error", "Internal error",
        "The function failed unexpectedly; the cause is logged with request id " + requestId + ".", null, instance,
        requestId, extraHeaders);
  }

  private static HttpResponse response(int status, String slug, String title, String detail, ModelfnException e,
      String instance, String requestId, Map<String, String> extraHeaders) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("type", TYPE_PREFIX + slug);
      g.writeStringField("title", title);
      g.writeNumberField("status", status);
      g.writeStringField("detail", detail);
      g.writeStringField("instance", instance);
      g.writeStringField("request_id", requestId);
      if (e instanceof InvalidInputException iie) {
        g.writeStringField("pointer", iie.pointer());
        g.writeStringField("expected", iie.expected());
        if (iie.received() != null) {
          g.writeStringField("received", iie.received());
        }
      }
      if (e != null) {
        g.writeBooleanField("retryable", e.retryable());
      }
      g.writeEndObject();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    Map<String, String> headers = new LinkedHashMap<>(extraHeaders);
    if (e != null) {
      headers.putAll(e.headers());
    }
    if (status == 503) {
      headers.put("retry-after", "1");
    }
    return HttpResponse.of(status, HttpResponse.PROBLEM_JSON, out.toByteArray(), headers);
  }
}

package dev.modelfn.spring.web;

import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.core.http.HttpRequest;
import dev.modelfn.core.http.HttpResponse;
import dev.modelfn.core.predict.PredictHttpFunction;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Every request (but {@code /actuator/**}, which Spring Boot's own mapping answers first) as a core
 * {@link HttpRequest} to {@link PredictHttpFunction}, and its {@link HttpResponse} back as it is:
 * the function owns the routes, the status codes and the problem responses, as it does behind API
 * Gateway. Bodies pass as bytes (binary OIP v2 tensors, CSV). A body is read up to twice {@code
 * MODELFN_MAX_BODY_BYTES}: the function answers 413 to anything over the limit, and the server never
 * holds more than that (the problem's detail then gives the size read, not the size sent).
 */
@RestController
public class PredictHttpController {
  /** A client's {@code x-request-id} is kept when it is a plain token, else each request gets a UUID. */
  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:=+/\\-]{1,128}");

  private final PredictHttpFunction function;
  private final int bodyCap;

  public PredictHttpController(PredictHttpFunction function, ModelfnConfig config) {
    this.function = function;
    int max = config.maxBodyBytes();
    this.bodyCap = (int) Math.min(Integer.MAX_VALUE - 8, 2L * max + 1);
  }

  @RequestMapping("/**")
  public void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
    HttpResponse answer = function.apply(toCore(request));
    response.setStatus(answer.status());
    answer.headers().forEach(response::setHeader);
    if (answer.body().length > 0 && !request.getMethod().equals("HEAD")) {
      response.setContentLength(answer.body().length);
      response.getOutputStream().write(answer.body());
    }
  }

  HttpRequest toCore(HttpServletRequest request) throws IOException {
    Map<String, String> headers = new HashMap<>();
    for (Enumeration<String> names = request.getHeaderNames(); names.hasMoreElements(); ) {
      String name = names.nextElement();
      // repeated headers joined with commas, as API Gateway does
      headers.put(name.toLowerCase(Locale.ROOT), String.join(",", java.util.Collections.list(request.getHeaders(name))));
    }
    String id = headers.get("x-request-id");
    String requestId = id != null && REQUEST_ID.matcher(id).matches() ? id : UUID.randomUUID().toString();
    String path = request.getRequestURI().substring(request.getContextPath().length());
    return new HttpRequest(request.getMethod(), path.isEmpty() ? "/" : path, headers, query(request.getQueryString()),
        body(request), requestId);
  }

  private byte[] body(HttpServletRequest request) throws IOException {
    try (InputStream in = request.getInputStream()) {
      return in.readNBytes(bodyCap);
    }
  }

  /** The query string's parameters (the first value of a repeated one), decoded; never the form body. */
  static Map<String, String> query(String queryString) {
    Map<String, String> query = new HashMap<>();
    if (queryString == null || queryString.isEmpty()) {
      return query;
    }
    for (String pair : queryString.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      query.putIfAbsent(name, value);
    }
    return query;
  }

  /** A query part decoded; one that is not valid percent-encoding is kept as it came, as API Gateway passes it. */
  private static String decode(String part) {
    try {
      return URLDecoder.decode(part, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return part;
    }
  }
}

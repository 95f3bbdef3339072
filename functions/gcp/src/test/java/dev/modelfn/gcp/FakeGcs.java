package dev.modelfn.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.modelfn.codec.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small in-memory Cloud Storage that speaks the parts of the JSON API
 * (https://cloud.google.com/storage/docs/json_api) the real client library uses for modelfn:
 * object metadata, media downloads with ranges, multipart and resumable uploads, compose, list and
 * delete, with generations and the {@code ifGenerationMatch} precondition (412 when it fails, 0
 * meaning "does not exist"). Old generations are not kept (a bucket without versioning): reading
 * one is a 404. Loopback only; the client is pointed at it with {@code setHost}, as at an
 * emulator. {@code LocalStorageHelper} (google-cloud-nio) has neither generations on writes nor
 * preconditions nor compose, which the batch claim and the composed outputs need.
 */
public final class FakeGcs implements AutoCloseable {
  public record StoredObject(String bucket, String name, long generation, String contentType, byte[] bytes) {}

  private static final Pattern OBJECT = Pattern.compile("^/storage/v1/b/([^/]+)/o/([^/]+)$");
  private static final Pattern COMPOSE = Pattern.compile("^/storage/v1/b/([^/]+)/o/([^/]+)/compose$");
  private static final Pattern LIST = Pattern.compile("^/storage/v1/b/([^/]+)/o/?$");
  private static final Pattern DOWNLOAD = Pattern.compile("^/download/storage/v1/b/([^/]+)/o/([^/]+)$");
  private static final Pattern UPLOAD = Pattern.compile("^/upload/storage/v1/b/([^/]+)/o/?$");

  private final HttpServer server;
  private final Map<String, StoredObject> objects = new ConcurrentHashMap<>();
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final AtomicLong generations = new AtomicLong(1_700_000_000_000_000L);
  private final AtomicInteger requests = new AtomicInteger();
  final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  /** What the fake could not handle (a test that sees one fails on it, not on a retried 500). */
  final List<Exception> failures = new java.util.concurrent.CopyOnWriteArrayList<>();

  private static final class Session {
    final String bucket;
    final JsonNode metadata;
    final Map<String, String> query;
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    Session(String bucket, JsonNode metadata, Map<String, String> query) {
      this.bucket = bucket;
      this.metadata = metadata;
      this.query = query;
    }
  }

  public FakeGcs() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "fake-gcs");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/", this::handle);
    server.start();
  }

  public String host() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The real client library, pointed at this server with no credentials. */
  Storage client() {
    return StorageOptions.http().setHost(host()).setProjectId("test-project")
        .setCredentials(NoCredentials.getInstance())
        .setRetrySettings(com.google.cloud.ServiceOptions.getNoRetrySettings()).build().getService();
  }

  public StoredObject object(String bucket, String name) {
    return objects.get(bucket + "/" + name);
  }

  public List<String> names(String bucket, String prefix) {
    return objects.values().stream().filter(o -> o.bucket().equals(bucket) && o.name().startsWith(prefix))
        .map(StoredObject::name).sorted().toList();
  }

  public void put(String bucket, String name, byte[] bytes, String contentType) {
    synchronized (this) {
      objects.put(bucket + "/" + name, new StoredObject(bucket, name, generations.incrementAndGet(), contentType,
          bytes));
    }
  }

  int calls(String kind) {
    AtomicInteger n = calls.get(kind);
    return n == null ? 0 : n.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void count(String kind) {
    calls.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
  }

  private void handle(HttpExchange ex) throws IOException {
    requests.incrementAndGet();
    try {
      String path = ex.getRequestURI().getRawPath();
      Map<String, String> q = query(ex.getRequestURI().getRawQuery());
      String method = ex.getRequestMethod();
      Matcher m;
      if (method.equals("PUT") && path.startsWith("/upload/session/")) {
        resumableChunk(ex, path.substring("/upload/session/".length()));
      } else if ((m = UPLOAD.matcher(path)).matches() && method.equals("POST")) {
        upload(ex, decode(m.group(1)), q);
      } else if ((m = DOWNLOAD.matcher(path)).matches() && method.equals("GET")) {
        media(ex, decode(m.group(1)), decode(m.group(2)), q);
      } else if ((m = COMPOSE.matcher(path)).matches() && method.equals("POST")) {
        compose(ex, decode(m.group(1)), decode(m.group(2)), q);
      } else if ((m = OBJECT.matcher(path)).matches()) {
        String bucket = decode(m.group(1));
        String name = decode(m.group(2));
        switch (method) {
          case "GET" -> {
            if ("media".equals(q.get("alt"))) {
              media(ex, bucket, name, q);
            } else {
              metadata(ex, bucket, name, q);
            }
          }
          case "DELETE" -> delete(ex, bucket, name, q);
          default -> error(ex, 405, "method not allowed");
        }
      } else if ((m = LIST.matcher(path)).matches() && method.equals("GET")) {
        list(ex, decode(m.group(1)), q);
      } else {
        error(ex, 404, "no such API in the fake: " + method + " " + path);
      }
    } catch (RuntimeException | IOException e) {
      failures.add(e);
      error(ex, 500, e.toString());
    } finally {
      ex.close();
    }
  }

  private void metadata(HttpExchange ex, String bucket, String name, Map<String, String> q) throws IOException {
    count("get");
    StoredObject o = current(bucket, name, q);
    if (o == null) {
      error(ex, 404, "No such object: " + bucket + "/" + name);
      return;
    }
    json(ex, 200, resource(o));
  }

  private void media(HttpExchange ex, String bucket, String name, Map<String, String> q) throws IOException {
    count("download");
    StoredObject o = current(bucket, name, q);
    if (o == null) {
      error(ex, 404, "No such object: " + bucket + "/" + name);
      return;
    }
    byte[] b = o.bytes();
    int from = 0;
    int to = b.length - 1;
    String range = ex.getRequestHeaders().getFirst("Range");
    int status = 200;
    if (range != null && range.startsWith("bytes=")) {
      String[] r = range.substring(6).split("-", -1);
      from = Integer.parseInt(r[0]);
      if (r.length > 1 && !r[1].isEmpty()) {
        to = Math.min(to, (int) Long.parseLong(r[1]));
      }
      if (from >= b.length) {
        ex.getResponseHeaders().set("Content-Range", "bytes */" + b.length);
        error(ex, 416, "Requested range not satisfiable");
        return;
      }
      status = 206;
      ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + to + "/" + b.length);
    }
    ex.getResponseHeaders().set("Content-Type", o.contentType() == null ? "application/octet-stream" : o.contentType());
    ex.getResponseHeaders().set("x-goog-generation", Long.toString(o.generation()));
    ex.getResponseHeaders().set("x-goog-metageneration", "1");
    ex.getResponseHeaders().set("x-goog-stored-content-length", Integer.toString(b.length));
    byte[] slice = Arrays.copyOfRange(b, from, to + 1);
    ex.sendResponseHeaders(status, slice.length == 0 ? -1 : slice.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(slice);
    }
  }

  private void upload(HttpExchange ex, String bucket, Map<String, String> q) throws IOException {
    String type = q.getOrDefault("uploadType", "media");
    byte[] body = body(ex);
    switch (type) {
      case "multipart" -> {
        count("create");
        String ct = ex.getRequestHeaders().getFirst("Content-Type");
        Matcher bm = Pattern.compile("boundary=\"?([^\";]+)\"?").matcher(ct == null ? "" : ct);
        if (!bm.find()) {
          error(ex, 400, "multipart upload without a boundary");
          return;
        }
        List<byte[]> parts = multipart(body, bm.group(1));
        JsonNode meta = Json.mapper().readTree(parts.get(0));
        write(ex, bucket, meta, parts.get(1), q);
      }
      case "resumable" -> {
        count("resumable-start");
        JsonNode meta = body.length == 0 ? Json.mapper().createObjectNode() : Json.mapper().readTree(body);
        if (q.containsKey("name")) {
          ((ObjectNode) meta).put("name", q.get("name"));
        }
        String id = Long.toString(generations.incrementAndGet());
        sessions.put(id, new Session(bucket, meta, q));
        ex.getResponseHeaders().set("Location", host() + "/upload/session/" + id);
        ex.sendResponseHeaders(200, -1);
      }
      default -> {
        count("create");
        ObjectNode meta = Json.mapper().createObjectNode().put("name", q.get("name"));
        write(ex, bucket, meta, body, q);
      }
    }
  }

  private void resumableChunk(HttpExchange ex, String id) throws IOException {
    count("resumable-chunk");
    Session s = sessions.get(id);
    if (s == null) {
      error(ex, 404, "no such upload session");
      return;
    }
    byte[] body = body(ex);
    String range = ex.getRequestHeaders().getFirst("Content-Range");
    // "bytes a-b/total", "bytes a-b/*", "bytes */total" or "bytes */*"
    String spec = range == null ? "bytes */*" : range.trim();
    String total = spec.substring(spec.lastIndexOf('/') + 1);
    synchronized (s) {
      if (!spec.startsWith("bytes */")) {
        long start = Long.parseLong(spec.substring(6, spec.indexOf('-')));
        if (start == s.bytes.size()) {
          s.bytes.write(body);
        } else if (start + body.length > s.bytes.size()) {
          byte[] have = s.bytes.toByteArray();
          s.bytes.reset();
          s.bytes.write(have, 0, (int) start);
          s.bytes.write(body);
        }
      }
      if (!total.equals("*") && Long.parseLong(total) == s.bytes.size()) {
        sessions.remove(id);
        write(ex, s.bucket, s.metadata, s.bytes.toByteArray(), s.query);
        return;
      }
      if (s.bytes.size() > 0) {
        ex.getResponseHeaders().set("Range", "bytes=0-" + (s.bytes.size() - 1));
      }
      ex.sendResponseHeaders(308, -1);
    }
  }

  private synchronized void write(HttpExchange ex, String bucket, JsonNode meta, byte[] bytes, Map<String, String> q)
      throws IOException {
    String name = meta.path("name").asText(null);
    if (name == null) {
      error(ex, 400, "an object needs a name");
      return;
    }
    if (!preconditionHolds(bucket, name, q)) {
      error(ex, 412, "Precondition Failed");
      return;
    }
    StoredObject o = new StoredObject(bucket, name, generations.incrementAndGet(),
        meta.path("contentType").asText("application/octet-stream"), bytes);
    objects.put(bucket + "/" + name, o);
    json(ex, 200, resource(o));
  }

  private synchronized void compose(HttpExchange ex, String bucket, String target, Map<String, String> q)
      throws IOException {
    count("compose");
    JsonNode req = Json.mapper().readTree(body(ex));
    JsonNode sources = req.path("sourceObjects");
    if (sources.size() < 1 || sources.size() > 32) {
      error(ex, 400, "compose takes 1 to 32 source objects, not " + sources.size());
      return;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (JsonNode s : sources) {
      StoredObject o = objects.get(bucket + "/" + s.path("name").asText());
      if (o == null) {
        error(ex, 404, "No such object: " + s.path("name").asText());
        return;
      }
      if (s.has("generation") && s.path("generation").asLong() != o.generation()) {
        error(ex, 404, "No such object: " + s.path("name").asText() + " generation " + s.path("generation").asText());
        return;
      }
      out.writeBytes(o.bytes());
    }
    if (!preconditionHolds(bucket, target, q)) {
      error(ex, 412, "Precondition Failed");
      return;
    }
    StoredObject o = new StoredObject(bucket, target, generations.incrementAndGet(),
        req.path("destination").path("contentType").asText("application/octet-stream"), out.toByteArray());
    objects.put(bucket + "/" + target, o);
    json(ex, 200, resource(o));
  }

  private synchronized void delete(HttpExchange ex, String bucket, String name, Map<String, String> q)
      throws IOException {
    count("delete");
    StoredObject o = current(bucket, name, q);
    if (o == null) {
      error(ex, 404, "No such object: " + bucket + "/" + name);
      return;
    }
    if (!preconditionHolds(bucket, name, q)) {
      error(ex, 412, "Precondition Failed");
      return;
    }
    objects.remove(bucket + "/" + name);
    ex.sendResponseHeaders(204, -1);
  }

  private void list(HttpExchange ex, String bucket, Map<String, String> q) throws IOException {
    count("list");
    String prefix = q.getOrDefault("prefix", "");
    ObjectNode page = Json.mapper().createObjectNode().put("kind", "storage#objects");
    ArrayNode items = page.putArray("items");
    new TreeMap<>(objects).values().stream().filter(o -> o.bucket().equals(bucket) && o.name().startsWith(prefix))
        .forEach(o -> items.add(resource(o)));
    json(ex, 200, page);
  }

  private StoredObject current(String bucket, String name, Map<String, String> q) {
    StoredObject o = objects.get(bucket + "/" + name);
    if (o == null) {
      return null;
    }
    if (q.containsKey("generation") && Long.parseLong(q.get("generation")) != o.generation()) {
      return null; // an older generation: not kept
    }
    return o;
  }

  private boolean preconditionHolds(String bucket, String name, Map<String, String> q) {
    String match = q.get("ifGenerationMatch");
    if (match == null) {
      return true;
    }
    StoredObject o = objects.get(bucket + "/" + name);
    long want = Long.parseLong(match);
    return want == 0 ? o == null : o != null && o.generation() == want;
  }

  private ObjectNode resource(StoredObject o) {
    ObjectNode n = Json.mapper().createObjectNode();
    n.put("kind", "storage#object").put("id", o.bucket() + "/" + o.name() + "/" + o.generation())
        .put("bucket", o.bucket()).put("name", o.name()).put("generation", Long.toString(o.generation()))
        .put("metageneration", "1").put("size", Integer.toString(o.bytes().length))
        .put("contentType", o.contentType()).put("storageClass", "STANDARD")
        .put("timeCreated", "2026-12-03T00:00:00.000Z").put("updated", "2026-12-03T00:00:00.000Z");
    return n;
  }

  private static void json(HttpExchange ex, int status, JsonNode body) throws IOException {
    byte[] b = Json.mapper().writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  private static void error(HttpExchange ex, int status, String message) throws IOException {
    ObjectNode e = Json.mapper().createObjectNode();
    ObjectNode err = e.putObject("error").put("code", status).put("message", message);
    err.putArray("errors").addObject().put("message", message).put("domain", "global")
        .put("reason", status == 412 ? "conditionNotMet" : status == 404 ? "notFound" : "invalid");
    json(ex, status, e);
  }

  /** The request body, un-gzipped when the client compressed it. */
  private static byte[] body(HttpExchange ex) throws IOException {
    byte[] b = ex.getRequestBody().readAllBytes();
    if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
      try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(b))) {
        return in.readAllBytes();
      }
    }
    return b;
  }

  private static List<byte[]> multipart(byte[] body, String boundary) {
    byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    List<byte[]> parts = new ArrayList<>();
    int at = indexOf(body, delimiter, 0);
    while (at >= 0) {
      int start = at + delimiter.length;
      if (start + 1 < body.length && body[start] == '-' && body[start + 1] == '-') {
        break;
      }
      int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), start);
      int next = indexOf(body, delimiter, headersEnd + 4);
      int end = next - 2; // the CRLF before the delimiter
      parts.add(Arrays.copyOfRange(body, headersEnd + 4, Math.max(headersEnd + 4, end)));
      at = next;
    }
    return parts;
  }

  private static int indexOf(byte[] data, byte[] pattern, int from) {
    outer:
    for (int i = Math.max(0, from); i <= data.length - pattern.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> q = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return q;
    }
    for (String p : raw.split("&")) {
      int eq = p.indexOf('=');
      q.put(decode(eq < 0 ? p : p.substring(0, eq)), eq < 0 ? "" : decode(p.substring(eq + 1)));
    }
    return q;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}

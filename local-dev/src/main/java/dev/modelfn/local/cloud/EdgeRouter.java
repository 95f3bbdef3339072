package dev.modelfn.local.cloud;

import dev.modelfn.local.apigw.PortInUseException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local cloud's one AWS endpoint (like LocalStack's {@code :4566}): each request goes to the
 * server of the service named in its SigV4 credential scope ({@code Authorization} header, or
 * {@code X-Amz-Credential} of a presigned URL), with {@code X-Amz-Target} as a fallback for
 * unsigned JSON requests. Requests and responses are relayed byte for byte (heads, bodies,
 * chunked encoding, {@code 100-continue}); unknown services get an AWS-style error at once.
 *
 * <p>Successful S3 object writes (PUT, copy, completed multipart upload) are reported to a
 * listener, which is how the local cloud sends S3 event notifications.
 */
public final class EdgeRouter implements AutoCloseable {
  private static final Pattern SCOPE = Pattern.compile("Credential=[^/,\\s]+/\\d{8}/([^/]+)/([^/]+)/aws4_request");
  private static final Pattern QUERY_SCOPE =
      Pattern.compile("X-Amz-Credential=[^&]*?(?:%2F|/)\\d{8}(?:%2F|/)([^%/&]+)(?:%2F|/)([^%/&]+)(?:%2F|/)aws4_request",
          Pattern.CASE_INSENSITIVE);
  private static final Map<String, String> TARGET_PREFIXES = Map.of("AmazonSQS.", "sqs", "Kinesis_20131202.",
      "kinesis");

  /** An S3 object write the edge relayed with a 2xx answer. */
  public record S3Write(String eventName, String bucket, String key, String sourceIp, String requestId) {}

  private final ServerSocket server;
  private final Map<String, Integer> backends;
  private final Consumer<String> log;
  private final Consumer<S3Write> s3Writes;
  private final ExecutorService pool;
  /**
   * Sends S3 event notifications, one at a time in the order of the writes, off the connection
   * that made the write. On that connection's thread, a notification's own request (to SQS,
   * through this edge) could be handed the very kept-alive connection the write just answered on
   * (clients in one JVM share their idle connections) and wait for a thread that is busy sending
   * it; and S3 delivers its notifications asynchronously too.
   */
  private final ExecutorService notifier = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "edge-s3-events");
    t.setDaemon(true);
    return t;
  });
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * Binds the port.
   *
   * @param backends service name ({@code s3}, {@code sqs}, {@code kinesis}, {@code lambda}) → port on 127.0.0.1
   * @throws PortInUseException when the port is taken
   */
  public EdgeRouter(String host, int port, Map<String, Integer> backends, Consumer<String> log,
      Consumer<S3Write> s3Writes) throws IOException {
    this.backends = java.util.Collections.synchronizedMap(new LinkedHashMap<>(backends));
    this.log = log;
    this.s3Writes = s3Writes;
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    try {
      s.bind(new InetSocketAddress(InetAddress.getByName(host), port), 128);
    } catch (BindException e) {
      s.close();
      throw new PortInUseException(host, port);
    }
    this.server = s;
    this.pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "edge");
      t.setDaemon(true);
      return t;
    });
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Routes requests for {@code service} to a server on 127.0.0.1:{@code port} from now on. */
  public void route(String service, int port) {
    backends.put(service, port);
  }

  public void start() {
    Thread acceptor = new Thread(() -> {
      while (!closed) {
        try {
          Socket c = server.accept();
          c.setTcpNoDelay(true);
          open.add(c);
          pool.execute(() -> serve(c));
        } catch (IOException e) {
          if (!closed) {
            log.accept("edge: accept failed: " + e.getMessage());
          }
        }
      }
    }, "edge-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The service a request is for, from its credential scope or target header; empty if it names none. */
  static Optional<String> service(HttpHead req) {
    Optional<String> auth = req.header("authorization");
    if (auth.isPresent()) {
      Matcher m = SCOPE.matcher(auth.get());
      if (m.find()) {
        return Optional.of(m.group(2).toLowerCase(Locale.ROOT));
      }
    }
    Matcher q = QUERY_SCOPE.matcher(req.target());
    if (q.find()) {
      return Optional.of(q.group(2).toLowerCase(Locale.ROOT));
    }
    Optional<String> target = req.header("x-amz-target");
    if (target.isPresent()) {
      for (Map.Entry<String, String> e : TARGET_PREFIXES.entrySet()) {
        if (target.get().startsWith(e.getKey())) {
          return Optional.of(e.getValue());
        }
      }
    }
    return Optional.empty();
  }

  private void serve(Socket client) {
    try (client) {
      InputStream in = new BufferedInputStream(client.getInputStream(), 64 * 1024);
      OutputStream out = new BufferedOutputStream(client.getOutputStream(), 64 * 1024);
      String sourceIp = client.getInetAddress().getHostAddress();
      while (!closed) {
        Optional<HttpHead> next = HttpHead.read(in);
        if (next.isEmpty()) {
          return;
        }
        HttpHead req = next.get();
        if (!relay(req, in, out, sourceIp)) {
          return;
        }
      }
    } catch (SocketException e) {
      // the client or a server went away
    } catch (IOException | RuntimeException e) {
      if (!closed) {
        log.accept("edge: " + e);
      }
    } finally {
      open.remove(client);
    }
  }

  /** Relays one exchange; false when the client connection must close afterwards. */
  private boolean relay(HttpHead req, InputStream in, OutputStream out, String sourceIp) throws IOException {
    if (req.target().startsWith("/_modelfn/health")) {
      req.copyBody(in, null, false, false, 0);
      StringBuilder body = new StringBuilder("{\"services\":{");
      int i = 0;
      for (Map.Entry<String, Integer> b : new LinkedHashMap<>(backends).entrySet()) {
        body.append(i++ > 0 ? "," : "").append('"').append(b.getKey()).append("\":\"")
            .append(ServerProcess.accepts(b.getValue()) ? "running" : "down").append('"');
      }
      body.append("}}");
      respond(out, 200, "application/json", body.toString(), req.wantsClose());
      return !req.wantsClose();
    }
    Optional<String> service = service(req);
    Integer port = service.map(backends::get).orElse(null);
    if (port == null) {
      req.copyBody(in, null, false, false, 0);
      unknownService(req, service, out);
      return !req.wantsClose();
    }
    // A fresh connection per request: no stale kept-alive sockets to retry on (loopback connects are cheap).
    try (Upstream conn = Upstream.open(port)) {
      return relay(req, in, out, conn, service.get(), sourceIp);
    }
  }

  private boolean relay(HttpHead req, InputStream in, OutputStream out, Upstream conn, String svc, String sourceIp)
      throws IOException {
    Optional<String> service = Optional.of(svc);
    InputStream upIn = conn.in();
    OutputStream upOut = conn.out();
    upOut.write(req.raw());
    HttpHead resp;
    boolean bodySent = false;
    if (req.expectsContinue()) {
      upOut.flush();
      resp = HttpHead.read(upIn).orElseThrow(() -> new IOException(service.get() + " closed the connection"));
      if (resp.status() == 100) {
        out.write(withReason(resp.raw()));
        out.flush();
        req.copyBody(in, upOut, false, false, 0);
        upOut.flush();
        bodySent = true;
        resp = HttpHead.read(upIn).orElseThrow(() -> new IOException(service.get() + " closed the connection"));
      }
    } else {
      req.copyBody(in, upOut, false, false, 0);
      upOut.flush();
      bodySent = true;
      resp = HttpHead.read(upIn).orElseThrow(() -> new IOException(service.get() + " closed the connection"));
    }
    while (resp.status() / 100 == 1 && resp.status() != 101) { // interim answers
      out.write(withReason(resp.raw()));
      resp = HttpHead.read(upIn).orElseThrow(() -> new IOException(service.get() + " closed the connection"));
    }
    out.write(withReason(svc.equals("s3") ? echoPartChecksums(req, resp) : resp.raw()));
    boolean noBody = req.method().equals("HEAD") || resp.status() == 204 || resp.status() == 304;
    boolean framed = resp.chunked() || resp.contentLength() >= 0;
    if (!noBody) {
      resp.copyBody(upIn, out, true, false, 0);
    }
    out.flush();
    if (service.get().equals("s3") && resp.status() / 100 == 2) {
      s3Write(req, sourceIp).ifPresent(w -> notifier.execute(() -> {
        try {
          s3Writes.accept(w);
        } catch (RuntimeException e) {
          log.accept("edge: S3 notification for s3://" + w.bucket() + "/" + w.key() + " failed: " + e);
        }
      }));
    }
    // A refused 100-continue leaves an unsent body on the client connection: close it.
    return bodySent && !req.wantsClose() && !resp.wantsClose() && (noBody || framed);
  }

  /** A kept-alive connection to a service's server. */
  private record Upstream(Socket socket, InputStream in, OutputStream out) implements AutoCloseable {
    @Override
    public void close() {
      closeQuietly(socket);
    }

    static Upstream open(int port) throws IOException {
      Socket s = new Socket();
      s.setTcpNoDelay(true);
      s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      return new Upstream(s, new BufferedInputStream(s.getInputStream(), 64 * 1024),
          new BufferedOutputStream(s.getOutputStream(), 64 * 1024));
    }
  }

  private static final Map<Integer, String> REASONS = Map.ofEntries(Map.entry(100, "Continue"), Map.entry(200, "OK"),
      Map.entry(201, "Created"), Map.entry(204, "No Content"), Map.entry(206, "Partial Content"),
      Map.entry(301, "Moved Permanently"), Map.entry(304, "Not Modified"), Map.entry(307, "Temporary Redirect"),
      Map.entry(400, "Bad Request"), Map.entry(403, "Forbidden"), Map.entry(404, "Not Found"),
      Map.entry(405, "Method Not Allowed"), Map.entry(409, "Conflict"), Map.entry(411, "Length Required"),
      Map.entry(412, "Precondition Failed"), Map.entry(413, "Content Too Large"), Map.entry(416, "Range Not Satisfiable"),
      Map.entry(500, "Internal Server Error"), Map.entry(501, "Not Implemented"), Map.entry(503, "Service Unavailable"));

  /**
   * A response head with a reason phrase: S3Mock's Tomcat leaves it out ({@code HTTP/1.1 100 }),
   * which HTTP allows, but botocore (the AWS CLI) recognizes an interim {@code 100 Continue} only
   * with one, and otherwise reads the blank line after it as the next status line and drops the
   * connection, so every upload part of {@code aws s3 cp} above 8 MB failed. Heads with a phrase
   * pass unchanged.
   */
  static byte[] withReason(byte[] raw) {
    int eol = 0;
    while (eol + 1 < raw.length && !(raw[eol] == '\r' && raw[eol + 1] == '\n')) {
      eol++;
    }
    String line = new String(raw, 0, eol, StandardCharsets.ISO_8859_1);
    String[] parts = line.trim().split(" ", 3);
    if (parts.length != 2 || !parts[0].startsWith("HTTP/") || parts[1].length() != 3) {
      return raw;
    }
    int status;
    try {
      status = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      return raw;
    }
    byte[] start = (parts[0] + " " + status + " " + REASONS.getOrDefault(status, "Status " + status))
        .getBytes(StandardCharsets.ISO_8859_1);
    byte[] out = new byte[start.length + raw.length - eol];
    System.arraycopy(start, 0, out, 0, start.length);
    System.arraycopy(raw, eol, out, start.length, raw.length - eol);
    return out;
  }

  private static final List<String> CHECKSUM_HEADERS = List.of("x-amz-checksum-crc32", "x-amz-checksum-crc32c",
      "x-amz-checksum-crc64nvme", "x-amz-checksum-sha1", "x-amz-checksum-sha256");

  /**
   * An {@code UploadPart} answer with the part's checksum, as S3 gives it: S3Mock leaves out the
   * checksum a client sent as a header, and clients that take each part's checksum from that
   * answer (the AWS CLI, whose uploads above 8 MB are multipart and sent with CRC32 checksums)
   * then complete the upload without them, which S3Mock refuses. Other answers pass unchanged.
   */
  static byte[] echoPartChecksums(HttpHead req, HttpHead resp) {
    String target = req.target();
    if (!req.method().equals("PUT") || resp.status() / 100 != 2 || !target.contains("partNumber=")
        || !target.contains("uploadId=") || req.header("x-amz-copy-source").isPresent()) {
      return resp.raw();
    }
    StringBuilder extra = new StringBuilder();
    for (String name : CHECKSUM_HEADERS) {
      Optional<String> sent = req.header(name);
      if (sent.isPresent() && resp.header(name).isEmpty()) {
        extra.append(name).append(": ").append(sent.get()).append("\r\n");
      }
    }
    if (extra.isEmpty()) {
      return resp.raw();
    }
    byte[] raw = resp.raw(); // ends with the empty line: insert before it
    byte[] add = extra.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] out = new byte[raw.length + add.length];
    System.arraycopy(raw, 0, out, 0, raw.length - 2);
    System.arraycopy(add, 0, out, raw.length - 2, add.length);
    out[out.length - 2] = '\r';
    out[out.length - 1] = '\n';
    return out;
  }

  /** The object an S3 request created, if it was a put, a copy or a completed multipart upload. */
  static Optional<S3Write> s3Write(HttpHead req, String sourceIp) {
    String target = req.target();
    int q = target.indexOf('?');
    String path = q >= 0 ? target.substring(0, q) : target;
    String query = q >= 0 ? target.substring(q + 1) : "";
    if (path.startsWith("http://") || path.startsWith("https://")) {
      path = path.substring(path.indexOf('/', path.indexOf("//") + 2));
    }
    int slash = path.indexOf('/', 1);
    if (slash < 0 || slash == path.length() - 1) {
      return Optional.empty(); // a bucket operation
    }
    String bucket = decode(path.substring(1, slash));
    String key = decode(path.substring(slash + 1));
    Map<String, String> params = new HashMap<>();
    for (String p : query.split("&")) {
      if (!p.isEmpty()) {
        int eq = p.indexOf('=');
        params.put(decode(eq >= 0 ? p.substring(0, eq) : p), eq >= 0 ? decode(p.substring(eq + 1)) : "");
      }
    }
    String requestId = req.header("amz-sdk-invocation-id").orElse("");
    String method = req.method();
    if (method.equals("PUT") && !params.containsKey("partNumber") && !params.containsKey("tagging")
        && !params.containsKey("acl") && !params.containsKey("retention") && !params.containsKey("legal-hold")) {
      String event = req.header("x-amz-copy-source").isPresent() ? "ObjectCreated:Copy" : "ObjectCreated:Put";
      return Optional.of(new S3Write(event, bucket, key, sourceIp, requestId));
    }
    if (method.equals("POST") && params.containsKey("uploadId")) {
      return Optional.of(new S3Write("ObjectCreated:CompleteMultipartUpload", bucket, key, sourceIp, requestId));
    }
    return Optional.empty();
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private void unknownService(HttpHead req, Optional<String> service, OutputStream out) throws IOException {
    String message = service.isPresent()
        ? "The local cloud does not run the '" + service.get() + "' service; it runs " + String.join(", ",
            new LinkedHashMap<>(backends).keySet()) + "."
        : "The request names no service: sign it with AWS Signature Version 4 (any credentials, e.g. test/test)"
            + " so that its credential scope says which service it is for.";
    String ct = req.header("content-type").orElse("");
    boolean json = req.header("x-amz-target").isPresent() || ct.contains("json") || ct.contains("cbor");
    String code = "UnknownService";
    if (json) {
      respond(out, 400, "application/x-amz-json-1.1", "{\"__type\":\"" + code + "\",\"message\":\"" + message
          .replace("\"", "'") + "\"}", req.wantsClose());
    } else {
      respond(out, 400, "application/xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ErrorResponse><Error>"
          + "<Type>Sender</Type><Code>" + code + "</Code><Message>" + message.replace("<", "&lt;")
          + "</Message></Error><RequestId>modelfn-edge</RequestId></ErrorResponse>", req.wantsClose());
    }
    log.accept("edge: refused " + req.method() + " " + req.target() + ": " + message);
  }

  private static void respond(OutputStream out, int status, String contentType, String body, boolean close)
      throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 " + status + (status == 200 ? " OK" : " Bad Request") + "\r\nContent-Type: "
        + contentType + "\r\nContent-Length: " + b.length + "\r\nx-amzn-RequestId: modelfn-edge\r\n"
        + (close ? "Connection: close\r\n" : "") + "\r\n";
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    out.write(b);
    out.flush();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    open.forEach(EdgeRouter::closeQuietly);
    pool.shutdownNow();
    notifier.shutdownNow();
  }
}

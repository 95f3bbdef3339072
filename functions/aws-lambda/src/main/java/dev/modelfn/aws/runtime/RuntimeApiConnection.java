package dev.modelfn.aws.runtime;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over one kept-alive socket to the Lambda Runtime API: the three calls a runtime makes,
 * nothing else (no HTTP library to load at cold start). Reconnects when the server closes.
 */
final class RuntimeApiConnection {
  private static final String BASE = "/2018-06-01/runtime/";

  /** One invocation as {@code /invocation/next} hands it over. */
  record Invocation(String requestId, long deadlineMs, String functionArn, String traceId, byte[] body) {}

  private final String host;
  private final int port;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  RuntimeApiConnection(String address) {
    int colon = address.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("AWS_LAMBDA_RUNTIME_API: expected host:port, found " + address);
    }
    this.host = address.substring(0, colon);
    this.port = Integer.parseInt(address.substring(colon + 1));
  }

  Invocation next() throws IOException {
    Response r = exchange("GET", BASE + "invocation/next", null, null);
    if (r.status != 200) {
      throw new IOException("Runtime API next answered " + r.status + ": " + new String(r.body, StandardCharsets.UTF_8));
    }
    String deadline = r.headers.get("lambda-runtime-deadline-ms");
    return new Invocation(r.headers.get("lambda-runtime-aws-request-id"),
        deadline == null ? Long.MAX_VALUE : Long.parseLong(deadline), r.headers.get("lambda-runtime-invoked-function-arn"),
        r.headers.get("lambda-runtime-trace-id"), r.body);
  }

  void respond(String requestId, byte[] payload) throws IOException {
    exchange("POST", BASE + "invocation/" + requestId + "/response", payload, null);
  }

  void error(String requestId, String errorType, byte[] document) throws IOException {
    exchange("POST", BASE + "invocation/" + requestId + "/error", document, errorType);
  }

  void initError(String errorType, byte[] document) throws IOException {
    exchange("POST", BASE + "init/error", document, errorType);
  }

  private record Response(int status, Map<String, String> headers, byte[] body) {}

  private Response exchange(String method, String path, byte[] body, String errorType) throws IOException {
    try {
      return send(method, path, body, errorType);
    } catch (IOException e) {
      close(); // a closed keep-alive connection: one retry on a new one
      return send(method, path, body, errorType);
    }
  }

  private Response send(String method, String path, byte[] body, String errorType) throws IOException {
    if (socket == null) {
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(host, port));
      in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
      out = socket.getOutputStream();
    }
    StringBuilder h = new StringBuilder(160).append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ")
        .append(host).append(':').append(port).append("\r\n");
    if (body != null) {
      h.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
    }
    if (errorType != null) {
      h.append("Lambda-Runtime-Function-Error-Type: ").append(errorType).append("\r\n");
    }
    h.append("\r\n");
    byte[] head = h.toString().getBytes(StandardCharsets.ISO_8859_1);
    if (body != null && head.length + body.length <= 64 * 1024) {
      byte[] all = new byte[head.length + body.length];
      System.arraycopy(head, 0, all, 0, head.length);
      System.arraycopy(body, 0, all, head.length, body.length);
      out.write(all);
    } else {
      out.write(head);
      if (body != null) {
        out.write(body);
      }
    }
    out.flush();
    return read();
  }

  private Response read() throws IOException {
    String status = line();
    if (status == null) {
      throw new IOException("the Runtime API closed the connection");
    }
    String[] parts = status.split(" ", 3);
    int code = Integer.parseInt(parts[1]);
    Map<String, String> headers = new HashMap<>();
    String l;
    while ((l = line()) != null && !l.isEmpty()) {
      int colon = l.indexOf(':');
      if (colon > 0) {
        headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
      }
    }
    byte[] body;
    String length = headers.get("content-length");
    if (length != null) {
      body = in.readNBytes(Integer.parseInt(length));
    } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      body = chunked();
    } else {
      body = new byte[0];
    }
    if ("close".equalsIgnoreCase(headers.get("connection"))) {
      close();
    }
    return new Response(code, headers, body);
  }

  private byte[] chunked() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    while (true) {
      String size = line();
      int semi = size.indexOf(';');
      int n = Integer.parseInt((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
      if (n == 0) {
        while (true) { // trailers
          String t = line();
          if (t == null || t.isEmpty()) {
            return b.toByteArray();
          }
        }
      }
      b.write(in.readNBytes(n));
      line();
    }
  }

  private String line() throws IOException {
    StringBuilder b = new StringBuilder(64);
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        int len = b.length();
        return len > 0 && b.charAt(len - 1) == '\r' ? b.substring(0, len - 1) : b.toString();
      }
      b.append((char) c);
    }
    return b.length() == 0 ? null : b.toString();
  }

  private void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // already gone
      }
    }
    socket = null;
    in = null;
    out = null;
  }
}

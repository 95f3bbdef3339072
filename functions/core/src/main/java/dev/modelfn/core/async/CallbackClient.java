package dev.modelfn.core.async;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Posts a callback over HTTP/1.1 to an address that {@link CallbackPolicy} checked: the connection
 * goes to that address (not to a second DNS answer), TLS verifies the certificate against the URL's
 * host name and sends it as SNI. Redirects are not followed (a redirect could lead anywhere); any
 * status other than 2xx is a failed delivery.
 */
public final class CallbackClient {
  /** The outcome of one delivery attempt. */
  public record Outcome(boolean delivered, int status, String error) {
    static Outcome failed(String error) {
      return new Outcome(false, 0, error);
    }
  }

  private final CallbackPolicy policy;
  private final SSLSocketFactory tls;
  private final Duration connectTimeout;
  private final Duration readTimeout;

  public CallbackClient(CallbackPolicy policy, SSLSocketFactory tls, Duration connectTimeout, Duration readTimeout) {
    this.policy = policy;
    this.tls = tls;
    this.connectTimeout = connectTimeout;
    this.readTimeout = readTimeout;
  }

  public static CallbackClient create(CallbackPolicy policy, Duration timeout) {
    return new CallbackClient(policy, (SSLSocketFactory) SSLSocketFactory.getDefault(), timeout, timeout);
  }

  public CallbackPolicy policy() {
    return policy;
  }

  /** Checks the URL again (after DNS), then posts the body with the given headers. Never throws. */
  public Outcome post(String url, byte[] body, Map<String, String> headers) {
    CallbackPolicy.Target target;
    try {
      target = policy.check(url);
    } catch (CallbackPolicy.RefusedException e) {
      return Outcome.failed("refused: " + e.getMessage());
    }
    String lastError = null;
    List<InetAddress> addresses = target.addresses();
    for (InetAddress address : addresses) {
      try {
        return post(target, address, body, headers);
      } catch (java.net.ConnectException | java.net.SocketTimeoutException e) {
        lastError = "cannot connect to " + address.getHostAddress() + ":" + target.port() + ": " + e.getMessage();
      } catch (IOException e) {
        return Outcome.failed(target.host() + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
      }
    }
    return Outcome.failed(lastError);
  }

  private Outcome post(CallbackPolicy.Target t, InetAddress address, byte[] body, Map<String, String> headers)
      throws IOException {
    Socket plain = new Socket();
    try {
      plain.connect(new InetSocketAddress(address, t.port()), (int) connectTimeout.toMillis());
      plain.setSoTimeout((int) readTimeout.toMillis());
      Socket s = plain;
      if (t.tls()) {
        SSLSocket ssl = (SSLSocket) tls.createSocket(plain, t.host(), t.port(), true);
        SSLParameters params = ssl.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        if (!t.host().matches("[0-9.]+") && !t.host().contains(":")) {
          params.setServerNames(List.of(new SNIHostName(t.host())));
        }
        ssl.setSSLParameters(params);
        ssl.startHandshake();
        s = ssl;
      }
      String path = t.uri().getRawPath() == null || t.uri().getRawPath().isEmpty() ? "/" : t.uri().getRawPath();
      if (t.uri().getRawQuery() != null) {
        path += "?" + t.uri().getRawQuery();
      }
      boolean defaultPort = t.port() == (t.tls() ? 443 : 80);
      String hostHeader = (t.host().contains(":") ? "[" + t.host() + "]" : t.host()) + (defaultPort ? "" : ":"
          + t.port());
      StringBuilder head = new StringBuilder(256);
      head.append("POST ").append(path).append(" HTTP/1.1\r\n")
          .append("Host: ").append(hostHeader).append("\r\n")
          .append("User-Agent: modelfn-callback/1\r\n")
          .append("Content-Type: application/json\r\n")
          .append("Content-Length: ").append(body.length).append("\r\n")
          .append("Connection: close\r\n");
      for (Map.Entry<String, String> h : headers.entrySet()) {
        head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
      }
      head.append("\r\n");
      OutputStream out = s.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      String status = statusLine(new BufferedInputStream(s.getInputStream()));
      String[] parts = status.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
        return Outcome.failed(t.host() + " answered with something other than HTTP: '" + status + "'");
      }
      int code;
      try {
        code = Integer.parseInt(parts[1]);
      } catch (NumberFormatException e) {
        return Outcome.failed(t.host() + " answered with an invalid status line: '" + status + "'");
      }
      if (code >= 200 && code < 300) {
        return new Outcome(true, code, null);
      }
      return new Outcome(false, code, "HTTP " + code + (parts.length > 2 ? " " + parts[2] : "")
          + (code >= 300 && code < 400 ? " (redirects are not followed)" : ""));
    } finally {
      plain.close();
    }
  }

  private static String statusLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(64);
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      if (line.size() > 8192) {
        throw new IOException("status line longer than 8 KiB");
      }
      line.write(c);
    }
    if (line.size() == 0 && c < 0) {
      throw new IOException("connection closed without a response");
    }
    return line.toString(StandardCharsets.ISO_8859_1).trim();
  }
}

package dev.modelfn.local.cloud;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The head of an HTTP/1.1 message as it came over the wire: kept byte for byte so that a proxy
 * forwards it unchanged, and parsed for routing.
 *
 * @param startLine the request line or status line
 * @param headers name/value pairs in order (names as sent)
 */
record HttpHead(byte[] raw, String startLine, List<String[]> headers) {
  private static final int MAX_HEAD = 64 * 1024;

  /** Reads a head; empty at a clean end of stream before its first byte. */
  static Optional<HttpHead> read(InputStream in) throws IOException {
    ByteArrayOutputStream raw = new ByteArrayOutputStream(512);
    int last4 = 0; // the last four bytes read, as an int
    while (true) {
      int b = in.read();
      if (b < 0) {
        if (raw.size() == 0) {
          return Optional.empty();
        }
        throw new IOException("connection closed inside an HTTP head");
      }
      raw.write(b);
      last4 = (last4 << 8) | b;
      if (raw.size() > MAX_HEAD) {
        throw new IOException("HTTP head longer than " + MAX_HEAD + " bytes");
      }
      if (raw.size() == 2 && (last4 & 0xffff) == 0x0d0a) { // a stray CRLF between messages
        raw.reset();
        last4 = 0;
        continue;
      }
      if (last4 == 0x0d0a0d0a) {
        break;
      }
    }
    byte[] bytes = raw.toByteArray();
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    String[] lines = text.split("\r\n");
    List<String[]> headers = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.add(new String[] {lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim()});
      }
    }
    return Optional.of(new HttpHead(bytes, lines[0], headers));
  }

  Optional<String> header(String name) {
    for (String[] h : headers) {
      if (h[0].equalsIgnoreCase(name)) {
        return Optional.of(h[1]);
      }
    }
    return Optional.empty();
  }

  /** Request method (request heads only). */
  String method() {
    return startLine.substring(0, startLine.indexOf(' '));
  }

  /** Request target: path and query (request heads only). */
  String target() {
    String[] parts = startLine.split(" ");
    return parts.length > 1 ? parts[1] : "/";
  }

  /** Status code (response heads only). */
  int status() {
    String[] parts = startLine.split(" ");
    return Integer.parseInt(parts[1]);
  }

  boolean chunked() {
    return header("transfer-encoding").map(v -> v.toLowerCase(Locale.ROOT).contains("chunked")).orElse(false);
  }

  long contentLength() {
    return header("content-length").map(v -> Long.parseLong(v.trim())).orElse(-1L);
  }

  boolean wantsClose() {
    return header("connection").map(v -> v.toLowerCase(Locale.ROOT).contains("close")).orElse(false)
        || startLine.endsWith("HTTP/1.0") || startLine.startsWith("HTTP/1.0");
  }

  boolean expectsContinue() {
    return header("expect").map(v -> v.equalsIgnoreCase("100-continue")).orElse(false);
  }

  /**
   * Copies the message body that follows this head from {@code in} to {@code out} (which may be
   * null to drain it), as framed by Content-Length or chunked encoding.
   *
   * @param untilClose read to the end of the stream when neither frames the body (responses)
   * @return the body's bytes when {@code keep} is set and it is at most {@code keepLimit} long
   */
  byte[] copyBody(InputStream in, OutputStream out, boolean untilClose, boolean keep, int keepLimit)
      throws IOException {
    ByteArrayOutputStream kept = keep ? new ByteArrayOutputStream() : null;
    byte[] buf = new byte[16 * 1024];
    if (chunked()) {
      while (true) {
        String sizeLine = line(in);
        write(out, (sizeLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        int semi = sizeLine.indexOf(';');
        long size = Long.parseLong((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
        if (size == 0) {
          while (true) { // trailers, then the empty line
            String t = line(in);
            write(out, (t + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            if (t.isEmpty()) {
              return kept == null ? null : kept.toByteArray();
            }
          }
        }
        copy(in, out, size, buf, kept, keepLimit);
        String crlf = line(in);
        write(out, (crlf + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      }
    }
    long length = contentLength();
    if (length >= 0) {
      copy(in, out, length, buf, kept, keepLimit);
    } else if (untilClose) {
      copy(in, out, Long.MAX_VALUE, buf, kept, keepLimit);
    }
    return kept == null ? null : kept.toByteArray();
  }

  private static void copy(InputStream in, OutputStream out, long n, byte[] buf, ByteArrayOutputStream kept,
      int keepLimit) throws IOException {
    long left = n;
    while (left > 0) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (r < 0) {
        if (n == Long.MAX_VALUE) {
          return;
        }
        throw new IOException("connection closed " + left + " bytes before the end of a body");
      }
      write(out, buf, r);
      if (kept != null && kept.size() + r <= keepLimit) {
        kept.write(buf, 0, r);
      }
      left -= r;
    }
  }

  private static void write(OutputStream out, byte[] b) throws IOException {
    write(out, b, b.length);
  }

  private static void write(OutputStream out, byte[] b, int n) throws IOException {
    if (out != null) {
      out.write(b, 0, n);
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed inside a chunked body");
      }
      if (b == '\n') {
        int len = sb.length();
        return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
      }
      sb.append((char) b);
      if (sb.length() > 8192) {
        throw new IOException("chunk header line too long");
      }
    }
  }
}
